"""The whole cycle from a PostgreSQL database: the same pack as from the company's files, its
inputs kept in the pack so that it runs again the same after the database moved on, and the
database's password nowhere in what a run writes."""
from __future__ import annotations

import filecmp
import shutil
import zipfile
from urllib.parse import quote, quote_plus

import pandas as pd
import pytest
import sqlalchemy

from sop_lib.cli import main
from sop_lib.data.database import write_database_form, write_tables
from sop_lib.data.validation import load_company
from sop_lib.run.runner import SAMPLE_DIR, run_cycle
from sop_lib.store.manifest import input_hashes
from tests.postgres import PASSWORD

SAME_BYTES = ("plan_of_record", "artifacts")
AUDIT, SOURCE_ROWS = "override_audit.parquet", ["row", "by"]


@pytest.fixture(scope="module")
def from_files(tmp_path_factory):
    """The sample's pack from its files."""
    return run_cycle(reports_dir=tmp_path_factory.mktemp("files"), progress=lambda _: None)


@pytest.fixture(scope="module")
def company(postgres, tmp_path_factory):
    """The sample loaded into the throwaway server, and a company folder reading it."""
    write_tables(load_company(SAMPLE_DIR), postgres.url())
    folder = write_database_form(SAMPLE_DIR, tmp_path_factory.mktemp("postgres") / "company")
    (folder / "sample.sqlite").unlink()
    sources = folder / "sources.yaml"
    sources.write_text(sources.read_text().replace(
        "sqlite:///sample.sqlite",
        f"postgresql+psycopg://planner:${{SOP_DB_PASSWORD}}@127.0.0.1:{postgres.port}/postgres"))
    return folder


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("SOP_DB_PASSWORD", PASSWORD)
    return PASSWORD


def same_files(left, right) -> bool:
    """Whether two folders hold the same files, byte for byte; the override audit's rows name
    where each override was read (a file's row, a query's), so it is compared without them."""
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    names = [name for name in compared.common_files if name != AUDIT]
    if AUDIT in compared.common_files:
        sources = [pd.read_parquet(folder / AUDIT).drop(columns=SOURCE_ROWS)
                   for folder in (left, right)]
        if not sources[0].equals(sources[1]):
            return False
    if filecmp.cmpfiles(left, right, names, shallow=False)[0] != names:
        return False
    return all(same_files(left / d, right / d) for d in compared.common_dirs)


def test_a_cycle_from_postgres_is_the_cycle_from_files_and_runs_again_from_its_inputs(
        company, password, from_files, postgres, tmp_path):
    said = []
    pack = run_cycle(data_dir=company, reports_dir=tmp_path / "db", progress=said.append)
    for folder in SAME_BYTES:
        assert same_files(pack.folder / folder, from_files.folder / folder), folder
    inputs = pack.folder / "inputs"
    kept = sorted(p.name for p in inputs.rglob("*") if p.is_file())
    assert "demand_history.parquet" in kept and "company.yaml" in kept
    assert "sources.yaml" not in kept and "sample.sqlite" not in kept
    assert "queried.yaml" in kept
    assert pack.manifest["inputs"] == input_hashes(p for p in inputs.rglob("*")
                                                   if p.is_file() and p.name != "queried.yaml")
    assert pack.manifest["sources"]["connection"] == (
        f"postgresql+psycopg://planner:***@127.0.0.1:{postgres.port}/postgres")
    assert len(pack.manifest["sources"]["tables"]) == 10
    assert pack.manifest["parameters"]["data_dir"] == str(company.resolve())

    # The database moves on; the pack's inputs still make the same pack.
    engine = sqlalchemy.create_engine(postgres.url())
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE demand_history SET bookings = bookings * 2")
    engine.dispose()
    again = run_cycle(data_dir=inputs, reports_dir=tmp_path / "again", progress=lambda _: None)
    for folder in SAME_BYTES:
        assert same_files(again.folder / folder, pack.folder / folder), folder
    moved, kept_then = load_company(company), load_company(inputs)
    assert moved.demand_history["bookings"].sum() == 2 * kept_then.demand_history["bookings"].sum()
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE demand_history SET bookings = bookings / 2")

    secrets = [PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD)]
    written = [p for p in (tmp_path / "db").rglob("*") if p.is_file()]
    assert written and not [p for p in written if holds_any(p, secrets)]
    assert not [line for line in said if any(s in line for s in secrets)]
    assert "postgresql+psycopg://planner:***@" in (pack.folder / "run.log").read_text()


def holds_any(path, secrets) -> bool:
    """Whether a file holds one of `secrets`, looking inside the members of a zipped file
    (the Excel pack)."""
    contents = [path.read_bytes()]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            contents += [archive.read(name) for name in archive.namelist()]
    return any(s.encode() in content for s in secrets for content in contents)


def test_a_failing_query_stops_the_run_before_anything_is_published(
        company, password, tmp_path, capsys):
    broken = shutil.copytree(company, tmp_path / "broken")
    sources = broken / "sources.yaml"
    sources.write_text(sources.read_text().replace("FROM open_orders", "FROM open_order"))
    assert main(["run", "--data", str(broken), "--out", str(tmp_path / "reports")]) == 2
    message = capsys.readouterr().err
    assert "open_orders (query in sources.yaml): the query failed" in message
    assert 'relation "open_order" does not exist' in message
    assert PASSWORD not in message
    assert not (tmp_path / "reports" / "2026-11").exists()
