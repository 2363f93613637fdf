"""Showing results in a notebook so that the code-free HTML reads well and data stays text."""
from __future__ import annotations

import html
import re

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

STATUS_COLOURS = {"green": "#d8f0d8", "amber": "#fbe7c0", "red": "#f6c9c9",
                  "ok": "#d8f0d8", "overtime": "#fbe7c0", "overload": "#f6c9c9"}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_text(value) -> str:
    """Text from data made safe for Markdown and HTML: no tags, no Markdown markup."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(str(value), quote=True))


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


def table(frame: pd.DataFrame, *, formats: dict | None = None, status: str | None = None,
          caption: str | None = None, precision: int = 0) -> None:
    """Show a frame as an escaped HTML table, with optional number formats and status colours."""
    styler = month_text(frame).style.hide(axis="index")
    styler = styler.format(precision=precision, thousands=",", escape="html", na_rep="")
    if formats:
        styler = styler.format(formats, escape="html", na_rep="")
    if status:
        styler = styler.map(lambda v: f"background-color: {STATUS_COLOURS.get(v, 'white')}",
                            subset=[status])
    if caption:
        styler = styler.set_caption(html.escape(caption))
    display(styler)


def figure(fig) -> None:
    """Show a matplotlib figure once, as an embedded image, and free it."""
    display(fig)
    plt.close(fig)
