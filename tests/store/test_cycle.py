"""Tests of sop_lib.store.cycle: the plan of record of a cycle is last cycle's published plan,
and nothing when that cycle was not published."""
import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.store.archive import ARTIFACTS, MANIFEST_FILE
from sop_lib.store.cycle import RECORD_COLUMNS, PlanningCycle
from tests.builders import company_from_rows

CYCLE = pd.Period("2026-12", "M")


def _cycle(archive) -> PlanningCycle:
    return PlanningCycle(company_from_rows(), CYCLE, 12, archive)


def _pack(archive, cycle: str, *, published=True, manifest="{}"):
    folder = archive / cycle / ARTIFACTS
    folder.mkdir(parents=True)
    plan = pd.DataFrame({"family": ["A", "A"], "month": pd.period_range(cycle, periods=2,
                                                                          freq="M"),
                         "production": [10.0, 12.0], "inventory": [5.0, 4.0]})
    plan.to_parquet(folder / "plan.parquet")
    if published:
        (archive / cycle / MANIFEST_FILE).write_text(manifest)
    return plan


def test_the_plan_of_record_is_last_cycle_s_published_production_plan(tmp_path):
    plan = _pack(tmp_path, "2026-11")
    _pack(tmp_path, "2026-10")
    record = _cycle(tmp_path).plan_of_record()
    assert list(record.columns) == [*RECORD_COLUMNS, "cycle", "record"]
    assert record["production"].tolist() == plan["production"].tolist()
    assert record["month"].tolist() == plan["month"].tolist()
    assert set(record["cycle"]) == {"2026-11"}
    assert set(record["record"]) == {"proposed, never approved"}


def test_an_approved_plan_of_record_says_so(tmp_path):
    _pack(tmp_path, "2026-11", manifest='{"status": "approved", "approval": '
                                        '{"approved_by": "Jo", "scenario": "Baseline"}}')
    assert set(_cycle(tmp_path).plan_of_record()["record"]) == {"approved"}


def test_no_plan_of_record_without_last_cycle_s_published_pack(tmp_path):
    assert _cycle(tmp_path / "nowhere").plan_of_record() is None
    _pack(tmp_path, "2026-10")  # two cycles back: not the plan of record
    _pack(tmp_path, "2026-11", published=False)  # staged, never published
    assert _cycle(tmp_path).plan_of_record() is None


def test_an_unreadable_plan_of_record_names_its_file(tmp_path):
    _pack(tmp_path, "2026-11")
    (tmp_path / "2026-11" / ARTIFACTS / "plan.parquet").write_text("not parquet")
    with pytest.raises(SopError, match="plan.parquet cannot be read"):
        _cycle(tmp_path).plan_of_record()
