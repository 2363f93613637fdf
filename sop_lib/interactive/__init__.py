"""Interactive exploration for analysts in JupyterLab: widgets over a notebook's workbook.

    from sop_lib.interactive import DecisionRecorder, Explorer, OverrideEditor, ScenarioPanel
    Explorer(wb).widget          # find a family or SKU: its picture, or compare two to five
    OverrideEditor(wb).widget    # the overrides in force; add, change or withdraw one, previewed
    ScenarioPanel(wb).widget     # a what-if re-planned against the baseline; saved as YAML
    DecisionRecorder(wb).widget  # the meeting's decisions; saved as decisions/<cycle>.yaml

Nothing is read or computed until a widget is built or a method is called. What the widgets
show goes into ipywidgets Output widgets (see `common.show`); data shown as text is escaped.
Every table a panel shows can be exported (`export`): a CSV file, or text that pastes into Excel.
"""
from sop_lib.interactive.decision_recorder import DecisionRecorder
from sop_lib.interactive.explorer import Explorer
from sop_lib.interactive.override_editor import OverrideEditor
from sop_lib.interactive.override_file import checked_log, overrides_file, save_overrides, with_rows
from sop_lib.interactive.override_preview import NewOverride, override_effect, overrides_met
from sop_lib.interactive.scenario_panel import (
    ScenarioPanel,
    save_scenario,
    scenario_path,
    scenario_yaml,
)

__all__ = [
    "DecisionRecorder", "Explorer", "NewOverride", "OverrideEditor", "ScenarioPanel",
    "checked_log", "override_effect", "overrides_file", "overrides_met", "save_overrides",
    "with_rows",
    "save_scenario", "scenario_path", "scenario_yaml",
]
