"""Tests of sop_lib.interactive.override_editor: the overrides in force listed and filtered,
an override added, changed or withdrawn, its effect previewed with the overrides it meets, and
saved to overrides.csv (rows added at the end) or refused with the problems shown."""
import re

import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.data.validation import load_company
from sop_lib.demand.consensus import override_history
from sop_lib.demand.review import review_demand
from sop_lib.interactive import NewOverride, OverrideEditor, save_overrides
from tests.interactive.builders import EVIL, build, everything_of, markdown_of, tables_of

STAMP = rb"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"


def _enter(editor, *, level="sku", code="GT-002", first="2027-02", last="2027-03",
           kind="percent", value="50", owner="A. Analyst", reason="Promo, spring",
           action="add"):
    build(editor)
    c = editor.controls
    c.action.value = action
    c.level.value = level
    c.code.value = code
    c.first.value = pd.Period(first, "M")
    c.last.value = pd.Period(last, "M")
    c.kind.value = kind
    c.value.value = value
    c.owner.value = owner
    c.reason.value = reason


def _pick(editor, level, code, month):
    """Pick the override in force on level, code and month, as the analyst does in the list."""
    build(editor)
    current = editor.current
    row = current[(current["level"] == level) & (current["code"] == code)
                  & (current["month"] == pd.Period(month, "M"))]["row"].item()
    editor.controls.pick.value = int(row)
    return int(row)


def _consensus(folder, wb):
    """The consensus and the override audit of a fresh demand review of the company folder."""
    made = review_demand(load_company(folder, cycle=wb.cycle), cycle=wb.cycle,
                         horizon=wb.horizon, archive_dir=wb.archive_dir)
    return made["consensus"], made["override_audit"]


def test_preview_shows_the_effect_and_writes_nothing(open_copy, company_dir):
    wb = open_copy()
    before = (company_dir / "overrides.csv").read_bytes()
    forecast = wb.read("forecast")["forecast"].set_index(["sku", "month"])["forecast"]
    editor = OverrideEditor(wb)
    _enter(editor)  # no override touches Garden Tools or GT-002 in these months
    [effect] = tables_of(editor.preview_output)
    for month in ("2027-02", "2027-03"):
        units = forecast[("GT-002", pd.Period(month, "M"))]
        row = effect.split(f">{month}<", 1)[1].split("</tr>", 1)[0]
        assert all(f">{figure:,.1f}<" in row for figure in (units, units, 1.5 * units))
        assert row.count(f">{0.5 * units:+,.1f}<") == 2  # the SKU's change, and its family's
    assert "Family consensus before" in effect and "Family change" in effect
    _enter(editor, level="family", code="Garden Tools", first="2027-02", last="2027-02",
           kind="absolute", value="1000")
    [effect] = tables_of(editor.preview_output)
    assert ">1,000.0<" in effect and "2027-03" not in effect and "Family change" not in effect
    assert (company_dir / "overrides.csv").read_bytes() == before


def test_the_code_picker_offers_the_first_family_then_the_first_sku(shared_wb):
    editor = OverrideEditor(shared_wb)
    build(editor)
    code = editor.controls.code
    families = sorted(shared_wb.read("forecast")["forecast"]["family"].unique())
    assert code.value == families[0] and list(code.options) == families
    editor.controls.level.value = "sku"
    skus = shared_wb.read("forecast")["forecast"].drop_duplicates("sku")
    assert len(code.options) == len(skus) and code.value == code.options[0]
    first = skus.sort_values(["family", "sku"])["sku"].iloc[0]
    assert code.options[0].startswith(f"{first} ") and editor.entry().code == first


def test_a_typed_code_that_is_none_of_the_list_is_refused(shared_wb):
    editor = OverrideEditor(shared_wb)
    _enter(editor, code="GT-00")  # part of a code, not picked from the list
    assert "Pick a SKU from the list: 'GT-00' is none of the SKUs" in everything_of(
        editor.preview_output)


def test_the_list_shows_the_overrides_in_force_and_filters_them(shared_wb):
    editor = OverrideEditor(shared_wb)
    build(editor)
    [listed] = tables_of(editor.list_output)
    assert "7 of 7 overrides in force" in listed and "Export Overrides in force" in (
        everything_of(editor.list_output))
    assert ">2</td>" in listed and ">2.0<" not in listed  # the file row, a whole number
    c = editor.controls
    c.family_filter.value = "Spare Parts"  # its family override and the SKU override inside
    [listed] = tables_of(editor.list_output)
    assert "3 of 7" in listed and listed.count(">SP-004<") == 2 and "Grills" not in listed
    c.family_filter.value, c.code_filter.value = "", "gr"
    [listed] = tables_of(editor.list_output)
    assert "2 of 7" in listed and ">GR-001<" in listed and ">Grills<" in listed
    c.code_filter.value = ""
    c.owner_filter.value = "A. Romero (Sales)"
    [listed] = tables_of(editor.list_output)
    assert "2 of 7" in listed and ">Custom Sheds<" in listed and ">GT-003<" in listed
    assert [label for label, _ in c.pick.options][1:] == [
        "row 7: family Custom Sheds, 2027-02, absolute 16 units (A. Romero (Sales))",
        "row 8: sku GT-003, 2027-03, percent 25% (A. Romero (Sales))"]


def test_preview_names_the_family_override_a_sku_override_meets(shared_wb):
    """The issue's case: a SKU override inside a family override replaces that SKU's share of
    the family override, which the preview says, with the family total before and after."""
    editor = OverrideEditor(shared_wb)
    _enter(editor, code="CS-001", first="2027-02", last="2027-02", value="15")
    page = markdown_of(editor.preview_output)
    assert "meets 1 override(s) in force" in page
    effect, met = tables_of(editor.preview_output)
    assert "the family override spread over CS-001" in met and ">Custom Sheds<" in met
    consensus = shared_wb.read("consensus")["consensus"]
    family = consensus[(consensus["family"] == "Custom Sheds")
                       & (consensus["month"] == pd.Period("2027-02", "M"))]["consensus"].sum()
    assert f">{family:,.1f}<" in effect  # the family total before: 16 units, as overridden
    figures = [float(x.replace(",", "")) for x in re.findall(r">([+-]?[\d,]+\.\d)<", effect)]
    statistical, before, after, change, family_before, family_after, family_change = figures
    assert after == pytest.approx(1.15 * statistical, abs=0.051)
    assert family_before == pytest.approx(16.0) and family_change == pytest.approx(change)
    assert family_after == pytest.approx(16.0 + change, abs=0.051)


def test_an_add_where_one_is_in_force_is_refused_in_the_preview_and_on_save(open_copy,
                                                                          company_dir):
    before = (company_dir / "overrides.csv").read_bytes()
    editor = OverrideEditor(open_copy())
    _enter(editor, level="family", code="Grills", first="2026-12", last="2027-01", value="20")
    expected = ("An override of family Grills is in force on 2027-01 (row 6): choose to change "
                "or withdraw it")
    assert expected in markdown_of(editor.preview_output)
    editor.controls.save.click()
    assert expected in markdown_of(editor.save_output)
    assert (company_dir / "overrides.csv").read_bytes() == before


def test_a_withdrawal_of_a_month_without_an_override_is_refused_on_save(open_copy,
                                                                         company_dir):
    before = (company_dir / "overrides.csv").read_bytes()
    editor = OverrideEditor(open_copy())
    _pick(editor, "sku", "SP-004", "2026-12")
    c = editor.controls
    c.action.value = "withdraw"
    c.last.value = pd.Period("2027-02", "M")  # 2027-02 has none
    c.owner.value, c.reason.value = "J. Okafor", "Back"
    c.save.click()
    assert "Nothing to withdraw on 2027-02" in markdown_of(editor.save_output)
    assert (company_dir / "overrides.csv").read_bytes() == before


def test_a_picked_override_keeps_its_exact_value(open_copy, company_dir):
    """A large or precise value reads back exactly, so changing only the reason moves nothing."""
    path = company_dir / "overrides.csv"
    path.write_bytes(path.read_bytes() + b"sku,GT-004,2027-04,absolute,1234567,A,B,,\n"
                     b"sku,GT-004,2027-05,percent,12.3456789,A,B,,\n")
    editor = OverrideEditor(open_copy())
    _pick(editor, "sku", "GT-004", "2027-04")
    assert editor.controls.value.value == "1234567"
    _pick(editor, "sku", "GT-004", "2027-05")
    assert editor.controls.value.value == "12.3456789"
    c = editor.controls
    c.action.value = "withdraw"
    c.owner.value, c.reason.value = "A", "Gone"
    c.save.click()
    assert b"sku,GT-004,2027-05,percent,12.3456789,A,Gone,withdraw," in path.read_bytes()


def test_change_and_withdraw_need_an_override_in_force(shared_wb):
    editor = OverrideEditor(shared_wb)
    _enter(editor, action="change", first="2027-02", last="2027-02")
    assert "Not possible:** Nothing to change on 2027-02: no override of SKU GT-002" in (
        markdown_of(editor.preview_output))


def test_save_adds_exactly_the_new_rows_and_the_list_and_preview_refresh(open_copy,
                                                                        company_dir):
    path = company_dir / "overrides.csv"
    before = path.read_bytes()
    editor = OverrideEditor(open_copy())
    _enter(editor)
    editor.controls.save.click()
    added = path.read_bytes().removeprefix(before)
    assert re.fullmatch(rb'sku,GT-002,2027-02,percent,50,A. Analyst,"Promo, spring",add,'
                        + STAMP + rb'\nsku,GT-002,2027-03,percent,50,A. Analyst,'
                        rb'"Promo, spring",add,' + STAMP + rb'\n', added)
    assert "Saved** 2 row(s) to overrides.csv (rows 9 to 10)" in markdown_of(editor.save_output)
    [listed] = tables_of(editor.list_output)
    assert "9 of 9 overrides in force" in listed and listed.count("Promo, spring") == 2
    assert "Enter a value" in markdown_of(editor.preview_output)  # the form starts again
    saved = load_company(company_dir).overrides
    assert len(saved.query("owner == 'A. Analyst'")) == 2


def test_a_change_is_a_new_row_that_the_consensus_and_the_audit_honour(open_copy,
                                                                       company_dir):
    wb = open_copy()
    path = company_dir / "overrides.csv"
    before = path.read_bytes()
    editor = OverrideEditor(wb)
    row = _pick(editor, "family", "Grills", "2027-01")
    c = editor.controls
    assert (c.action.value, c.level.value, c.code.value, c.kind.value, c.value.value) == (
        "change", "family", "Grills", "percent", "8")
    c.value.value, c.owner.value, c.reason.value = "20", "S. Patel (Sales)", "Fair doubled"
    assert "in force now: this change replaces it" in tables_of(editor.preview_output)[1]
    c.save.click()
    assert path.read_bytes().startswith(before)  # nothing earlier edited
    assert re.fullmatch(rb"family,Grills,2027-01,percent,20,S. Patel \(Sales\),Fair doubled,"
                        rb"change," + STAMP + rb"\n", path.read_bytes().removeprefix(before))
    consensus, audit = _consensus(company_dir, wb)
    grills = consensus[(consensus["family"] == "Grills")
                       & (consensus["month"] == pd.Period("2027-01", "M"))]
    assert grills["consensus"].sum() == pytest.approx(1.2 * grills["statistical"].sum())
    history = override_history(audit)
    assert history[["row", "what"]].values.tolist() == [[row, "changed by row 9"]]
    listed, changed = tables_of(editor.list_output)
    assert "Fair doubled" in listed and "changed by row 9" in changed


def test_a_withdrawal_ends_the_override_and_keeps_it_in_the_history(open_copy, company_dir):
    wb = open_copy()
    path = company_dir / "overrides.csv"
    before = path.read_bytes()
    editor = OverrideEditor(wb)
    row = _pick(editor, "sku", "GT-003", "2027-03")
    c = editor.controls
    c.action.value = "withdraw"
    c.value.value, c.owner.value, c.reason.value = "", "A. Romero (Sales)", "Promo cancelled"
    assert "withdraw the override on sku GT-003" in markdown_of(editor.preview_output)
    c.save.click()
    assert re.fullmatch(rb"sku,GT-003,2027-03,percent,25,A. Romero \(Sales\),Promo cancelled,"
                        rb"withdraw," + STAMP + rb"\n", path.read_bytes().removeprefix(before))
    consensus, audit = _consensus(company_dir, wb)
    gt003 = consensus[(consensus["sku"] == "GT-003")
                      & (consensus["month"] == pd.Period("2027-03", "M"))]
    assert gt003["consensus"].item() == gt003["statistical"].item()
    assert override_history(audit)["what"].tolist() == ["withdrawn by row 9",
                                                        f"withdraws row {row}"]


def test_save_keeps_line_endings_and_header_order_and_adds_the_log_columns(open_copy,
                                                                           company_dir):
    path = company_dir / "overrides.csv"
    before = (b"Code,Level,Month,Kind,Value,Owner,Reason\r\n"
              b"GT-003,sku,2027-01,absolute,80,A. Romero,Spring\r\n"
              b"Grills,family,2027-01,percent,5,S. Patel,Fair")  # no line break at the end
    path.write_bytes(before)
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", reason="Promo")
    editor.controls.save.click()
    assert re.fullmatch(
        rb"Code,Level,Month,Kind,Value,Owner,Reason,action,entered\r\n"
        rb"GT-003,sku,2027-01,absolute,80,A. Romero,Spring\r\n"
        rb"Grills,family,2027-01,percent,5,S. Patel,Fair\r\n"
        rb"GT-002,sku,2027-02,percent,50,A. Analyst,Promo,add," + STAMP + rb"\r\n",
        path.read_bytes())


def test_save_creates_a_missing_file_with_its_header(open_copy, company_dir):
    (company_dir / "overrides.csv").unlink()
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", kind="absolute", value="120", reason="Tender")
    editor.controls.save.click()
    assert re.fullmatch(rb"level,code,month,kind,value,owner,reason,action,entered\n"
                        rb"sku,GT-002,2027-02,absolute,120,A. Analyst,Tender,add," + STAMP
                        + rb"\n", (company_dir / "overrides.csv").read_bytes())


@pytest.mark.parametrize(("entry", "expected"), [
    ({"owner": ""}, "the cell is empty; expected a value"),
    ({"value": "1,000"}, "no thousands separators"),
    ({"kind": "absolute", "value": "-5"}, "at least 0 for an absolute override"),
    ({"value": "-150"}, "a number of at least -100"),
    ({"code": "GR-001", "first": "2026-11", "last": "2026-11", "kind": "absolute"},
     "is in force on 2026-11 (row 2): choose to change or withdraw it"),
])
def test_a_refused_override_shows_the_problems_and_writes_nothing(open_copy, company_dir, entry,
                                                                  expected):
    before = (company_dir / "overrides.csv").read_bytes()
    editor = OverrideEditor(open_copy())
    _enter(editor, **entry)
    editor.controls.save.click()
    page = everything_of(editor.save_output)
    assert "Not possible" in page and expected in page
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
    page = everything_of(editor.save_output)
    assert "kept in overrides.parquet" in page and "Promo, spring" in page
    assert "Export Rows to add" in page  # to copy into the parquet file's source
    assert not csv.exists() and (company_dir / "overrides.parquet").read_bytes() == before


def test_a_saved_reason_is_written_as_typed_and_shown_escaped(open_copy, company_dir):
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", reason=EVIL)
    editor.controls.save.click()
    assert load_company(company_dir).overrides["reason"].tolist().count(EVIL) == 1
    for output in (editor.save_output, editor.list_output):
        page = everything_of(output)
        assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in everything_of(editor.list_output)


def test_a_second_save_of_the_same_add_is_refused(open_copy, company_dir):
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02")
    editor.controls.save.click()
    after_first = (company_dir / "overrides.csv").read_bytes()
    _enter(editor, last="2027-02")
    editor.controls.save.click()
    assert "is in force on 2027-02 (row 9)" in everything_of(editor.save_output)
    assert (company_dir / "overrides.csv").read_bytes() == after_first


def test_withdrawing_a_sku_override_inside_a_family_override_says_where_it_goes(shared_wb):
    editor = OverrideEditor(shared_wb)
    _pick(editor, "sku", "SP-004", "2026-12")
    editor.controls.action.value = "withdraw"
    effect, met = tables_of(editor.preview_output)
    assert "withdrawn, SP-004 goes back to its share of it" in met
    assert "in force now: this withdraws it" in met
    consensus = shared_wb.read("consensus")["consensus"].set_index(["sku", "month"])
    december = pd.Period("2026-12", "M")
    share = consensus.loc[("SP-004", december), "statistical"] * 0.9  # Spare Parts -10%
    assert f">{share:,.1f}<" in effect  # after: back to its share of the family override


def test_a_title_line_above_the_header_is_kept_and_the_header_found(open_copy, company_dir):
    path = company_dir / "overrides.csv"
    before = (b"Overrides, December cycle\n"
              b"level,code,month,kind,value,owner,reason\n"
              b"sku,GT-003,2027-01,absolute,80,A. Romero,Spring\n")
    path.write_bytes(before)
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", reason="Promo")
    editor.controls.save.click()
    assert re.fullmatch(rb"Overrides, December cycle\n"
                        rb"level,code,month,kind,value,owner,reason,action,entered\n"
                        rb"sku,GT-003,2027-01,absolute,80,A. Romero,Spring\n"
                        rb"sku,GT-002,2027-02,percent,50,A. Analyst,Promo,add," + STAMP + rb"\n",
                        path.read_bytes())
    assert len(load_company(company_dir).overrides) == 2


def test_overrides_read_from_a_database_are_not_edited(open_copy, company_dir):
    editor = OverrideEditor(open_copy())
    editor.wb.company.files["overrides"] = company_dir / "sources.yaml"
    _enter(editor)
    editor.controls.save.click()
    page = everything_of(editor.save_output)
    assert "read from a database (sources.yaml)" in page and "overrides table" in page
    assert "Export Rows to add" in page
