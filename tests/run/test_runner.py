"""End to end: `sop run` on a small generated company; a failing run publishes nothing."""
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import psutil
import pytest
from bs4 import BeautifulSoup

from sop_lib.cli import main
from sop_lib.core.errors import RunError
from sop_lib.data.sample import write_sample
from sop_lib.run import runner
from sop_lib.run.steps import STEPS
from sop_lib.store.manifest import file_sha256


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    data = write_sample(root / "company", seed=3, skus=18, months=30)
    status = main(["run", "--data", str(data), "--out", str(root / "reports")])
    assert status == 0
    cycle = next(p for p in (root / "reports").iterdir() if p.name[:2] == "20")
    return data, root / "reports", cycle


def _artifact(cycle: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(cycle / "artifacts" / f"{name}.parquet")


def test_family_is_the_sum_of_its_skus(published):
    _, _, cycle = published
    skus = _artifact(cycle, "consensus").groupby(["family", "month"])["consensus"].sum()
    families = _artifact(cycle, "demand").set_index(["family", "month"])["consensus"]
    pd.testing.assert_series_equal(skus.sort_index(), families.sort_index(), check_names=False)


def test_inventory_and_backlog_balance(published):
    _, _, cycle = published
    plan = _artifact(cycle, "plan").sort_values(["family", "month"])
    for _, rows in plan.groupby("family"):
        rows = rows.reset_index(drop=True)
        change = rows["production"] - rows["shipments"]
        backlog_change = rows["demand"] - rows["shipments"]
        if rows["strategy"].iloc[0] == "MTS":
            np.testing.assert_allclose(rows["inventory"].diff()[1:], change[1:], atol=1e-6)
        np.testing.assert_allclose(rows["backlog"].diff()[1:], backlog_change[1:], atol=1e-6)


def test_capacity_load_is_plan_times_hours_per_unit(published):
    data, _, cycle = published
    plan = _artifact(cycle, "plan")
    bor = pd.read_csv(data / "bill_of_resources.csv")
    rows = plan.merge(bor, on="family")
    expected = ((rows["production"] * rows["hours_per_unit"])
                .groupby([rows["resource"], rows["month"]]).sum())
    load = _artifact(cycle, "load").set_index(["resource", "month"])["load_hours"]
    pd.testing.assert_series_equal(load.sort_index(), expected.sort_index(), check_names=False)


def test_pages_have_no_code_and_every_chart_is_embedded(published):
    _, _, cycle = published
    for step in STEPS:
        soup = BeautifulSoup((cycle / f"{step.notebook}.html").read_text(), "html.parser")
        assert not soup.select(".jp-CodeCell .jp-InputArea, .highlight, .jp-InputPrompt")
        assert "Traceback" not in soup.get_text()
        images = soup.find_all("img")
        assert images, f"{step.notebook} shows no chart"
        assert all(img["src"].startswith("data:image/png;base64,") for img in images)
        assert all(img.get("alt", "").strip() for img in images), "every chart has alt text"
        assert not soup.find_all("script"), "no script element"
        assert "script-src" not in soup.find("meta", attrs={"http-equiv": True})["content"]
        assert "default-src 'none'" in soup.find("meta", attrs={"http-equiv": True})["content"]
        assert not [t for t in soup.find_all(src=True) if not t["src"].startswith("data:")]
        assert not [t for t in soup.find_all("link") if t.get("href", "").startswith("http")]
    assert not list(cycle.rglob("*.png")), "the run's chart folder is not part of the pack"
    index = BeautifulSoup((cycle / "index.html").read_text(), "html.parser")
    assert {a["href"] for a in index.find_all("a")} >= {f"{s.notebook}.html" for s in STEPS}


def test_manifest_records_inputs_parameters_versions_and_steps(published):
    data, reports, cycle = published
    manifest = json.loads((cycle / "manifest.json").read_text())
    assert manifest["status"] == "published"
    assert manifest["cycle"] == cycle.name
    assert [s["step"] for s in manifest["steps"]] == [s.name for s in STEPS]
    assert manifest["inputs"]["items.csv"] == file_sha256(data / "items.csv")
    assert manifest["inputs"]["company.yaml"] == file_sha256(data / "company.yaml")
    assert manifest["packages"]["pandas"] == pd.__version__
    listing = (reports / "index.html").read_text()
    assert f'href="{cycle.name}/index.html"' in listing


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failed_step_publishes_nothing_and_keeps_the_last_good_pack(published, tmp_path,
                                                                        monkeypatch):
    data, reports, cycle = published
    before = _tree_digest(cycle)
    children = {child.pid for child in psutil.Process().children(recursive=True)}
    broken = tmp_path / "notebooks"
    shutil.copytree(runner.NOTEBOOK_DIR, broken)
    notebook = nbformat.read(broken / "03_pre_sop.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("disk on fire")'))
    nbformat.write(notebook, broken / "03_pre_sop.ipynb")
    monkeypatch.setattr(runner, "NOTEBOOK_DIR", broken)
    with pytest.raises(RunError, match="Pre-S&OP failed: RuntimeError: disk on fire"):
        runner.run_cycle(data_dir=data, reports_dir=reports, cycle=cycle.name,
                         progress=lambda _: None)
    assert _tree_digest(cycle) == before
    failed_page = reports / ".failed" / cycle.name / "03_pre_sop.html"
    assert "disk on fire" in failed_page.read_text()
    assert not list(reports.glob(".staging-*"))
    left = {child.pid for child in psutil.Process().children(recursive=True)} - children
    assert not left, "no kernel is left running"  # (an engine forkserver may predate the run)


def test_plan_of_record_adds_up_to_the_pack(published):
    _, _, cycle = published
    skus = pd.read_parquet(cycle / "plan_of_record" / "sku_plan.parquet")
    plan = _artifact(cycle, "plan").set_index(["family", "month"])
    groups = skus.groupby(["family", "month"])
    sums = groups[["demand", "production", "shipments"]].sum()
    # whole units that add up exactly; demand, a forecast, to its 4 decimals per SKU
    np.testing.assert_array_equal(sums[["production", "shipments"]],
                                  plan.loc[sums.index, ["production", "shipments"]])
    np.testing.assert_allclose(sums["demand"], plan.loc[sums.index, "demand"], rtol=0,
                               atol=5e-5 * groups.size().max())
    money = pd.read_csv(cycle / "plan_of_record" / "financial_plan.csv")
    total = money[money["family"] == "Total"]["revenue"].sum()
    assert total == pytest.approx(_artifact(cycle, "money")["revenue"].sum(), abs=0.005)


def test_the_pack_comes_with_its_excel_workbook(published):
    from openpyxl import load_workbook

    _, _, cycle = published
    book = load_workbook(cycle / f"sop_{cycle.name}.xlsx")
    families = sorted(_artifact(cycle, "plan")["family"].unique())
    assert book.sheetnames[:6] == ["Summary", "Decisions", "Families", "Scenarios", "Money",
                                   "Plan of record"]
    assert sorted(book.sheetnames[6:]) == families
    kpis = _artifact(cycle, "kpis")
    assert [book["Summary"].cell(row=4 + k, column=1).value for k in range(len(kpis))] == list(
        kpis["kpi"])
    assert book["Summary"].cell(row=4, column=2).value == pytest.approx(kpis["value"].iloc[0])


def test_key_numbers_on_the_executive_page_equal_the_artifacts(published):
    _, _, cycle = published
    text = BeautifulSoup((cycle / "04_executive_sop.html").read_text(), "html.parser").get_text()
    kpis = _artifact(cycle, "kpis").set_index("kpi")
    service = kpis.loc["Customer service (projected)", "value"]
    assert f"{service:.1%}" in text
    status = _artifact(cycle, "family_status")
    for row in status.itertuples():
        assert row.family in text and f"{row.revenue:,.0f}" in text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install "
                    "chromium): the real-browser check of the pages is skipped")
def test_every_page_renders_in_a_real_browser(published, tmp_path):
    import subprocess

    _, reports, cycle = published
    pages = [cycle / f"{s.notebook}.html" for s in STEPS] + [cycle / "index.html",
                                                              reports / "index.html"]
    for number, page in enumerate(pages):
        shot = tmp_path / f"{number}.png"
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'u'}",
                        "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", page
        assert shot.stat().st_size > 20_000, f"{page.name} rendered (almost) blank"


# --- replacing a published pack -----------------------------------------------------------

def _own_files(pack: Path) -> dict[str, str]:
    return {k: v for k, v in _tree_digest(pack).items() if not k.startswith(".replaced/")}


def _history(pack: Path) -> dict[str, str]:
    """The files of the packs kept under pack/.replaced, by path below it."""
    return _tree_digest(pack / ".replaced") if (pack / ".replaced").exists() else {}


def _assert_kept(pack: Path, own: dict, history: dict) -> None:
    """The replaced pack (its files `own`) is byte for byte under pack/.replaced/<a new time
    stamp>/, beside the replaced packs it had kept (`history`)."""
    earlier = {key.split("/")[0] for key in history}
    (stamp,) = {p.name for p in (pack / ".replaced").iterdir()} - earlier
    assert all(stamp > name for name in earlier), "time stamps sort oldest first"
    assert _tree_digest(pack / ".replaced" / stamp) == own
    assert {k: v for k, v in _history(pack).items() if not k.startswith(stamp)} == history


def test_a_second_run_keeps_the_replaced_pack_and_says_what_changed(published):
    data, reports, cycle = published
    own, history = _own_files(cycle), _history(cycle)
    started = json.loads((cycle / "manifest.json").read_text())["started"]
    overrides = pd.read_csv(data / "overrides.csv")
    overrides.loc[0, "value"] += 5
    overrides.to_csv(data / "overrides.csv", index=False)
    said = []
    runner.run_cycle(data_dir=data, reports_dir=reports, cycle=cycle.name, progress=said.append)
    line = (f"Replacing the published pack of {cycle.name} (run {started}): "
            "changed inputs: overrides.csv")
    assert line in said and line in (cycle / "run.log").read_text().splitlines()
    _assert_kept(cycle, own, history)
    assert json.loads((cycle / "manifest.json").read_text())["inputs"]["overrides.csv"] == (
        file_sha256(data / "overrides.csv"))
    listing = (reports / "index.html").read_text()
    assert listing.count(f'href="{cycle.name}/index.html"') == 1 and ".replaced" not in listing


def test_an_approved_pack_is_replaced_only_when_asked(published, capsys):
    data, reports, cycle = published
    manifest = json.loads((cycle / "manifest.json").read_text())
    manifest.update(status="approved", approval={"approved_by": "A. Chen (CEO)",
                                                 "approved_on": "2026-12-07",
                                                 "scenario": "grills-promotion"})
    (cycle / "manifest.json").write_text(json.dumps(manifest, indent=2))
    before, own, history = _tree_digest(cycle), _own_files(cycle), _history(cycle)
    run = ["run", "--data", str(data), "--out", str(reports), "--cycle", cycle.name]
    assert main(run) == 3
    captured = capsys.readouterr()
    assert (f"the pack of {cycle.name} ({cycle}) is approved: approved by A. Chen (CEO) on "
            "2026-12-07, scenario grills-promotion. Nothing ran. To replace it, run again with "
            "--replace-approved; the approved pack is then kept under "
            f"{cycle / '.replaced'}/<timestamp>/.") in captured.err
    assert "[1/5]" not in captured.out
    assert _tree_digest(cycle) == before
    assert main([*run, "--replace-approved"]) == 0
    assert (f"Replacing the approved pack of {cycle.name} (run {manifest['started']}): nothing "
            "in the inputs or parameters changed") in capsys.readouterr().out
    _assert_kept(cycle, own, history)
    assert json.loads((cycle / "manifest.json").read_text())["status"] == "published"
