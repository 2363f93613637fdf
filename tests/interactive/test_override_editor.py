"""Tests of sop_lib.interactive.override_editor: an override entered, its effect previewed, and
saved to overrides.csv (appended as typed) or refused with the problems shown."""
import pandas as pd
import pytest

from sop_lib.core.errors import DataError
from sop_lib.data.validation import load_company
from sop_lib.interactive import NewOverride, OverrideEditor, save_overrides
from tests.interactive.builders import EVIL, build, everything_of, tables_of


def _enter(editor, *, level="sku", code="GT-002", first="2027-02", last="2027-03",
           kind="percent", value="50", owner="A. Analyst", reason="Promo, spring"):
    build(editor)
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
    [effect] = tables_of(editor.preview_output)
    for month in ("2027-02", "2027-03"):
        units = forecast[("GT-002", pd.Period(month, "M"))]
        row = effect.split(f">{month}<", 1)[1].split("</tr>", 1)[0]
        assert all(f">{figure:,.1f}<" in row for figure in (units, units, 1.5 * units))
        assert f">{0.5 * units:+,.1f}<" in row  # the change, signed
    _enter(editor, level="family", code="Garden Tools", first="2027-02", last="2027-02",
           kind="absolute", value="1000")
    [effect] = tables_of(editor.preview_output)
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
    assert "is not a number" in everything_of(editor.preview_output)


def test_save_appends_exactly_the_new_rows_and_the_audit_shows_them(open_copy, company_dir):
    path = company_dir / "overrides.csv"
    before = path.read_bytes()
    editor = OverrideEditor(open_copy())
    _enter(editor)
    editor.controls.save.click()
    assert path.read_bytes() == before + (
        b'sku,GT-002,2027-02,percent,50,A. Analyst,"Promo, spring"\n'
        b'sku,GT-002,2027-03,percent,50,A. Analyst,"Promo, spring"\n')
    [audit] = tables_of(editor.save_output)
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
    page = everything_of(editor.save_output)
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
    page = everything_of(editor.save_output)
    assert "kept in overrides.parquet" in page and "Promo, spring" in page
    assert not csv.exists() and (company_dir / "overrides.parquet").read_bytes() == before


def test_a_saved_reason_is_written_as_typed_and_shown_escaped(open_copy, company_dir):
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02", reason=EVIL)
    editor.controls.save.click()
    assert load_company(company_dir).overrides["reason"].tolist().count(EVIL) == 1
    page = everything_of(editor.save_output)
    assert "&lt;script&gt;" in page and "<script" not in page and "<img src=x" not in page


def test_a_second_save_sees_the_first(open_copy, company_dir):
    editor = OverrideEditor(open_copy())
    _enter(editor, last="2027-02")
    editor.controls.save.click()
    after_first = (company_dir / "overrides.csv").read_bytes()
    editor.controls.save.click()
    assert "repeats row" in everything_of(editor.save_output)
    assert (company_dir / "overrides.csv").read_bytes() == after_first
