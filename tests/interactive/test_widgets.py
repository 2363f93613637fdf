"""The interactive widgets driven without a browser: values set, buttons clicked, and what the
Output widgets show and the files written checked."""
import base64
import builtins
import re
import shutil
import sys
import types

import matplotlib

matplotlib.use("Agg")
import ipywidgets as widgets  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from traitlets.config import Config  # noqa: E402

from sop_lib import engine  # noqa: E402
from sop_lib.core.errors import DataError  # noqa: E402
from sop_lib.core.months import month_range  # noqa: E402
from sop_lib.data.sample import write_sample  # noqa: E402
from sop_lib.data.validation import load_company  # noqa: E402
from sop_lib.interactive import Explorer, NewOverride, OverrideEditor, ScenarioPanel, save_overrides  # noqa: E402
from sop_lib.interactive.common import show  # noqa: E402
from sop_lib.presop.scenarios import (  # noqa: E402
    BASELINE,
    Change,
    Scenario,
    apply_scenario,
    compare_scenarios,
    load_scenarios,
    run_scenario,
)
from sop_lib.run.workbook import open_workbook  # noqa: E402
from sop_lib.supply.capacity import monthly_capacity  # noqa: E402

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)"> *bold*'
USER_MODULE = "sop_interactive_tests"


@pytest.fixture(scope="module", autouse=True)
def ipython(tmp_path_factory):
    """An IPython shell, as a notebook kernel has: the widgets capture what is displayed from it."""
    added = {"__IPYTHON__", "display"} - set(vars(builtins))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
        config = Config()
        config.HistoryManager.enabled = False
        yield InteractiveShell.instance(config=config,
                                        user_module=types.ModuleType(USER_MODULE))
        InteractiveShell.clear_instance()
    for name in added:
        vars(builtins).pop(name, None)
    sys.modules.pop(USER_MODULE, None)


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """A small sample company whose demand review has run (its artifacts are shared)."""
    root = tmp_path_factory.mktemp("interactive")
    folder = write_sample(root / "company", seed=3, skus=12, months=30)
    places = {"reports_dir": root / "reports", "archive_dir": root / "archive"}
    open_workbook(data_dir=folder, **places).run("demand")
    return folder, places


@pytest.fixture(scope="module")
def shared_wb(reviewed):
    """A workbook on the reviewed company, for the tests that write nothing."""
    return open_workbook(data_dir=reviewed[0], **reviewed[1])


@pytest.fixture
def company_dir(reviewed, tmp_path):
    """A copy of the reviewed company folder, for a test to change."""
    return shutil.copytree(reviewed[0], tmp_path / "company")


@pytest.fixture
def open_copy(reviewed, company_dir):
    """Open a workbook on the copy, reading the shared demand artifacts."""
    return lambda **options: open_workbook(data_dir=company_dir, **reviewed[1], **options)


def _build(tool) -> None:
    """Build a tool's widget, as displaying it in a notebook does."""
    assert isinstance(tool.widget, widgets.Widget)


def _shown(output, kind: str) -> list[str]:
    """The Markdown texts or HTML documents an Output widget shows."""
    return [o["data"][kind] for o in output.outputs if kind in o["data"]]


def _markdown(output) -> str:
    """The Markdown an Output widget shows, as read (escapes of Markdown markup removed)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(_shown(output, "text/markdown")))


def _tables(output) -> list[str]:
    return [page for page in _shown(output, "text/html") if "<table" in page]


def _images(output) -> list[bytes]:
    prefix = 'src="data:image/png;base64,'
    return [base64.b64decode(page.split(prefix, 1)[1].split('"', 1)[0])
            for page in _shown(output, "text/html") if prefix in page]


def _everything(output) -> str:
    return "\n".join([_markdown(output), *_shown(output, "text/html")])


def test_an_unexpected_error_is_shown_then_raised():
    output = widgets.Output()
    with pytest.raises(ZeroDivisionError):
        show(output, lambda: 1 / 0)
    assert "Something went wrong** (ZeroDivisionError): division by zero" in _markdown(output)


# --- explorer -----------------------------------------------------------------------------

def test_nothing_is_read_or_computed_until_a_widget_is_built(reviewed, tmp_path):
    wb = open_workbook(data_dir=reviewed[0], reports_dir=tmp_path / "reports",
                       archive_dir=tmp_path / "archive")
    tools = [Explorer(wb), OverrideEditor(wb), ScenarioPanel(wb)]
    assert not (tmp_path / "reports").exists()
    assert all("widget" not in vars(tool) for tool in tools)


def test_explorer_lists_families_first_then_every_sku(shared_wb):
    wb = shared_wb
    options = [value for _, value in Explorer(wb).picker.options]
    families = sorted(wb.company.families["family"])
    assert options[:len(families)] == [("family", f) for f in families]
    assert sorted(code for level, code in options[len(families):]) == sorted(
        wb.company.items["sku"])
    assert all(level == "sku" for level, _ in options[len(families):])


def test_explorer_shows_a_family(shared_wb):
    wb = shared_wb
    explorer = Explorer(wb)
    explorer.select("Grills")
    tables = wb.read("demand", "family_forecast", "forecast", "accuracy", "segments")
    demand = tables["demand"][tables["demand"]["family"] == "Grills"]
    markdown = _markdown(explorer.output)
    assert "### Grills" in markdown
    assert f"statistical forecast {demand['statistical'].sum():,.0f} units" in markdown
    own = tables["family_forecast"].query("family == 'Grills'")["method"].iloc[0]
    assert engine.describe(own) in markdown
    [png] = _images(explorer.output)
    assert png.startswith(b"\x89PNG")
    methods, accuracy, segments = _tables(explorer.output)
    for method in tables["forecast"].query("family == 'Grills'")["method"].unique():
        assert method in methods
    lag1 = tables["accuracy"].query("family == 'Grills' and lag == 1").iloc[0]
    assert "Accuracy and bias of Grills" in accuracy
    assert f"{lag1['wape_statistical']:.1%}" in accuracy
    assert "GR-001" in segments and "GR-002" in segments and "GT-002" not in segments


def test_explorer_shows_a_sku_with_its_backtest_candidates(shared_wb):
    wb = shared_wb
    explorer = Explorer(wb)
    explorer.select("CS-001")
    scores = wb.read("scores")["scores"].set_index("sku").loc["CS-001"].dropna().sort_values()
    method = wb.read("forecast")["forecast"].query("sku == 'CS-001'")["method"].iloc[0]
    markdown = _markdown(explorer.output)
    assert "Tool Shed Classic" in markdown and method in markdown
    assert f"ranked 1 of {len(scores)}" in markdown
    assert "measured per family, not per SKU; those of Custom Sheds" in markdown
    [png] = _images(explorer.output)
    assert png.startswith(b"\x89PNG")
    candidates, accuracy, segment = _tables(explorer.output)
    positions = [candidates.index(f">{score:.3f}<") for score in scores]
    assert positions == sorted(positions)  # best first
    assert "Accuracy and bias of Custom Sheds" in accuracy
    assert "CS-001" in segment and "smooth" in segment and "CS-002" not in segment


def test_explorer_says_a_new_sku_is_forecast_by_rule(shared_wb):
    wb = shared_wb
    assert wb.read("segments")["segments"].set_index("sku").at["GR-001", "lifecycle"] == "new"
    explorer = Explorer(wb)
    explorer.select("GR-001")
    markdown = _markdown(explorer.output)
    assert "Not chosen by backtest" in markdown and "new item" in markdown


def test_explorer_escapes_what_comes_from_data(open_copy, company_dir):
    items = pd.read_csv(company_dir / "items.csv", dtype=str, keep_default_na=False)
    items.loc[items["sku"] == "GT-002", "description"] = EVIL
    items.to_csv(company_dir / "items.csv", index=False)
    explorer = Explorer(open_copy())
    explorer.select("GT-002")
    page = _everything(explorer.output)
    assert "&lt;script&gt;" in page
    assert "<script" not in page and "<img src=x" not in page


def test_explorer_refuses_an_unknown_code(shared_wb):
    with pytest.raises(Exception, match="neither a family nor a SKU"):
        Explorer(shared_wb).select("Nope")


# --- override editor ----------------------------------------------------------------------

def _enter(editor, *, level="sku", code="GT-002", first="2027-02", last="2027-03",
           kind="percent", value="50", owner="A. Analyst", reason="Promo, spring"):
    _build(editor)
    c = editor.controls
    c.level.value = level
    c.code.value = code
    c.first.value = pd.Period(first, "M")
    c.last.value = pd.Period(last, "M")
    c.kind.value = kind
    c.value.value = value
    c.owner.value = owner
    c.reason.value = reason


def test_preview_shows_the_effect_and_writes_nothing(open_copy, company_dir):
    wb = open_copy()
    before = (company_dir / "overrides.csv").read_bytes()
    forecast = wb.read("forecast")["forecast"].set_index(["sku", "month"])["forecast"]
    editor = OverrideEditor(wb)
    _enter(editor)  # no override touches Garden Tools or GT-002 in these months
    [effect] = _tables(editor.preview_output)
    for month in ("2027-02", "2027-03"):
        units = forecast[("GT-002", pd.Period(month, "M"))]
        row = effect.split(f">{month}<", 1)[1].split("</tr>", 1)[0]
        assert all(f">{figure:,.1f}<" in row for figure in (units, units, 1.5 * units))
        assert f">{0.5 * units:+,.1f}<" in row  # the change, signed
    _enter(editor, level="family", code="Garden Tools", first="2027-02", last="2027-02",
           kind="absolute", value="1000")
    [effect] = _tables(editor.preview_output)
    assert ">1,000.0<" in effect and "2027-03" not in effect
    assert (company_dir / "overrides.csv").read_bytes() == before


def test_the_code_picker_offers_the_first_family_then_the_first_sku(shared_wb):
    editor = OverrideEditor(shared_wb)
    code = editor.widget.children[1]
    families = sorted(shared_wb.read("forecast")["forecast"]["family"].unique())
    assert code.value == families[0] and len(code.options) == len(families)
    editor.controls.level.value = "sku"
    assert code.value == code.options[0][1] and code.options[0][0].startswith(code.value)
    assert len(code.options) > len(families)


def test_preview_says_when_the_value_is_not_a_number(shared_wb):
    editor = OverrideEditor(shared_wb)
    _enter(editor, value="ten")
    assert "is not a number" in _everything(editor.preview_output)


def test_save_appends_exactly_the_new_rows_and_the_audit_shows_them(open_copy, company_dir):
    path = company_dir / "overrides.csv"
    before = path.read_bytes()
    editor = OverrideEditor(open_copy())
    _enter(editor)
    editor.controls.save.click()
    assert path.read_bytes() == before + (
        b'sku,GT-002,2027-02,percent,50,A. Analyst,"Promo, spring"\n'
        b'sku,GT-002,2027-03,percent,50,A. Analyst,"Promo, spring"\n')
    [audit] = _tables(editor.save_output)
    assert audit.count("Promo, spring") == 2 and audit.count(">new<") == 2
    saved = load_company(company_dir).overrides
    assert len(saved.query("owner == 'A. Analyst'")) == 2


def test_save_keeps_line_endings_header_order_and_adds_a_missing_line_break(open_copy,
                                                                            company_dir):
    path = company_dir / "overrides.csv"
    before = (b"Code,Level,Month,Kind,Value,Owner,Reason\r\n"
              b"GT-003,sku,2027-01,absolute,80,A. Romero,Spring\r\n"
              b"Grills,family,2027-01,percent,5,S. Patel,Fair")  # no line break at the end
    path.write_bytes(before)
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", reason="Promo")
    editor.controls.save.click()
    assert path.read_bytes() == before + b"\r\nGT-002,sku,2027-02,percent,50,A. Analyst,Promo\r\n"


def test_save_creates_a_missing_file_with_its_header(open_copy, company_dir):
    (company_dir / "overrides.csv").unlink()
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", kind="absolute", value="120", reason="Tender")
    editor.controls.save.click()
    assert (company_dir / "overrides.csv").read_bytes() == (
        b"level,code,month,kind,value,owner,reason\n"
        b"sku,GT-002,2027-02,absolute,120,A. Analyst,Tender\n")


@pytest.mark.parametrize(("entry", "expected"), [
    ({"owner": ""}, "the cell is empty; expected a value"),
    ({"value": "1,000"}, "no thousands separators"),
    ({"kind": "absolute", "value": "-5"}, "at least 0 for an absolute override"),
    ({"value": "-150"}, "a number of at least -100"),
    ({"code": "GR-001", "first": "2026-11", "last": "2026-11", "kind": "absolute"},
     "repeats row 2"),
])
def test_a_refused_override_shows_the_problems_and_writes_nothing(open_copy, company_dir, entry,
                                                                  expected):
    before = (company_dir / "overrides.csv").read_bytes()
    editor = OverrideEditor(open_copy())
    _enter(editor, **entry)
    editor.controls.save.click()
    page = _everything(editor.save_output)
    assert "Not possible" in page and expected in page and "overrides.csv" in page
    assert (company_dir / "overrides.csv").read_bytes() == before


def test_save_also_refuses_what_the_consensus_cannot_apply(open_copy, company_dir):
    wb = open_copy()
    before = (company_dir / "overrides.csv").read_bytes()
    forecast = wb.read("forecast")["forecast"]
    short = forecast[forecast["month"] < wb.cycle + 6]  # a forecast of 6 of the 18 months
    entry = NewOverride("sku", "GT-002", wb.cycle + 8, wb.cycle + 8, "percent", "10", "A", "B")
    with pytest.raises(DataError, match="a month of the forecast"):
        save_overrides(wb.company, entry.rows(), cycle=wb.cycle, forecast=short)
    assert (company_dir / "overrides.csv").read_bytes() == before


def test_overrides_kept_in_parquet_are_not_edited(open_copy, company_dir):
    csv = company_dir / "overrides.csv"
    pd.read_csv(csv, dtype=str).to_parquet(company_dir / "overrides.parquet")
    csv.unlink()
    before = (company_dir / "overrides.parquet").read_bytes()
    editor = OverrideEditor(open_copy())
    _enter(editor)
    editor.controls.save.click()
    page = _everything(editor.save_output)
    assert "kept in overrides.parquet" in page and "Promo, spring" in page
    assert not csv.exists() and (company_dir / "overrides.parquet").read_bytes() == before


def test_a_saved_reason_is_written_as_typed_and_shown_escaped(open_copy, company_dir):
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", reason=EVIL)
    editor.controls.save.click()
    assert load_company(company_dir).overrides["reason"].tolist().count(EVIL) == 1
    page = _everything(editor.save_output)
    assert "&lt;script&gt;" in page and "<script" not in page and "<img src=x" not in page


def test_a_second_save_sees_the_first(open_copy, company_dir):
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02")
    editor.controls.save.click()
    after_first = (company_dir / "overrides.csv").read_bytes()
    editor.controls.save.click()
    assert "repeats row" in _everything(editor.save_output)
    assert (company_dir / "overrides.csv").read_bytes() == after_first


# --- scenario panel -----------------------------------------------------------------------

def _what_if(panel, *, name="Grills push", percent=20):
    _build(panel)
    c = panel.controls
    c.name.value = name
    c.demand_family.value = "Grills"
    c.demand_from.value = pd.Period("2027-01", "M")
    c.demand_percent.value = percent
    c.capacity_resource.value = "Paint Shop"
    c.capacity_from.value = pd.Period("2027-02", "M")
    c.capacity_to.value = pd.Period("2027-04", "M")
    c.capacity_hours.value = 80
    c.overtime.value = False
    c.price_family.value = "Grills"
    c.price_percent.value = -5


def test_a_new_panel_offers_no_change_as_a_choice_the_browser_can_show(shared_wb):
    panel = ScenarioPanel(shared_wb)
    _build(panel)
    c = panel.controls
    for picker in (c.demand_family, c.capacity_resource, c.price_family):
        # ipywidgets' front end shows a picked None as an empty box: "(no change)" is text
        assert (picker.label, picker.value, picker.index) == ("(no change)", "", 0)
    assert panel.scenario().changes == ()
    c.demand_family.value = "Grills"
    c.demand_percent.value = 10
    c.demand_family.value = ""
    assert panel.scenario().changes == ()


def test_recompute_compares_the_what_if_with_the_baseline(shared_wb):
    wb = shared_wb
    panel = ScenarioPanel(wb)
    _build(panel)
    panel.controls.demand_family.value = "Grills"
    panel.controls.demand_from.value = pd.Period("2027-01", "M")
    panel.controls.demand_percent.value = 20
    panel.controls.recompute.click()
    tables = wb.read("demand", "consensus")
    grills = Scenario("What-if", changes=(Change(
        "demand", ("Grills",), tuple(month_range(pd.Period("2027-01", "M"), 16)), "percent",
        20.0),))
    expected = compare_scenarios(
        run_scenario(wb.company, tables["demand"], tables["consensus"], BASELINE),
        [run_scenario(wb.company, tables["demand"], tables["consensus"], grills)])
    changes, comparison = _tables(panel.result_output)
    assert "Grills: demand +20% in 2027-01 to 2028-04" in changes
    for row in expected.itertuples():
        assert f">{row.revenue:,.0f}<" in comparison and f">{row.units:,.0f}<" in comparison
    assert ">Baseline<" in comparison and ">What-if<" in comparison
    assert [png[:4] for png in _images(panel.result_output)] == [b"\x89PNG"] * 2


def test_recompute_without_a_change_says_so(shared_wb):
    panel = ScenarioPanel(shared_wb)
    _build(panel)
    panel.controls.recompute.click()
    assert "No change chosen" in _everything(panel.result_output)


def test_saved_yaml_loads_and_changes_the_plan_as_asked(open_copy, company_dir):
    wb = open_copy()
    panel = ScenarioPanel(wb)
    _what_if(panel)
    panel.controls.save.click()
    assert (company_dir / "scenarios" / "grills-push.yaml").is_file()
    [loaded] = load_scenarios(wb.company, cycle=wb.cycle, horizon=wb.horizon)
    assert loaded.name == "Grills push" and loaded.changes == panel.scenario().changes
    tables = wb.read("demand", "consensus")
    changed = apply_scenario(wb.company, tables["demand"], tables["consensus"], loaded)
    base, new = (t.set_index(["family", "month"]) for t in (tables["demand"], changed.demand))
    for month in month_range(wb.cycle, wb.horizon):
        units = base.at[("Grills", month), "consensus"]
        value = base.at[("Grills", month), "consensus_value"]
        factor = 1.2 if month >= pd.Period("2027-01", "M") else 1.0
        assert new.at[("Grills", month), "consensus"] == pytest.approx(units * factor)
        assert new.at[("Grills", month), "consensus_value"] == pytest.approx(
            value * factor * 0.95)
        assert new.at[("Garden Tools", month), "consensus"] == base.at[
            ("Garden Tools", month), "consensus"]
    hours = monthly_capacity(changed.company, month_range(wb.cycle, wb.horizon)).set_index(
        ["resource", "month"])
    usual = wb.company.resources.set_index("resource")["available_hours"]
    for month, added in (("2027-01", 0), ("2027-02", 80), ("2027-04", 80), ("2027-05", 0)):
        key = ("Paint Shop", pd.Period(month, "M"))
        assert hours.at[key, "available_hours"] == usual["Paint Shop"] + added
    assert (hours["max_overtime_hours"] == 0).all()


def test_save_refuses_to_overwrite_unless_confirmed(open_copy, company_dir):
    wb = open_copy()
    panel = ScenarioPanel(wb)
    _what_if(panel)
    panel.controls.save.click()
    path = company_dir / "scenarios" / "grills-push.yaml"
    first = path.read_bytes()
    panel.controls.demand_percent.value = 30
    panel.controls.save.click()
    assert "already exists" in _everything(panel.save_output) and path.read_bytes() == first
    panel.controls.overwrite.value = True
    panel.controls.save.click()
    [loaded] = load_scenarios(wb.company, cycle=wb.cycle, horizon=wb.horizon)
    assert loaded.changes[0].amount == 30.0
    assert panel.controls.overwrite.value is False


@pytest.mark.parametrize(("name", "expected"), [
    ("Baseline", "already the name of the plan without changes"),
    ("grills push", "expected a name of its own"),
    ("  ", "Give the scenario a name"),
])
def test_save_refuses_a_scenario_the_run_could_not_load(open_copy, company_dir, name, expected):
    folder = company_dir / "scenarios"
    folder.mkdir()
    (folder / "other.yaml").write_text(
        "name: Grills Push\nchanges:\n  - demand: {family: Grills, percent: 5}\n")
    panel = ScenarioPanel(open_copy())
    _what_if(panel, name=name)
    panel.controls.save.click()
    assert expected in _everything(panel.save_output)
    assert [p.name for p in folder.iterdir()] == ["other.yaml"]


def test_save_refuses_a_scenario_without_changes(open_copy, company_dir):
    panel = ScenarioPanel(open_copy())
    _build(panel)
    panel.controls.save.click()
    assert "at least one change" in _everything(panel.save_output)
    assert not (company_dir / "scenarios").exists()
