"""The Excel pack (`sop_<cycle>.xlsx`), the workbook planners and finance work in: Summary,
Decisions, Families, Scenarios, Money, Plan of record, then one classic sheet per family.

Headings, units and number formats are those of every page (`sop_lib.pack.formatting`); the
family and Money sheets hold live formulas (`family`, `money`); text from data stays text.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sop_lib.pack.excel.cells import LINE_HEIGHT, WRAP, finish, text_cell
from sop_lib.pack.excel.cells import title as write_title
from sop_lib.pack.excel.family import family_sheet
from sop_lib.pack.excel.money import money_sheet
from sop_lib.pack.excel.tables import side_by_side, table
from sop_lib.store.artifacts import ArtifactStore

__all__ = ["PACK_ARTIFACTS", "recommendation_headlines", "sheet_name", "write_cycle_workbook",
           "write_excel_pack"]

UNSAFE_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
RECORD_BLANKS = ("Decision taken", "Owner", "Due month")  # filled in at the meeting
PLAN_OF_RECORD = ["family", "strategy", "month", "demand", "production", "shipments",
                  "inventory", "backlog", "days_of_supply", "weeks_of_backlog"]
PACK_ARTIFACTS = ("kpis", "decisions", "family_sheets", "family_status", "scenario_comparison",
                  "recommendation", "money", "plan", "outlook")


def write_excel_pack(path: Path, *, title: str, kpis: pd.DataFrame, decisions: pd.DataFrame,
                     sheets: pd.DataFrame, currency: str | None = None,
                     headlines: Sequence[str] = (), family_status: pd.DataFrame | None = None,
                     scenarios: pd.DataFrame | None = None, money: pd.DataFrame | None = None,
                     plan: pd.DataFrame | None = None, fiscal_start: int = 1) -> Path:
    """Write `path`. `headlines` are the Summary's sentences; a sheet whose frame is None is
    left out; `fiscal_start` is the month number the fiscal year starts in. `currency`, named in
    money headings, defaults to the one set by `use_currency`."""
    book = Workbook()
    _summary(book.active, title, kpis, headlines, currency)
    _sheet(book, "Decisions", f"{title}: decisions needed", decisions, currency,
           blank=RECORD_BLANKS)
    statuses = None
    if family_status is not None:
        _sheet(book, "Families", f"{title}: family status", family_status, currency,
               status="status")
        statuses = family_status.set_index("family")
    if scenarios is not None:
        sheet = book.create_sheet("Scenarios")
        write_title(sheet, f"{title}: scenarios side by side")
        side_by_side(sheet, scenarios, "scenario", currency=currency)
        finish(sheet)
    if money is not None:
        money_sheet(book.create_sheet("Money"), money, currency=currency,
                    title_text=f"{title}: money against the business plan")
    if plan is not None:
        _sheet(book, "Plan of record", f"{title}: plan of record by family (units)",
               plan[[c for c in PLAN_OF_RECORD if c in plan.columns]], currency, labels=3)
    for family in sorted(sheets["family"].unique()):
        family_sheet(book.create_sheet(sheet_name(family, book.sheetnames)), sheets, family,
                     title_text=f"{title}: {family} (units, cover in days or weeks)",
                     currency=currency,
                     fiscal_start=fiscal_start,
                     status=None if statuses is None or family not in statuses.index
                     else statuses.loc[family])
    book.save(path)
    return path


def write_cycle_workbook(path: Path, store: ArtifactStore, *, title: str, currency: str,
                         headlines: Sequence[str] | None = None,
                         decisions: pd.DataFrame | None = None) -> Path:
    """The Excel pack of a cycle from its artifacts (`PACK_ARTIFACTS`); `headlines` default to
    the recommendation's, `decisions` replaces the agenda (the decisions taken, once approved).
    The fiscal year starts in the first month of the outlook's ("2026-01 to 2026-12")."""
    read = store.read_all(PACK_ARTIFACTS)
    if headlines is None:
        headlines = recommendation_headlines(read["recommendation"])
    first = str(read["outlook"]["months"].iloc[0]).split(" ")[0] if len(read["outlook"]) else ""
    return write_excel_pack(
        path, title=title, kpis=read["kpis"],
        decisions=read["decisions"] if decisions is None else decisions,
        sheets=read["family_sheets"], currency=currency, headlines=headlines,
        family_status=read["family_status"], scenarios=read["scenario_comparison"],
        money=read["money"], plan=read["plan"],
        fiscal_start=pd.Period(first, freq="M").month if first else 1)


def recommendation_headlines(recommendation: pd.DataFrame) -> list[str]:
    """The Summary's sentences of a proposed pack: the recommended scenario and why."""
    return [f"Recommended scenario: {row['scenario']}. {row['reason']}"
            for _, row in recommendation.iterrows()]


def sheet_name(name: str, taken: list[str]) -> str:
    """A valid, unique Excel sheet name (31 characters, no []:*?/\\)."""
    base = UNSAFE_SHEET_CHARACTERS.sub("_", str(name)).strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate in taken:
        suffix = f" ({number})"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    return candidate


def _summary(sheet, title_text: str, kpis: pd.DataFrame, headlines: Sequence[str],
             currency: str | None) -> None:
    """The title, the KPIs with their lights, then the headline sentences."""
    sheet.title = "Summary"
    write_title(sheet, title_text)
    last = table(sheet, kpis, currency=currency, status="status")
    finish(sheet, last_row=last)
    across = sheet.max_column
    wide = sum(sheet.column_dimensions[get_column_letter(c)].width for c in range(1, across + 1))
    for row, sentence in enumerate(headlines, start=last + 2):  # reads across, wrapped
        text_cell(sheet.cell(row=row, column=1), sentence).alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=across)
        sheet.row_dimensions[row].height = LINE_HEIGHT * (1 + int(len(sentence) / wide * 1.1))


def _sheet(book, name: str, title_text: str, frame: pd.DataFrame, currency: str | None, *,
           status: str | None = None, blank: tuple[str, ...] = (), labels: int = 1) -> None:
    sheet = book.create_sheet(name)
    write_title(sheet, title_text)
    table(sheet, frame, currency=currency, status=status, blank=blank)
    finish(sheet, labels=labels)
