"""Tests of sop_lib.pack.approval: the Approval page says who approved which plan, shows its
figures and the decisions and actions, escapes what comes from the files, and says when a
table is empty."""
import pandas as pd

from sop_lib.pack.approval import write_approval_page

MANIFEST = {"company": "Garden & Co", "cycle": "2026-11", "currency": "EUR",
            "approval": {"approved_by": "<i>Jo</i>", "approved_on": "2026-11-12",
                         "scenario": "No overtime"}}
ADOPTED = pd.DataFrame({"scenario": ["No overtime"], "revenue": [1234567.4], "margin": [1.0],
                        "overtime_cost": [0.0], "added_hours_cost": [0.0],
                        "holding_cost": [3.0], "net_margin": [2.0], "service_level": [0.953],
                        "overloaded_resource_months": [0], "plan_gap_pct": [-0.02],
                        "fiscal_year_gap_pct": [0.01]})
TAKEN = pd.DataFrame({"rank": [1, 2], "family": ["Grills", "<script>x</script>"],
                      "topic": ["Revenue below plan"] * 2, "months": ["2026-11"] * 2,
                      "impact": [100.0, 50.0], "outcome": ["accepted", "not decided"],
                      "note": ["ok", ""]})
ACTIONS = pd.DataFrame({"action": ["Re-base"], "item": pd.array([2], dtype="Int64"),
                        "owner": ["Sales"], "due": pd.PeriodIndex(["2026-12"], freq="M"),
                        "status": ["open"]})


def write(tmp_path, **changes):
    given = {"adopted": ADOPTED, "taken": TAKEN, "actions": ACTIONS, "notes": "Line 1\nLine 2",
             **changes}
    path = write_approval_page(tmp_path, manifest=MANIFEST, nav="", **given)
    return path.read_text(encoding="utf-8")


def test_the_page_names_the_approver_the_plan_and_its_figures(tmp_path):
    text = write(tmp_path)
    assert "Approved by <strong>&lt;i&gt;Jo&lt;/i&gt;</strong> on 2026-11-12" in text
    assert "Adopted: <strong>No overtime</strong>" in text
    assert "1,234,567" in text and "95.3%" in text
    assert "Revenue (EUR)" in text


def test_decisions_actions_and_notes_are_shown_escaped(tmp_path):
    text = write(tmp_path)
    assert "&lt;script&gt;x&lt;/script&gt;" in text and "<script>x" not in text
    assert "not decided" in text and "Sales" in text and "2026-12" in text
    assert ">2<" in text and "2.00" not in text  # the agenda item an action answers
    assert "Line 1<br>Line 2" in text


def test_empty_tables_and_the_baseline_read_as_sentences(tmp_path):
    manifest_baseline = {**MANIFEST, "approval": {**MANIFEST["approval"],
                                                  "scenario": "Baseline"}}
    path = write_approval_page(tmp_path, manifest=manifest_baseline, nav="",
                               adopted=ADOPTED.assign(scenario="Baseline"),
                               taken=TAKEN.iloc[0:0], actions=ACTIONS.iloc[0:0], notes=" ")
    text = path.read_text(encoding="utf-8")
    assert "the plan as proposed (Baseline)" in text
    assert "The agenda had no item." in text and "No action was recorded." in text
    assert "<h2>Notes</h2>" not in text
