"""Tests of sop_lib.data.sources: tables read from a database through sources.yaml."""
from __future__ import annotations

import filecmp
import shutil
import socket
import textwrap

import pandas as pd
import pytest

from sop_lib.cli import main
from sop_lib.data.database import write_database_form, write_tables
from sop_lib.data.sources import read_sources
from sop_lib.data.validation import check_company, load_company
from sop_lib.run.runner import SAMPLE_DIR
from sop_lib.store.inputs import keep_inputs
from tests import REPO
from tests.postgres import PASSWORD

SAMPLE_DATABASE_DIR = REPO / "data" / "sample-database"


@pytest.fixture(scope="module")
def database_form(tmp_path_factory):
    """The sample company in its SQLite form, written once."""
    return write_database_form(SAMPLE_DIR, tmp_path_factory.mktemp("database-form"))


@pytest.fixture
def company(database_form, tmp_path):
    """A copy of the sample's SQLite form to change."""
    return shutil.copytree(database_form, tmp_path / "company")


def set_sources(folder, text: str) -> None:
    (folder / "sources.yaml").write_text(textwrap.dedent(text))


def errors(problems):
    return [str(p) for p in problems if p.is_error]


def test_the_bundled_database_sample_is_the_sample():
    from_files, from_database = load_company(SAMPLE_DIR), load_company(SAMPLE_DATABASE_DIR)
    for name, table in from_files.tables.items():
        pd.testing.assert_frame_equal(from_database.tables[name], table, obj=name)
    assert filecmp.cmp(SAMPLE_DIR / "company.yaml", SAMPLE_DATABASE_DIR / "company.yaml",
                       shallow=False)
    scenarios = sorted(p.name for p in (SAMPLE_DIR / "scenarios").iterdir())
    assert filecmp.cmpfiles(SAMPLE_DIR / "scenarios", SAMPLE_DATABASE_DIR / "scenarios",
                            scenarios, shallow=False)[0] == scenarios
    assert from_database.origin("items")[0] == "items (query in sources.yaml)"


def test_a_query_in_a_file_is_sql_as_written_with_its_percent_signs(company):
    (company / "queries").mkdir()
    (company / "queries" / "items.sql").write_text(
        "SELECT sku AS sku, family, description, unit_price, standard_cost, status, end_of_life"
        "\nFROM items WHERE sku LIKE 'C%' OR sku NOT LIKE 'C%'  -- every SKU, :not_a_parameter")
    set_sources(company, (company / "sources.yaml").read_text().replace(
        "  items: SELECT sku, family, description, unit_price, standard_cost, status, "
        "end_of_life FROM items ORDER BY sku", "  items:\n    file: queries/items.sql"))
    loaded, problems = check_company(company)
    assert errors(problems) == []
    assert len(loaded.items) == len(load_company(SAMPLE_DIR).items)
    assert loaded.origin("items")[0] == "items (query in queries/items.sql)"


def test_a_failing_query_names_its_table_and_file_and_publishes_nothing(company):
    text = (company / "sources.yaml").read_text().replace("FROM inventory", "FROM inventry")
    set_sources(company, text)
    loaded, problems = check_company(company)
    assert loaded is None
    assert errors(problems) == ["ERROR inventory (query in sources.yaml): the query failed: "
                                "no such table: inventry"]


def test_wrong_columns_and_wrong_types_are_located_in_the_query(company):
    text = (company / "sources.yaml").read_text()
    text = text.replace("SELECT sku, month, on_hand FROM inventory",
                        "SELECT sku AS item, month, on_hand FROM inventory")
    text = text.replace("SELECT sku, month, bookings, shipments FROM demand_history",
                        "SELECT sku, month, CASE WHEN sku = 'CS-001' AND month = '2026-10-01' "
                        "THEN 'many' ELSE bookings END AS bookings, shipments "
                        "FROM demand_history")
    set_sources(company, text)
    found = errors(check_company(company)[1])
    assert "ERROR inventory (query in sources.yaml), column sku: the column is missing" in \
        " | ".join(found)
    assert any(line.startswith("ERROR demand_history (query in sources.yaml), row ")
               and "column bookings: value 'many'" in line for line in found), found


def test_a_table_given_as_a_file_and_as_a_query_is_refused(company):
    shutil.copy2(SAMPLE_DIR / "items.csv", company / "items.csv")
    found = errors(check_company(company)[1])
    assert found == ["ERROR items.csv: the table items is given twice, as items.csv and items "
                     "(query in sources.yaml); keep only one"]


def test_tables_not_in_sources_yaml_are_read_from_the_folder(company):
    shutil.copy2(SAMPLE_DIR / "resources.csv", company / "resources.csv")
    text = (company / "sources.yaml").read_text()
    set_sources(company, "\n".join(line for line in text.splitlines()
                                   if not line.startswith("  resources:")) + "\n")
    loaded, problems = check_company(company)
    assert errors(problems) == []
    assert loaded.origin("resources")[0] == "resources.csv"
    assert loaded.files["resources"].name == "resources.csv"


@pytest.mark.parametrize(("connection", "expected"), [
    ("sqlite:///${SOP_TEST_NO_SUCH_VARIABLE}", "ERROR sources.yaml, column connection: the "
     "environment variable SOP_TEST_NO_SUCH_VARIABLE is not set; set it where `sop` runs (the "
     "scheduler's environment too)"),
    ("not a url", "ERROR sources.yaml, column connection: value 'not a url': not a database "
     "URL; expected e.g. `postgresql+psycopg://planner:${SOP_DB_PASSWORD}@host/erp` or "
     "`sqlite:///erp.sqlite`"),
    ("sqlite:///missing.sqlite", "ERROR sources.yaml, column connection: the SQLite database "
     "missing.sqlite does not exist (a relative path is read from the company folder)"),
    ("nosuchdb://host/db", "ERROR sources.yaml, column connection: the database driver is not "
     "installed (Can't load plugin: sqlalchemy.dialects:nosuchdb); for PostgreSQL: pip install "
     "'sop-workbooks[postgres]'"),
])
def test_a_connection_that_cannot_be_used_is_one_clear_error(company, connection, expected):
    set_sources(company, (company / "sources.yaml").read_text().replace(
        "connection: sqlite:///sample.sqlite", f"connection: {connection}"))
    loaded, problems = check_company(company)
    assert loaded is None
    assert errors(problems) == [expected]  # no "the table is missing": its table is unknown


def test_sources_yaml_mistakes_are_located(company):
    set_sources(company, """\
        connection: sqlite:///sample.sqlite
        connect_timeout: forever
        tables:
          itemz: SELECT * FROM items
          inventory:
            file: queries/inventory.sql
        """)
    assert errors(check_company(company)[1]) == [
        "ERROR sources.yaml, column connect_timeout: value 'forever': expected a number of "
        "seconds from 1 to 300",
        "ERROR sources.yaml, column tables.itemz: not a table of the data contract; expected "
        "one of bill_of_resources, business_plan, demand_history, families, inventory, items, "
        "open_orders, overrides, production_history, resources",
        "ERROR sources.yaml, column tables.inventory: value 'queries/inventory.sql': the query "
        "file does not exist (a path relative to the company folder)"]


def test_validate_names_the_query_and_exits_2(company, capsys):
    set_sources(company, (company / "sources.yaml").read_text().replace("FROM items",
                                                                        "FROM itemz"))
    assert main(["validate", str(company)]) == 2
    assert "ERROR items (query in sources.yaml): the query failed: no such table: itemz" in \
        capsys.readouterr().out


# --- PostgreSQL ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def postgres_sample(postgres):
    """The sample company loaded into the throwaway server."""
    write_tables(load_company(SAMPLE_DIR), postgres.url())
    return postgres


def postgres_company(folder, server, monkeypatch, password=PASSWORD):
    """`folder` as a copy of the sample's database form pointed at the server, its password
    in SOP_DB_PASSWORD."""
    monkeypatch.setenv("SOP_DB_PASSWORD", password)
    text = (folder / "sources.yaml").read_text().replace(
        "sqlite:///sample.sqlite",
        f"postgresql+psycopg://planner:${{SOP_DB_PASSWORD}}@127.0.0.1:{server.port}/postgres")
    (folder / "sample.sqlite").unlink()
    set_sources(folder, text)
    return folder


def test_a_company_read_from_postgres_is_the_company_of_its_files(company, postgres_sample,
                                                                  monkeypatch):
    loaded = load_company(postgres_company(company, postgres_sample, monkeypatch))
    for name, table in load_company(SAMPLE_DIR).tables.items():
        pd.testing.assert_frame_equal(loaded.tables[name], table, obj=name)


def test_a_wrong_password_is_an_error_that_never_shows_a_password(company, postgres_sample,
                                                                 monkeypatch):
    wrong = "wr0ng/p@ss:word"
    postgres_company(company, postgres_sample, monkeypatch, password=wrong)
    found = errors(check_company(company)[1])
    assert len(found) == 1
    assert found[0].startswith(
        f"ERROR sources.yaml, column connection: could not connect to "
        f"postgresql+psycopg://planner:***@127.0.0.1:{postgres_sample.port}/postgres within "
        "10 s:")
    assert "password authentication failed" in found[0]
    assert "wr0ng" not in found[0] and "p%40ss" not in found[0]


def test_a_database_that_does_not_answer_is_an_error_within_the_timeout(company, monkeypatch):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        monkeypatch.setenv("SOP_DB_PASSWORD", "x")
        set_sources(company, f"""\
            connection: postgresql+psycopg://planner:${{SOP_DB_PASSWORD}}@127.0.0.1:{silent.getsockname()[1]}/erp
            connect_timeout: 2
            tables:
              items: SELECT * FROM items
            """)
        found = [p for p in errors(check_company(company)[1]) if "sources.yaml" in p]
    assert len(found) == 1 and "within 2 s:" in found[0], found
    assert found[0].startswith("ERROR sources.yaml, column connection: could not connect to "
                               "postgresql+psycopg://planner:***@127.0.0.1:")


def test_the_inputs_a_run_keeps_read_again_as_read_and_name_their_query(company, tmp_path):
    set_sources(company, (company / "sources.yaml").read_text().replace(
        "FROM open_orders", "FROM open_orders WHERE 1 = 0"))
    kept = tmp_path / "kept"
    read, problems = check_company(company, snapshot=kept)
    keep_inputs(read, kept, sorted((company / "scenarios").glob("*.yaml")))
    again, problems_again = check_company(kept)
    for name, table in read.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table, obj=name)
    assert [str(p) for p in problems] == [
        "WARNING open_orders (query in sources.yaml): the table has no rows, so make-to-order "
        "families are planned without a backlog (the plan and the family sheets' backlog start "
        "from zero open orders) and customer service counts no order as late; add the open "
        "customer orders, if there are any"]
    assert [p.file for p in problems_again] == [
        "open_orders (query in sources.yaml), kept as open_orders.parquet"]
    assert again.origin("items")[0] == "items (query in sources.yaml), kept as items.parquet"
    assert sorted(p.name for p in (kept / "scenarios").iterdir()) == sorted(
        p.name for p in (company / "scenarios").iterdir())
    (kept / "items.parquet").unlink()  # kept inputs someone damaged: an error, no crash
    assert [str(p) for p in check_company(kept)[1] if p.is_error] == [
        "ERROR items.csv: the table is missing; expected items.csv, items.parquet or a sheet "
        "items in the .xlsx workbook"]


@pytest.mark.parametrize(("connection", "variables", "shown"), [
    ("${SOP_TEST_URL}", {"SOP_TEST_URL": "postgresql+psycopg://u:s3cr%40t@h/db?sslpassword=k3y"},
     "postgresql+psycopg://u:***@h/db?sslpassword=***"),
    ("postgresql+psycopg://u@h/db?password=${SOP_TEST_PW}", {"SOP_TEST_PW": "p@ss w+rd/é"},
     "postgresql+psycopg://u@h/db?password=***"),
    ("postgresql+psycopg://u:hunter2@${SOP_TEST_HOST}/erp", {"SOP_TEST_HOST": "db1"},
     "postgresql+psycopg://u:***@db1/erp"),
])
def test_no_secret_of_the_connection_is_ever_shown(tmp_path, monkeypatch, connection,
                                                   variables, shown):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    set_sources(tmp_path, f"connection: {connection}\ntables:\n  items: SELECT 1\n")
    sources, problems = read_sources(tmp_path, {"items"})
    assert sources.shown_url == shown
    secrets = ["s3cr", "k3y", "p@ss", "p%40ss", "hunter2"]
    assert not [s for s in secrets if s in sources.shown_url or s in repr(sources)]
    for secret in [s for s in secrets if s in sources.url]:
        assert secret not in sources.hide(f"driver said: {sources.url}")
    written_password = [str(p) for p in problems if "password is written" in str(p)]
    assert written_password == (["WARNING sources.yaml, column connection: the password is "
                                 "written in the file; put it in an environment variable and "
                                 "write ${SOP_DB_PASSWORD} instead"]
                                if "hunter2" in connection else [])


def test_a_sqlite_source_is_only_read(company):
    set_sources(company, (company / "sources.yaml").read_text().replace(
        "  open_orders: SELECT", "  open_orders: DROP TABLE resources; SELECT"))
    found = errors(check_company(company)[1])
    assert len(found) == 1 and found[0].startswith("ERROR open_orders (query in sources.yaml): "
                                                   "the query failed: "), found
    assert check_company(company)[0] is None
    set_sources(company, (company / "sources.yaml").read_text().replace(
        "DROP TABLE resources; ", ""))
    assert errors(check_company(company)[1]) == []  # resources is still there
