"""Showing results in a notebook so that the code-free HTML reads well and data stays text."""
from __future__ import annotations

import base64
import html
import io
import re

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display

STATUS_COLOURS = {"green": "#d8f0d8", "amber": "#fbe7c0", "red": "#f6c9c9",
                  "ok": "#d8f0d8", "overtime": "#fbe7c0", "overload": "#f6c9c9"}
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


def month_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Period columns as YYYY-MM text, for display."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.PeriodDtype):
            out[column] = out[column].dt.strftime("%Y-%m")
    return out


PERCENT_COLUMNS = {"service_level", "service_target", "wape", "bias", "utilisation",
                   "margin_pct", "gap_pct", "change_pct", "revenue_gap_pct", "forecast_accuracy"}


def label(column: str) -> str:
    """A column name as a heading: `revenue_gap_pct` -> `Revenue gap %`."""
    text = column.replace("_pct", " %").replace("_", " ")
    return text[:1].upper() + text[1:]


def _formats(frame: pd.DataFrame, precision: int, given: dict | None) -> dict:
    numeric = frame.select_dtypes("number").columns
    formats = {c: ("{:.1%}" if c in PERCENT_COLUMNS else f"{{:,.{precision}f}}") for c in numeric}
    return {**formats, **(given or {})}


def table(frame: pd.DataFrame, *, formats: dict | None = None, status: str | None = None,
          caption: str | None = None, precision: int = 0) -> None:
    """Show a frame as an escaped HTML table: readable headings, number formats, status colours."""
    shown = month_text(frame)
    styler = shown.style.hide(axis="index").format(
        _formats(shown, precision, formats), escape="html", na_rep="")
    styler = styler.relabel_index([html.escape(label(str(c))) for c in shown.columns], axis=1)
    text = [c for c in shown.columns if c not in shown.select_dtypes("number").columns]
    styler = styler.set_properties(subset=text, **{"text-align": "left"})
    if status:
        styler = styler.map(lambda v: f"background-color: {STATUS_COLOURS.get(v, 'white')}",
                            subset=[status])
    if caption:
        styler = styler.set_caption(html.escape(caption))
    display(styler)


def figure(fig, alt: str | None = None) -> None:
    """Show a matplotlib figure as an embedded PNG with alt text, and free it.

    The alt text defaults to the figure's titles; pass one that says what the chart shows.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)  # constrained layout: every chart fits already
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    text = alt or chart_title(fig)
    display(HTML(f'<img src="data:image/png;base64,{data}" alt="{html.escape(text)}">'))


def chart_title(fig) -> str:
    """The figure's title and its charts' titles, as one sentence."""
    titles = [fig._suptitle.get_text()] if fig._suptitle else []
    titles += [ax.get_title() for ax in fig.axes if ax.get_title()]
    return "Chart: " + "; ".join(titles) if titles else "Chart"


def _kpi_text(value, unit: str) -> str:
    if pd.isna(value):
        return ""
    if unit == "share":
        return f"{value:.1%}"
    if unit in ("days", "weeks"):
        return f"{value:,.1f} {unit}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{unit} {value:,.0f}"


def kpi_table(kpis: pd.DataFrame) -> None:
    """The headline KPIs with value and target written in their own units."""
    shown = kpis.assign(
        value=[_kpi_text(v, u) for v, u in zip(kpis["value"], kpis["unit"])],
        target=[_kpi_text(v, u) for v, u in zip(kpis["target"], kpis["unit"])],
    ).drop(columns="unit")
    table(shown, status="status")
