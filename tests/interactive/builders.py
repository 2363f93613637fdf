"""Helpers of the interactive widget tests: build a tool's widget and read back what its Output
widgets show (Markdown, HTML tables, PNG images)."""
import base64
import io
import re

import ipywidgets as widgets
import pandas as pd
from bs4 import BeautifulSoup

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)"> *bold*'


def build(tool) -> None:
    """Build a tool's widget, as displaying it in a notebook does."""
    assert isinstance(tool.widget, widgets.Widget)


def shown(output, kind: str) -> list[str]:
    """The Markdown texts or HTML documents an Output widget shows."""
    return [o["data"][kind] for o in output.outputs if kind in o["data"]]


def markdown_of(output) -> str:
    """The Markdown an Output widget shows, as read (escapes of Markdown markup removed)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(shown(output, "text/markdown")))


def tables_of(output) -> list[str]:
    """The HTML tables an Output widget shows."""
    return [page for page in shown(output, "text/html") if "<table" in page]


def images_of(output) -> list[bytes]:
    """The PNG images an Output widget shows, decoded."""
    prefix = 'src="data:image/png;base64,'
    return [base64.b64decode(page.split(prefix, 1)[1].split('"', 1)[0])
            for page in shown(output, "text/html") if prefix in page]


def everything_of(output) -> str:
    """All an Output widget shows: its Markdown as read, then its HTML."""
    return "\n".join([markdown_of(output), *shown(output, "text/html")])


def rows_of(page: str) -> list[list[str]]:
    """An HTML table's rows as their cells' texts, the headings first."""
    return [[cell.get_text() for cell in row.find_all(["th", "td"])]
            for row in BeautifulSoup(page, "html.parser").find_all("tr")]


def exported_csvs(output) -> dict[str, pd.DataFrame]:
    """The CSV files of an Output widget's export bars, by the name each bar says."""
    bars = [page for page in shown(output, "text/html") if "sop-export" in page]
    found = {}
    for bar in bars:
        name = re.search(r"Export (.*?): ", bar).group(1)
        data = re.search(r'data:text/csv;charset=utf-8;base64,([^"]+)', bar).group(1)
        found[name] = pd.read_csv(io.BytesIO(base64.b64decode(data)), encoding="utf-8-sig")
    return found
