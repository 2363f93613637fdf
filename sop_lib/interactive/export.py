"""Exporting a panel's table: a CSV file, and tab-separated text that pastes into Excel as cells.

Both carry the table's headings in words with their units, as the panel shows them. The CSV
(UTF-8 with a byte-order mark, so that Excel reads accents) holds the values themselves: whole
precision, months as YYYY-MM, nothing for a missing value. The tab-separated text holds the cells
as the panel and the pages write them ("1,234", "34.5%"), which Excel turns back into numbers
when pasted. Text that a spreadsheet would take for a formula (starting with =, +, -, @) is
written after an apostrophe, so that it stays text. Under the table, `exported_table` shows two
download links and a copy button.
"""
from __future__ import annotations

import base64
import html
import io
import re

import pandas as pd
from IPython.display import HTML, display

from sop_lib.pack.display import table
from sop_lib.pack.formatting import formats_of

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COPY_SCRIPT = ("navigator.clipboard.writeText(new TextDecoder().decode(Uint8Array.from("
               "atob(this.dataset.text), c => c.charCodeAt(0))));"
               "this.textContent = 'Copied: paste into Excel';")


def export_csv(frame: pd.DataFrame, *, currency: str | None = None) -> bytes:
    """The table as CSV bytes: headings as shown, values as they are."""
    columns = formats_of(frame, currency=currency)
    values = pd.DataFrame({c.heading: [_value(v) if c.numeric else _text(_value(v))
                                       for v in c.values] for c in columns})
    buffer = io.StringIO()
    values.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig")


def export_tsv(frame: pd.DataFrame, *, currency: str | None = None) -> str:
    """The table as tab-separated text: headings and cells as shown (tabs and line breaks
    inside a cell become spaces)."""
    columns = formats_of(frame, currency=currency)
    rows = [[c.heading for c in columns]]
    rows += [list(cells) for cells in zip(*(
        c.texts() if c.numeric else [_text(text) for text in c.texts()] for c in columns))]
    return "".join("\t".join(_flat(cell) for cell in row) + "\r\n" for row in rows)


def export_bar(frame: pd.DataFrame, name: str, *, currency: str | None = None) -> str:
    """HTML: links to download the table as `<name>.csv` and `<name>.tsv`, and a button that
    copies it for Excel."""
    slug = file_stem(name) or "table"
    csv_data = base64.b64encode(export_csv(frame, currency=currency)).decode("ascii")
    tsv_data = base64.b64encode(export_tsv(frame, currency=currency).encode("utf-8")).decode(
        "ascii")
    return (f'<div class="sop-export">Export {html.escape(name)}: '
            f'<a download="{slug}.csv" href="data:text/csv;charset=utf-8;base64,{csv_data}">'
            f'CSV file</a> · <a download="{slug}.tsv" '
            f'href="data:text/tab-separated-values;charset=utf-8;base64,{tsv_data}">'
            f'Excel text file</a> · <button class="sop-copy" data-text="{tsv_data}" '
            f'onclick="{html.escape(COPY_SCRIPT)}" title="Copies the table as tab-separated '
            f'text: paste it into Excel and each value lands in its own cell">Copy for Excel'
            f'</button></div>')


def exported_table(frame: pd.DataFrame, name: str, *, caption: str | None = None,
                   currency: str | None = None, **options) -> None:
    """Show `frame` as `pack.display.table` does (same options), with its export bar under
    it; `name` names the files and the bar."""
    table(frame, caption=caption, currency=currency, **options)
    display(HTML(export_bar(frame, name, currency=currency)))


def file_stem(name: str) -> str:
    """A file name from a name: "Accuracy of Grills" -> "accuracy-of-grills" ("" when it holds
    no letter or digit)."""
    return re.sub(r"[^\w]+", "-", name.strip().casefold()).strip("-_")


def _value(value):
    if isinstance(value, pd.Period):
        return value.strftime("%Y-%m")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _text(value):
    """Text kept as text in a spreadsheet: an apostrophe before what would read as a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _flat(cell: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", cell)
