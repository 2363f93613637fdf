"""Showing results in a notebook so that the code-free HTML reads well and data stays text."""
from __future__ import annotations

import html
import re

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

from sop_lib.core.status import AMBER, FILLS, GREEN, RED
from sop_lib.data.decisions import DONE, OVERDUE
from sop_lib.pack.drawing import data_uri
from sop_lib.pack.formatting import ColumnFormat, formats_of
from sop_lib.supply.capacity import OK, OVERLOAD, OVERTIME

# A capacity month's status (ok, overtime, overload) shows like green, amber and red; an action
# done like green, overdue like red (an open action, not yet due, is not coloured).
STATUS_COLOURS = {status: f"#{FILLS[light]}" for status, light in (
    (GREEN, GREEN), (AMBER, AMBER), (RED, RED), (OK, GREEN), (OVERTIME, AMBER), (OVERLOAD, RED),
    (DONE, GREEN), (OVERDUE, RED))}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_text(value) -> str:
    """Text from data made safe for Markdown and HTML: no tags, no Markdown markup."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(str(value), quote=False))


def say(template: str, **values) -> None:
    """Show a Markdown sentence; `values` come from data and are escaped."""
    display(Markdown(template.format(**{k: escape_text(v) for k, v in values.items()})))


def heading(text: str) -> None:
    """A section heading written by the notebook (not from data)."""
    display(Markdown(text))


def table(frame: pd.DataFrame, *, status: str | None = None, caption: str | None = None,
          currency: str | None = None, measure: str = "units", formats: dict | None = None,
          precision: int | None = None) -> None:
    """Show a frame as an escaped HTML table, each column in the format of its kind.

    The kinds and their formats are `sop_lib.pack.formatting`'s: headings name their unit ("Revenue
    (EUR)"), shares read 34.5%, booleans yes/no. `currency` defaults to the notebook's (set by
    `open_workbook`); `measure` is the kind of a pivot's month columns or a bridge's steps
    ("units" or "money"). `status` names a column to colour. For the rare exception, `formats`
    maps a column to a format string or function of its values, and `precision` gives units,
    money, hours and counts that many decimals (a table of one SKU's small figures).
    """
    display(styled_table(frame, status=status, caption=caption, currency=currency,
                         measure=measure, formats=formats, precision=precision))


def styled_table(frame: pd.DataFrame, *, status: str | None = None, caption: str | None = None,
                 currency: str | None = None, measure: str = "units",
                 formats: dict | None = None, precision: int | None = None):
    """The pandas Styler that `table` shows (same arguments); `.to_html()` gives the table for a
    page written outside a notebook."""
    columns = formats_of(frame, currency=currency, measure=measure, precision=precision)
    styler = _styled(frame.index, columns, formats or {})
    if status:
        styler = styler.map(lambda v: f"background-color: {STATUS_COLOURS.get(v, 'white')}",
                            subset=[status])
    if caption:
        styler = styler.set_caption(html.escape(caption))
    return styler


def _styled(index: pd.Index, columns: list[ColumnFormat], given: dict):
    """The cells' escaped texts under their headings, each with its kind's class
    ("kind-share") and numbers right-aligned."""
    names = [c.name for c in columns]
    texts = pd.DataFrame({c.name: _texts(c, given.get(c.name)) for c in columns}, index=index,
                         columns=names)
    classes = pd.DataFrame({c.name: _classes(c, c.name in given) for c in columns},
                           index=index, columns=names)
    styler = texts.style.hide(axis="index").format(escape="html").set_td_classes(classes)
    styler = styler.relabel_index([html.escape(c.heading) for c in columns], axis=1)
    for align, subset in (("right", [c.name for c in columns if c.numeric]),
                          ("left", [c.name for c in columns if not c.numeric])):
        styler = styler.set_properties(subset=subset, **{"text-align": align})
    return styler


def _classes(column: ColumnFormat, given: bool) -> list[str]:
    """Each cell's class: its kind's ("kind-share"), or "kind-given" for a given format."""
    return ["kind-given" if given else cell.kind.css_class for cell in column.cells]


def _texts(column: ColumnFormat, given) -> list[str]:
    """A column's cell texts: its kind's, or those of a given format string or function."""
    if given is None:
        return column.texts()
    write = given if callable(given) else given.format
    return ["" if pd.isna(value) else write(value) for value in column.values]


def figure(fig, alt: str | None = None) -> None:
    """Show a matplotlib figure as an embedded PNG with alt text, and free it.

    The alt text defaults to the finding the chart function wrote (`fig.alt_text`), else to
    the figure's titles.
    """
    display(HTML(_image(fig, alt)))


def figures(*figs) -> None:
    """Show figures side by side (one row on screen and in print), each with its alt text."""
    display(HTML('<div class="sop-figures">' + "".join(_image(f) for f in figs) + "</div>"))


def _image(fig, alt: str | None = None) -> str:
    """The figure as an <img> of an embedded PNG (`sop_lib.pack.drawing`); the figure is
    freed."""
    source = data_uri(fig)
    plt.close(fig)
    text = alt or getattr(fig, "alt_text", None) or chart_title(fig)
    return f'<img src="{source}" alt="{html.escape(text)}">'


def page_break() -> None:
    """Start a new printed page here (no effect on screen)."""
    display(HTML('<div class="sop-page-break"></div>'))


def chart_title(fig) -> str:
    """The figure's title and its charts' titles, as one sentence."""
    titles = [fig._suptitle.get_text()] if fig._suptitle else []
    titles += [ax.get_title() for ax in fig.axes if ax.get_title()]
    return "Chart: " + "; ".join(titles) if titles else "Chart"


def kpi_table(kpis: pd.DataFrame) -> None:
    """The headline KPIs, or their trend (`sop_lib.executive.summary.kpi_trend`), each value
    written in its own unit ("99.9%", "45.2 days", "EUR 7,609,155"); the status coloured when
    shown."""
    table(kpis, status="status" if "status" in kpis.columns else None)
