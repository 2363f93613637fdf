"""Tests of sop_lib.core.status: one light fill per status, the same on a page and in the Excel
pack, and capacity months coloured like the statuses they mean."""
import pandas as pd
from openpyxl import load_workbook

from sop_lib.core.status import AMBER, FILLS, GREEN, NOT_AVAILABLE, RED
from sop_lib.data.decisions import DONE, OPEN, OVERDUE
from sop_lib.pack.display import STATUS_COLOURS
from sop_lib.pack.excel import write_excel_pack
from sop_lib.supply.capacity import OK, OVERLOAD, OVERTIME


def test_every_light_has_its_own_fill_and_n_a_has_none():
    assert set(FILLS) == {GREEN, AMBER, RED}
    assert len(set(FILLS.values())) == 3
    assert NOT_AVAILABLE not in STATUS_COLOURS


def test_a_page_shows_each_status_and_capacity_month_in_the_fill_of_its_light():
    assert {status: STATUS_COLOURS[status] for status in FILLS} == {
        status: f"#{fill}" for status, fill in FILLS.items()}
    for month, light in ((OK, GREEN), (OVERTIME, AMBER), (OVERLOAD, RED), (DONE, GREEN),
                         (OVERDUE, RED)):
        assert STATUS_COLOURS[month] == STATUS_COLOURS[light]
    assert OPEN not in STATUS_COLOURS  # an action not yet due is not coloured


def test_the_excel_pack_fills_a_status_cell_as_the_page_does(tmp_path):
    kpis = pd.DataFrame({"kpi": ["Service", "Revenue", "Bias", "Accuracy"],
                         "value": [0.9, 1.0, 0.1, float("nan")],
                         "status": [GREEN, AMBER, RED, NOT_AVAILABLE]})
    sheets = pd.DataFrame(columns=["family", "strategy", "month", "period"])
    path = write_excel_pack(tmp_path / "pack.xlsx", title="Acme", kpis=kpis,
                            decisions=pd.DataFrame({"rank": []}), sheets=sheets)
    sheet = load_workbook(path)["Summary"]
    filled = {cell.value: cell.fill.fgColor.rgb[-6:] for row in sheet.iter_rows()
              for cell in row if cell.value in FILLS}
    assert filled == {status: fill for status, fill in FILLS.items()}
    assert all(f"#{fill}" == STATUS_COLOURS[status] for status, fill in filled.items())
