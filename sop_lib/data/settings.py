"""The settings of company.yaml, each defined once: name, type, range or choices, default, meaning.

CompanyConfig and StatusBands are made from these definitions (`config_class`), loading reads and
checks every value with them (`Setting.read`, `Setting.expected`), and the data contract
documents them (`Setting.rule`, `Setting.default_text`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass

TEXT, WHOLE, NUMBER, SHARE, CHOICE = "text", "whole number", "number", "share", "choice"
_TYPES = {TEXT: str, WHOLE: int, NUMBER: float, SHARE: float, CHOICE: str}


@dataclass(frozen=True)
class Setting:
    """One setting of company.yaml; without a default it is required.

    `choices` pairs each allowed value with what it means; `contains` names the green band
    (of the same group) an amber band contains, so its value may not be below that one's.
    """

    name: str
    kind: str
    meaning: str
    default: str | float | None = None
    low: float | None = None
    high: float | None = None
    choices: tuple[tuple[str, str], ...] = ()
    contains: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def choice_names(self) -> tuple[str, ...]:
        return tuple(choice for choice, _ in self.choices)

    @property
    def default_text(self) -> str:
        """The default as written in company.yaml ("" when the setting is required)."""
        if self.required:
            return ""
        return f"{self.default:g}" if self.kind in (NUMBER, SHARE) else str(self.default)

    @property
    def rule(self) -> str:
        """The values allowed, e.g. "from 12 to 36" or "one of wape, mase" ("" for text)."""
        if self.choices:
            return "one of " + ", ".join(self.choice_names)
        if self.low is not None:
            return f"from {self.low:g} to {self.high:g}"
        return ""

    @property
    def expected(self) -> str:
        """What a refused value should have been, as a problem says it."""
        if self.kind == TEXT:
            return f"expected the company {self.name}"
        what = {WHOLE: "a whole number ", NUMBER: "a number ", SHARE: "a number "}.get(
            self.kind, "")
        share = ", a share" if self.kind == SHARE else ""
        return f"expected {what}{self.rule}{share} (default {self.default_text})"

    def read(self, value):
        """The setting's value from its parsed YAML value, or None when that is refused."""
        if self.kind == TEXT:
            ok = isinstance(value, (str, int, float)) and str(value).strip()
            return str(value).strip() if ok else None
        if self.kind == CHOICE:
            choice = str(value).strip().lower()
            return choice if choice in self.choice_names else None
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if self.kind == WHOLE:
            number = number and isinstance(value, int)
        if not number or not self.low <= value <= self.high:
            return None
        return value if self.kind == WHOLE else float(value)


def config_class(name: str, module: str, settings: tuple[Setting, ...], doc: str, *extra) -> type:
    """A frozen dataclass `module.name` with a field per setting (typed, with its default), in
    their order; `extra` fields (make_dataclass's (name, type, field) triples) come last."""
    return make_dataclass(
        name, [(s.name, _TYPES[s.kind]) if s.required else
               (s.name, _TYPES[s.kind], field(default=s.default)) for s in settings] + list(extra),
        frozen=True, namespace={"__doc__": doc, "__module__": module})


COMPANY_SETTINGS: tuple[Setting, ...] = (
    Setting("name", TEXT, "Company name shown on the pack."),
    Setting("currency", TEXT, "Currency code of every money column, e.g. EUR."),
    Setting("horizon_months", WHOLE, "Months the plan looks ahead.", 18, 12, 36),
    Setting("fiscal_year_start_month", WHOLE, "Month number the fiscal year starts in.", 1, 1, 12),
    Setting("error_measure", CHOICE, "Error measure the forecast methods are chosen on.", "wape",
            choices=(("wape", "weighted absolute percentage error"),
                     ("mase", "mean absolute scaled error"))),
    Setting("reconciliation", CHOICE, "How the family forecast is made coherent with its SKUs.",
            "bottom_up", choices=(
                ("bottom_up", "families are the sums of their SKUs' forecasts"),
                ("wls_struct", "SKU and family forecasts combined, weighted by size"))),
    Setting("frozen_months", WHOLE, "Time fence: the first months of the plan that keep last "
            "cycle's plan of record.", 2, 0, 12),
    Setting("holding_cost_rate", NUMBER, "Yearly cost of holding inventory, as a share of its "
            "standard cost.", 0.25, 0.0, 2.0),
    Setting("backlog_cost_rate", NUMBER, "Cost of each unit of demand shipped a month late, as a "
            "share of its price.", 0.10, 0.0, 10.0),
)

STATUS_BANDS = "status_bands"
STATUS_BANDS_MEANING = (
    "Where the traffic lights of the executive KPIs and family statuses change colour: an "
    f"optional mapping of the `{STATUS_BANDS}.` keys below (indented under `{STATUS_BANDS}:`), "
    "each a share (0.02 = 2 %); a key left out keeps its default.")

BAND_SETTINGS: tuple[Setting, ...] = (
    Setting("service_amber_points", SHARE, "Customer service up to this many share points below "
            "its target is amber, further below red.", 0.02, 0.0, 1.0),
    Setting("accuracy_target_sku", SHARE, "Forecast accuracy (1 - WAPE, lag 1) measured on "
            "SKU-months: green at or above.", 0.65, 0.0, 1.0),
    Setting("accuracy_target_family", SHARE, "Forecast accuracy (1 - WAPE, lag 1) measured on "
            "family-months: green at or above.", 0.80, 0.0, 1.0),
    Setting("accuracy_amber_points", SHARE, "Accuracy down to its target minus this is amber, "
            "below red.", 0.10, 0.0, 1.0),
    Setting("bias_green", SHARE, "Forecast bias within +/- this is green.", 0.05, 0.0, 1.0),
    Setting("bias_amber", SHARE, "Forecast bias within +/- this is amber, beyond red.", 0.10,
            0.0, 1.0, contains="bias_green"),
    Setting("bias_alert", SHARE, "A tracking-signal alert needs the forecast's bias over the "
            "window beyond +/- this as well (a persistent but immaterial bias raises none).",
            0.05, 0.0, 1.0),
    Setting("position_green", SHARE, "Inventory value, days of supply and weeks of backlog "
            "within this share of their target (above or below) are green.", 0.10, 0.0, 2.0),
    Setting("position_amber", SHARE, "Inventory value, days of supply and weeks of backlog "
            "within this share of their target are amber, beyond red.", 0.25, 0.0, 2.0,
            contains="position_green"),
    Setting("revenue_green_gap", SHARE, "Revenue down to this share below the business plan is "
            "green (above plan is green).", 0.02, 0.0, 1.0),
    Setting("revenue_amber_gap", SHARE, "Revenue down to this share below plan is amber, further "
            "below red.", 0.05, 0.0, 1.0, contains="revenue_green_gap"),
)
