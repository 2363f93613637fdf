"""The Approval page of an approved pack: who approved which plan, the figures of that plan,
the decisions taken on the agenda and the actions with their owners."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from sop_lib.pack.display import styled_table
from sop_lib.pack.report import page

ADOPTED_COLUMNS = ["scenario", "revenue", "margin", "overtime_cost", "added_hours_cost",
                   "holding_cost", "net_margin", "service_level", "overloaded_resource_months",
                   "plan_gap_pct", "fiscal_year_gap_pct"]
TAKEN_COLUMNS = ["rank", "family", "topic", "months", "impact", "outcome", "note"]
ACTION_COLUMNS = ["action", "item", "owner", "due", "status"]


def write_approval_page(folder: Path, *, manifest: dict, adopted: pd.DataFrame,
                        taken: pd.DataFrame, actions: pd.DataFrame, notes: str,
                        nav: str) -> Path:
    """Write `folder/approval.html`. `adopted` is the adopted scenario's row of the scenario
    comparison (the same figures as the pre-S&OP page), `taken` the agenda with each item's
    outcome and note, `actions` the actions recorded."""
    approval, currency = manifest["approval"], manifest["currency"]
    name = approval["scenario"]
    adopted_text = "the plan as proposed (Baseline)" if name == "Baseline" else name
    parts = [
        f"<h1>{html.escape(manifest['company'])}: plan approved for "
        f"{html.escape(manifest['cycle'])}</h1>",
        f"<p>Approved by <strong>{html.escape(approval['approved_by'])}</strong> on "
        f"{html.escape(approval['approved_on'])}. Adopted: <strong>"
        f"{html.escape(adopted_text)}</strong>. It is the plan of record "
        '(<a href="plan_of_record/sku_plan.csv">SKU plan</a>, '
        '<a href="plan_of_record/financial_plan.csv">financial plan</a>). The next cycle '
        "keeps its first months (the time fence) at this plan's production, and measures "
        "last month's performance, plan adherence and the plan changes against it.</p>",
        "<h2>The approved plan, next 12 months</h2>",
        styled_table(adopted[ADOPTED_COLUMNS], currency=currency).to_html(),
        "<h2>Decisions taken</h2>",
        _or_sentence(taken[TAKEN_COLUMNS], currency, "The agenda had no item."),
        "<h2>Actions</h2>",
        _or_sentence(_numbered(actions[ACTION_COLUMNS]), currency, "No action was recorded."),
    ]
    if notes.strip():
        parts += ["<h2>Notes</h2>", f"<p>{html.escape(notes).replace(chr(10), '<br>')}</p>"]
    path = folder / "approval.html"
    path.write_text(page(f"Approval {manifest['cycle']}", nav, "".join(parts)),
                    encoding="utf-8")
    return path


def _numbered(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions with the agenda item they answer as its number ("" for none), not a quantity."""
    return actions.assign(item=actions["item"].astype("string").fillna(""))


def _or_sentence(frame: pd.DataFrame, currency: str, empty: str) -> str:
    if frame.empty:
        return f"<p>{html.escape(empty)}</p>"
    return styled_table(frame, currency=currency).to_html()
