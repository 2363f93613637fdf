"""Tests of sop_lib.store.pack_decisions: a decision register held to its cycle's published
pack (its agenda items and compared scenarios), and only when that pack is published."""
import pandas as pd

from sop_lib.data.decisions import EXAMPLE
from sop_lib.store.archive import ARTIFACTS, MANIFEST_FILE
from sop_lib.store.pack_decisions import check_decision_files, pack_choices

CYCLE = pd.Period("2026-11", freq="M")


def write_pack(reports, *, ranks=(1, 2, 3), scenarios=("Baseline", "No overtime"),
               published=True):
    folder = reports / "2026-11"
    (folder / ARTIFACTS).mkdir(parents=True)
    pd.DataFrame({"rank": list(ranks), "topic": "x"}).to_parquet(
        folder / ARTIFACTS / "decisions.parquet")
    pd.DataFrame({"scenario": list(scenarios), "units": 1.0}).to_parquet(
        folder / ARTIFACTS / "scenario_comparison.parquet")
    if published:
        (folder / MANIFEST_FILE).write_text("{}")


def write_register(company, text, name="2026-11.yaml"):
    (company / "decisions").mkdir(parents=True, exist_ok=True)
    (company / "decisions" / name).write_text(text)


def test_pack_choices_are_the_agenda_ranks_and_the_compared_scenarios(tmp_path):
    write_pack(tmp_path)
    assert pack_choices(tmp_path, CYCLE) == {"agenda_items": {1, 2, 3},
                                             "scenarios": {"Baseline", "No overtime"}}


def test_no_choices_without_a_published_pack(tmp_path):
    assert pack_choices(tmp_path, CYCLE) == {}
    write_pack(tmp_path, published=False)
    assert pack_choices(tmp_path, CYCLE) == {}


def test_registers_are_held_to_their_published_pack(tmp_path):
    company, reports = tmp_path / "company", tmp_path / "reports"
    write_register(company, EXAMPLE.replace("scenario: No overtime", "scenario: Night shift"))
    assert check_decision_files(company, reports) == []
    write_pack(reports, ranks=(1,))
    problems = check_decision_files(company, reports)
    assert [(p.row, p.column, p.value) for p in problems] == [
        (3, "scenario", "Night shift"), (8, "decisions[2].item", 2), (12, "actions[1].item", 2)]
    assert "Baseline, No overtime" in problems[0].expected


def test_every_register_is_checked_even_when_its_name_is_no_month(tmp_path):
    write_register(tmp_path, EXAMPLE, "november.yaml")
    write_register(tmp_path, "approved_by: [", "2026-12.yaml")
    problems = check_decision_files(tmp_path, tmp_path / "reports")
    assert [p.file for p in problems] == ["decisions/2026-12.yaml", "decisions/november.yaml"]
