"""Tests of sop_lib.run.approval: a published pack approved from the meeting's decisions file
becomes the approved pack whose plan of record is the adopted scenario's, with its figures;
the next cycle freezes its time fence on that approved plan."""
import hashlib
import shutil

import pandas as pd
import pandas.testing as pdt
import pytest
import sqlalchemy
from openpyxl import load_workbook

from sop_lib.core.errors import DataError, RunError
from sop_lib.data.decisions import decisions_path
from sop_lib.data.sample import write_sample
from sop_lib.data.validation import load_company
from sop_lib.presop.scenarios.comparing import WINDOW_MONTHS
from sop_lib.run.approval import approve_cycle
from sop_lib.run.runner import SAMPLE_DIR, run_cycle
from sop_lib.store.artifacts import ArtifactStore
from sop_lib.store.cycle import PlanningCycle
from sop_lib.store.manifest import read_manifest
from sop_lib.supply.plan import supply_plan
from tests import REPO

CYCLE = "2026-11"
EXAMPLE = REPO / "docs" / "examples" / f"decisions-{CYCLE}.yaml"


def _digest(folder):
    """Every file of a pack (its kept packs aside) and its SHA-256."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file())
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files if ".replaced" not in p.relative_to(folder).parts}


@pytest.fixture(scope="module")
def proposed(tmp_path_factory):
    """The sample company in a tmp folder and its published, proposed 2026-11 pack."""
    root = tmp_path_factory.mktemp("approval")
    data, reports = root / "company", root / "reports"
    shutil.copytree(SAMPLE_DIR, data)
    run_cycle(data_dir=data, reports_dir=reports, cycle=CYCLE, progress=lambda line: None)
    return data, reports


@pytest.fixture(scope="module")
def approved(proposed, tmp_path_factory):
    """The proposed pack, a copy of it as proposed, and the pack approved from the example."""
    data, reports = proposed
    before = tmp_path_factory.mktemp("before") / CYCLE
    shutil.copytree(reports / CYCLE, before)
    target = decisions_path(data, pd.Period(CYCLE, "M"))
    target.parent.mkdir(exist_ok=True)
    shutil.copy(EXAMPLE, target)
    approve_cycle(data_dir=data, reports_dir=reports, cycle=CYCLE, progress=lambda line: None)
    return data, reports / CYCLE, before


def test_the_manifest_records_who_approved_which_plan_and_the_file_s_hash(approved):
    data, pack, _ = approved
    manifest = read_manifest(pack / "manifest.json")
    assert manifest["status"] == "approved"
    approval = manifest["approval"]
    assert (approval["approved_by"], approval["approved_on"], approval["scenario"]) == (
        "Jane Smith, VP S&OP", "2026-11-12", "No overtime")
    assert approval["decisions_sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()


def test_the_plan_of_record_is_the_adopted_scenario_s_with_the_comparison_s_figures(approved):
    _, pack, before = approved
    store = ArtifactStore(pack / "artifacts")
    comparison = store.read("scenario_comparison").set_index("scenario")
    money = store.read("money")
    window = sorted(money["month"].unique())[:WINDOW_MONTHS]
    revenue = money.loc[money["month"].isin(window), "revenue"].sum()
    assert revenue == pytest.approx(comparison.loc["No overtime", "revenue"])
    financial = pd.read_csv(pack / "plan_of_record" / "financial_plan.csv")
    total = financial[(financial["family"] == "Total")
                      & financial["month"].isin([m.strftime("%Y-%m") for m in window])]
    assert total["revenue"].sum() == pytest.approx(revenue, abs=0.01 * len(window))
    proposed_plan = ArtifactStore(before / "artifacts").read("plan")
    pdt.assert_frame_equal(store.read("proposed_plan"), proposed_plan)
    assert store.read("plan")["overtime_hours"].sum() == 0  # no overtime, as adopted
    assert proposed_plan["overtime_hours"].sum() > 0


def test_the_pages_stay_the_reviewed_proposal_with_the_approval_on_top(approved):
    _, pack, before = approved
    for page in ("01_demand_review.html", "04_executive_sop.html"):
        text = (pack / page).read_text(encoding="utf-8")
        assert "Approved by Jane Smith, VP S&amp;OP on 2026-11-12" in text
        assert "Proposed, not yet approved" in (before / page).read_text(encoding="utf-8")
    proposed_title = load_workbook(before / f"sop_{CYCLE}.xlsx")["Summary"]["A1"].value
    approved_title = load_workbook(pack / f"sop_{CYCLE}.xlsx")["Summary"]["A1"].value
    assert proposed_title.endswith("S&OP 2026-11, proposed, not yet approved")
    assert "approved by Jane Smith, VP S&OP on 2026-11-12, adopting the scenario No overtime" in (
        approved_title)
    kpis = ArtifactStore(pack / "artifacts").read("kpis")
    pdt.assert_frame_equal(kpis, ArtifactStore(before / "artifacts").read("kpis"))
    approval = (pack / "approval.html").read_text(encoding="utf-8")
    assert "Decisions taken" in approval and "Sales, Custom Sheds" in approval
    assert "not decided" in approval  # items 3 onwards wait for the next meeting


def test_the_replaced_proposed_pack_is_kept(approved):
    _, pack, before = approved
    kept = sorted((pack / ".replaced").iterdir())
    assert kept and _digest(kept[-1]) == _digest(before)


def test_the_next_cycle_freezes_its_time_fence_on_the_approved_plan(approved, tmp_path):
    _, pack, _ = approved
    company = load_company(write_sample(tmp_path / "next", last_closed="2026-11"))
    run = PlanningCycle(company, pd.Period("2026-12", "M"), 12, pack.parent)
    record = run.plan_of_record()
    assert set(record["record"]) == {"approved"}
    approved_plan = ArtifactStore(pack / "artifacts").read("plan")
    fence = approved_plan[approved_plan["month"] == pd.Period("2026-12", "M")]
    demand = approved_plan[["family", "month"]].assign(consensus=approved_plan["demand"])
    made = supply_plan(company, demand.assign(month=demand["month"] + 1), plan_of_record=record)
    assert any("of cycle 2026-11 (approved)" in note for note in made.notes)
    frozen = made.plan[made.plan["month"] == pd.Period("2026-12", "M")].set_index("family")
    assert frozen["production"].to_dict() == pytest.approx(
        fence.set_index("family")["production"].to_dict())


def test_approval_refuses_changed_inputs_a_missing_file_and_an_unpublished_cycle(proposed,
                                                                                 tmp_path):
    data, reports = proposed
    copy = tmp_path / "company"
    shutil.copytree(data, copy)
    shutil.rmtree(copy / "decisions", ignore_errors=True)
    with pytest.raises(DataError, match="no decisions file"):
        approve_cycle(data_dir=copy, reports_dir=reports, cycle=CYCLE)
    (copy / "decisions").mkdir()
    shutil.copy(EXAMPLE, copy / "decisions" / f"{CYCLE}.yaml")
    overrides = copy / "overrides.csv"
    overrides.write_text(overrides.read_text().replace("\n", "\r\n"))
    with pytest.raises(DataError, match="overrides.csv.*changed since the pack was published"):
        approve_cycle(data_dir=copy, reports_dir=reports, cycle=CYCLE)
    with pytest.raises(RunError, match="no published pack of 2026-12"):
        approve_cycle(data_dir=copy, reports_dir=reports, cycle="2026-12")


def test_a_pack_read_from_a_database_is_approved_as_it_was_read_after_the_database_moved_on(
        approved, tmp_path):
    data = shutil.copytree(REPO / "data" / "sample-database", tmp_path / "company")
    (data / "scenarios" / "notes.txt").write_text("not a scenario: neither read nor kept")
    reports = tmp_path / "reports"
    run_cycle(data_dir=data, reports_dir=reports, cycle=CYCLE, progress=lambda line: None)
    engine = sqlalchemy.create_engine(f"sqlite:///{data / 'sample.sqlite'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM demand_history WHERE month >= '2026-01-01'")
    engine.dispose()
    target = decisions_path(data, pd.Period(CYCLE, "M"))
    target.parent.mkdir()
    shutil.copy(EXAMPLE, target)
    pack = approve_cycle(data_dir=data, reports_dir=reports, cycle=CYCLE,
                         progress=lambda line: None)
    assert read_manifest(pack / "manifest.json")["status"] == "approved"
    from_files = approved[1] / "plan_of_record"
    assert _digest(pack / "plan_of_record") == _digest(from_files)
