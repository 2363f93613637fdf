"""Tests of sop_lib.interactive.export: a table as CSV (values), as tab-separated text (shown
cells), and the export bar under a shown table, its name escaped."""
import base64
import csv
import html
import io
import re

import ipywidgets as widgets
import numpy as np
import pandas as pd

from sop_lib.interactive.common import show
from sop_lib.interactive.export import export_bar, export_csv, export_tsv, exported_table
from tests.interactive.builders import EVIL, shown, tables_of

BOM = b"\xef\xbb\xbf"
HEADINGS = ["Family", "Month", "Consensus", "WAPE statistical", "Tracking alert", "Note"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "family": ["Grills", "Bâtons"],
        "month": pd.PeriodIndex(["2027-01", "2027-02"], freq="M"),
        "consensus": [1234.5678, np.nan],
        "wape_statistical": [0.28216, 0.1],
        "tracking_alert": [True, False],
        "note": ["tab\there", "line\nbreak, comma"],
    })


def links(bar: str) -> dict[str, bytes]:
    """The bar's downloads: file name -> decoded bytes."""
    return {name: base64.b64decode(data) for name, data in
            re.findall(r'download="([^"]+)" href="data:[^"]+;base64,([^"]+)"', bar)}


def test_csv_holds_the_values_under_the_headings_as_shown():
    data = export_csv(frame(), currency="EUR")
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))
    assert rows == [HEADINGS,
                    ["Grills", "2027-01", "1234.5678", "0.28216", "yes", "tab\there"],
                    ["Bâtons", "2027-02", "", "0.1", "no", "line\nbreak, comma"]]


def test_tsv_holds_the_cells_as_shown_one_line_a_row():
    lines = export_tsv(frame(), currency="EUR").split("\r\n")
    assert lines == ["\t".join(HEADINGS),
                     "Grills\t2027-01\t1,235\t28.2%\tyes\ttab here",
                     "Bâtons\t2027-02\t\t10.0%\tno\tline break, comma",
                     ""]


def test_export_bar_downloads_and_copies_those_bytes():
    bar = export_bar(frame(), "Accuracy of Grills", currency="EUR")
    tsv = export_tsv(frame(), currency="EUR").encode("utf-8")
    assert links(bar) == {"accuracy-of-grills.csv": export_csv(frame(), currency="EUR"),
                          "accuracy-of-grills.tsv": tsv}
    [copied] = re.findall(r'data-text="([^"]+)"', bar)
    assert base64.b64decode(copied) == tsv


def test_export_bar_escapes_the_tables_name():
    bar = export_bar(frame(), EVIL)
    assert "<script" not in bar and "<img" not in bar
    assert html.escape(EVIL) in bar
    assert set(links(bar)) == {"script-alert-1-script-img-src-x-onerror-alert-2-bold.csv",
                               "script-alert-1-script-img-src-x-onerror-alert-2-bold.tsv"}


def test_exported_table_shows_the_table_then_its_bar():
    output = widgets.Output()
    show(output, lambda: exported_table(frame(), "Accuracy", caption="Accuracy of Grills"))
    [page, bar] = shown(output, "text/html")
    assert tables_of(output) == [page]
    assert "Accuracy of Grills" in page and "WAPE statistical" in page and "28.2%" in page
    assert 'class="sop-export"' in bar and "accuracy.csv" in bar


def test_text_that_a_spreadsheet_would_run_as_a_formula_stays_text():
    frame = pd.DataFrame({"owner": ['=HYPERLINK("http://x","click")', "@SUM(A1)", "A. Romero"],
                          "change": [-2.0, 3.0, -1.0]})
    csv = export_csv(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "'@SUM(A1)" in csv and "A. Romero" in csv
    assert ",-2.0" in csv  # numbers are not touched
    tsv = export_tsv(frame)
    assert "'=HYPERLINK" in tsv and "\t-2" in tsv
