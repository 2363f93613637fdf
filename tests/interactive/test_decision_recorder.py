"""Tests of sop_lib.interactive.decision_recorder: the meeting's decisions set in the widgets are
saved as a decision register that validates against the cycle's agenda and scenarios; a wrong
one is refused with its problems and nothing written; an earlier register is kept and reloaded."""
import datetime

import ipywidgets as widgets
import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.data.decisions import check_decisions, decisions_path
from sop_lib.interactive.decision_recorder import (
    NOT_DECIDED,
    DecisionRecorder,
    register_yaml,
    save_register,
)
from tests.interactive.builders import (
    EVIL,
    build,
    everything_of,
    exported_csvs,
    markdown_of,
    rows_of,
    tables_of,
)


@pytest.fixture
def recorder(open_copy):
    """A recorder on a copy of the company, its pre-S&OP step run."""
    tool = DecisionRecorder(open_copy())
    build(tool)
    return tool


def _meeting(recorder, *, by="Jane Smith", note="Build ahead in March"):
    c = recorder.controls
    c.approved_by.value, c.approved_on.value = by, datetime.date(2026, 3, 12)
    first = next(iter(c.items))
    c.items[first][0].value, c.items[first][1].value = "accepted", note
    c.action.value, c.item.value, c.owner.value = "Re-base the forecast", first, "Demand planning"
    c.due.value = c.due.options[1][1]
    c.add.click()
    return first


def test_saved_decisions_read_back_as_the_register_the_approval_reads(recorder):
    first = _meeting(recorder)
    recorder.controls.save.click()
    wb = recorder.wb
    agenda = set(recorder.tables["decisions"]["rank"])
    register, problems = check_decisions(decisions_path(wb.company.folder, wb.cycle),
                                         cycle=wb.cycle, agenda_items=agenda)
    assert not [p for p in problems if p.is_error]
    assert register.approved_by == "Jane Smith"
    assert register.approved_on == datetime.date(2026, 3, 12)
    assert register.scenario == recorder.tables["recommendation"]["scenario"].iloc[0]
    assert register.decisions[["item", "outcome", "note"]].values.tolist() == [
        [first, "accepted", "Build ahead in March"]]
    action = register.actions.iloc[0]
    assert (action["owner"], action["item"], action["due"]) == (
        "Demand planning", first, wb.cycle + 1)
    assert "Saved **decisions/" in markdown_of(recorder.controls.output)


def test_a_register_without_approver_is_refused_and_nothing_written(recorder):
    _meeting(recorder, by="")
    recorder.controls.save.click()
    shown = everything_of(recorder.controls.output)
    assert "Not possible" in shown and "approved_by" in shown
    wb = recorder.wb
    assert not decisions_path(wb.company.folder, wb.cycle).exists()


def test_an_action_outcome_without_its_action_is_refused(recorder):
    c = recorder.controls
    c.approved_by.value = "Jo"
    first = next(iter(c.items))
    c.items[first][0].value = "action"
    c.save.click()
    assert f"expected an action under `actions:` with `item: {first}`" in everything_of(c.output)
    assert not decisions_path(recorder.wb.company.folder, recorder.wb.cycle).exists()


def test_the_earlier_register_is_kept_and_the_recorder_starts_from_it(recorder, open_copy):
    _meeting(recorder, note=EVIL)
    recorder.controls.save.click()
    again = DecisionRecorder(open_copy())
    build(again)
    first = next(iter(again.controls.items))
    assert again.controls.approved_by.value == "Jane Smith"
    assert again.controls.items[first][1].value == EVIL
    assert len(again.actions) == 1
    again.controls.items[first][0].value = "deferred"
    again.controls.save.click()
    path = decisions_path(again.wb.company.folder, again.wb.cycle)
    assert "deferred" in path.read_text() and "accepted" not in path.read_text()
    kept = path.with_name(path.name + ".previous")
    assert "accepted" in kept.read_text()
    assert EVIL not in everything_of(again.controls.output)


def test_save_register_writes_nothing_when_the_item_is_not_on_the_agenda(tmp_path):
    cycle = pd.Period("2026-03", "M")
    text = register_yaml(approved_by="Jo", approved_on=datetime.date(2026, 3, 12),
                         scenario="Baseline", outcomes={9: ("accepted", "")}, actions=[],
                         notes="")
    with pytest.raises(DataError) as caught:
        save_register(tmp_path, cycle, text, agenda_items={1, 2}, scenarios={"Baseline"})
    assert caught.value.problems[0].file == "decisions/2026-03.yaml"
    assert not list((tmp_path / "decisions").iterdir())
    assert NOT_DECIDED not in text


def test_every_control_has_its_full_label_and_a_tooltip(recorder):
    c = recorder.controls
    first = next(iter(c.items))
    outcome, note = c.items[first]
    assert outcome.description == f"Item {first} outcome" and note.description == "Note"
    topic = recorder.tables["decisions"].set_index("rank").loc[first, "topic"]
    assert topic in outcome.tooltip
    assert (c.approved_on.description, c.due.description) == ("Approved on (date)", "Due month")
    controls = [control for name, control in vars(c).items() if name not in ("items", "output")]
    for control in [*controls, outcome, note]:
        assert control.tooltip, control.description
        if not isinstance(control, widgets.Button):
            assert control.style.description_width == "initial", control.description


def test_the_actions_to_save_come_with_their_export(recorder):
    first = _meeting(recorder)
    output = recorder.controls.output
    [actions] = tables_of(output)
    assert rows_of(actions)[1][:3] == ["Re-base the forecast", str(first), "Demand planning"]
    csv = exported_csvs(output)["Actions to save"]
    assert csv.to_dict("records") == [{
        "Action": "Re-base the forecast", "Item": first, "Owner": "Demand planning",
        "Due": (recorder.wb.cycle + 1).strftime("%Y-%m"), "Status": "open"}]
