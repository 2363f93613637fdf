"""The sample company: a deterministic generator of a small maker of outdoor and garden equipment.

`write_sample(folder)` writes `company.yaml` and one CSV per table of the data contract. The same
seed and sizes give the same bytes on any machine: every quantity is a whole number and every
amount is written with a fixed number of decimals.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sop_lib.core.months import month_label, month_range, to_month
from sop_lib.data.contract import CONFIG_FILE, TABLES_BY_NAME
from sop_lib.data.settings import COMPANY_SETTINGS

# company.yaml spells out every setting but the status bands, each at its default.
COMPANY = {"name": "Greenfield Outdoor Ltd", "currency": "EUR",
           **{s.name: s.default for s in COMPANY_SETTINGS if not s.required}}

# Families planned otherwise than by the optimiser, to show the strategies side by side.
PLAN_STRATEGY_OF = {"Outdoor Furniture": "level", "Spare Parts": "chase"}

# family, SKU prefix, description, strategy, target (days of supply for MTS, weeks of backlog for
# MTO), service target, share of the SKUs, units per SKU-month, unit price, peak month,
# seasonal amplitude, share of intermittent SKUs. The first families are used first.
_FAMILIES = pd.DataFrame.from_records([
    ("Garden Tools", "GT", "Hand and powered garden tools", "MTS", 45, 0.95, 0.24, 90, 29, 4,
     0.45, 0.05),
    ("Custom Sheds", "CS", "Garden sheds and workshops built to order", "MTO", 8, 0.90, 0.06, 5,
     2400, 5, 0.35, 0.20),
    ("Spare Parts", "SP", "Replacement parts for every product line", "MTS", 90, 0.98, 0.26, 10,
     14, 6, 0.15, 0.85),
    ("Grills", "GR", "Gas and charcoal grills", "MTS", 30, 0.95, 0.12, 35, 380, 6, 0.60, 0.02),
    ("Outdoor Furniture", "OF", "Tables, chairs and loungers", "MTS", 40, 0.95, 0.14, 25, 240, 5,
     0.50, 0.05),
    ("Irrigation", "IR", "Hoses, sprinklers and drip kits", "MTS", 35, 0.98, 0.10, 70, 45, 7,
     0.55, 0.05),
    ("Snow Tools", "ST", "Snow shovels, pushers and ice scrapers", "MTS", 45, 0.95, 0.08, 30, 65,
     12, 0.80, 0.10),
    ("Planters", "PL", "Planters, pots and raised beds", "MTS", 40, 0.95, 0.08, 60, 22, 4, 0.40,
     0.05),
    ("Outdoor Lighting", "OL", "Solar and mains garden lights", "MTS", 30, 0.95, 0.07, 40, 55, 11,
     0.30, 0.05),
    ("Greenhouses", "GH", "Greenhouses assembled to order", "MTO", 10, 0.90, 0.03, 2, 3900, 3,
     0.30, 0.30),
], columns=["family", "prefix", "description", "strategy", "target", "service_target", "weight",
            "level", "price", "peak_month", "amplitude", "intermittent_share"])

_PRODUCTS = {
    "GT": ("Spade", "Rake", "Hoe", "Pruner", "Trowel", "Hedge Shears", "Loppers", "Leaf Blower",
           "Cultivator", "Weeder"),
    "CS": ("Tool Shed", "Log Cabin", "Bike Store", "Workshop", "Potting Shed"),
    "SP": ("Blade", "Wheel", "Burner", "Nozzle", "Handle", "Cushion", "Grate", "Filter", "Hinge",
           "Gasket", "Bearing", "Spring"),
    "GR": ("Kettle Grill", "Gas Grill 3B", "Gas Grill 4B", "Smoker", "Table Grill"),
    "OF": ("Dining Table", "Folding Chair", "Lounger", "Bench", "Parasol", "Bistro Set"),
    "IR": ("Garden Hose", "Sprinkler", "Drip Kit", "Hose Reel", "Spray Gun", "Timer"),
    "ST": ("Snow Shovel", "Snow Pusher", "Ice Scraper", "Salt Spreader"),
    "PL": ("Round Planter", "Window Box", "Raised Bed", "Plant Pot"),
    "OL": ("Solar Spike", "Wall Lantern", "String Lights", "Path Light"),
    "GH": ("Lean-to Greenhouse", "Walk-in Greenhouse", "Cold Frame"),
}
_VARIANTS = ("Classic", "Pro", "Compact", "XL", "Ergo", "Eco", "Plus", "Mini")

# resource, plant, regular and overtime cost per hour
_RESOURCES = pd.DataFrame.from_records([
    ("Press Line", "Plant North", 55, 82),
    ("Paint Shop", "Plant North", 48, 72),
    ("Assembly A", "Plant North", 42, 63),
    ("Welding Cell", "Plant South", 58, 87),
    ("Assembly B", "Plant South", 42, 63),
], columns=["resource", "plant", "regular_cost_per_hour", "overtime_cost_per_hour"])

# hours of each resource one unit of a family takes (before a small random spread)
_BILL = {
    "GT": {"Press Line": 0.04, "Assembly A": 0.06},
    "CS": {"Welding Cell": 3.5, "Assembly B": 9.0},
    "SP": {"Press Line": 0.02},
    "GR": {"Welding Cell": 0.45, "Paint Shop": 0.25, "Assembly B": 0.35},
    "OF": {"Welding Cell": 0.30, "Paint Shop": 0.35, "Assembly A": 0.40},
    "IR": {"Assembly A": 0.08, "Press Line": 0.03},
    "ST": {"Press Line": 0.06, "Assembly A": 0.05},
    "PL": {"Press Line": 0.05},
    "OL": {"Assembly A": 0.15},
    "GH": {"Welding Cell": 4.0, "Paint Shop": 1.0, "Assembly B": 8.0},
}

# share of a month's bookings shipped 0, 1, 2 and 3 months later (MTS: orders booked in a
# month's last days ship early the next month; MTO: built to order, then shipped)
_SHIP_LAGS = {"MTS": (0.97, 0.03, 0.0, 0.0), "MTO": (0.0, 0.25, 0.45, 0.30)}
_PAD = len(_SHIP_LAGS["MTS"]) - 1  # months simulated before the history so lags start full
_MTO_STOCK_DAYS = 5  # finished units an MTO family holds before they ship
_DAYS_PER_MONTH = 30.4
_PROMO_CHANCE, _STOCKOUT_CHANCE = 0.03, 0.02
_PLAN_SHORTFALL = 1.15  # business plan over the recent level for the family that falls short
_OVERTIME_SHARE = 0.10  # max overtime of the overloaded resource, as a share of its hours
_OVERLOAD = 1.08  # its second-busiest month's load over its hours plus overtime

# level, family role, kind, value (percent, or months of level for absolute), owner, reason,
# months after the last closed month; roles are resolved by _override_codes
_OVERRIDES = (
    ("sku", "launch", "absolute", 1.5, "M. Lindqvist (Marketing)", "Launch campaign", 1),
    ("sku", "lost", "percent", -40, "J. Okafor (Key Accounts)", "Lost distributor", 2),
    ("sku", "lost", "percent", -40, "J. Okafor (Key Accounts)", "Lost distributor", 3),
    ("family", "intermittent", "percent", -10, "J. Okafor (Key Accounts)",
     "Distributor destocking", 2),
    ("family", "short", "percent", 8, "S. Patel (Sales)", "Trade fair orders", 3),
    ("family", "mto", "absolute", 1.4, "A. Romero (Sales)", "Tender won: city parks", 4),
    ("sku", "top", "percent", 25, "A. Romero (Sales)", "Spring promotion", 5),
)

_DAYS_PER_MONTH = 30.4  # as the supply plan's targets count a month

_FLOAT_FORMATS = {"families": "%g", "items": "%.2f", "bill_of_resources": "%.3f",
                  "business_plan": "%.2f"}


def write_sample(folder, *, seed: int = 7, skus: int = 120, months: int = 48,
                 last_closed: str | pd.Period = "2026-10") -> Path:
    """Write the sample company to `folder` (created if needed) and return its path.

    The history covers the `months` months ending at `last_closed`; `skus` SKUs spread over
    2 to 10 families. Raises ValueError for fewer than 6 SKUs or 12 months.
    """
    if skus < 6 or months < 12:
        raise ValueError(f"the sample needs at least 6 SKUs and 12 months (got {skus}, {months})")
    tables = sample_tables(seed=seed, skus=skus, months=months, last_closed=last_closed)
    return _write(Path(folder), tables)


def sample_tables(*, seed: int = 7, skus: int = 120, months: int = 48,
                  last_closed: str | pd.Period = "2026-10") -> dict[str, pd.DataFrame]:
    """Every contract table of the sample company, as written to CSV (months as YYYY-MM)."""
    rng = np.random.default_rng(seed)
    last = to_month(last_closed)
    grid = month_range(last - months - _PAD + 1, months + _PAD + 1)  # one month past `last`
    history = slice(_PAD, _PAD + months)
    fams = _families(skus)
    items = _items(rng, fams, skus, months)
    means = _expected_demand(items, grid)
    bookings = _bookings(rng, means, items)
    parts, stockouts = _shipment_parts(rng, bookings, items)
    shipments = _shipments(parts)
    on_hand = _on_hand(rng, means, shipments, items, stockouts)
    fam_bookings = _by_family(bookings[:, history], items)
    profile = _calendar_profile(fam_bookings, grid[history])
    recent = fam_bookings.iloc[:, -12:].sum(axis=1)
    prices = _family_prices(items, bookings[:, history][:, -12:])
    costs = _family_prices(items, bookings[:, history][:, -12:], column="standard_cost")
    bill = _bill_of_resources(rng, fams)
    short = _short_family(fams, recent * prices)
    return {
        "items": _items_table(items, last),
        "families": _families_table(fams),
        "demand_history": _long(items, grid[history], bookings=bookings[:, history],
                                shipments=shipments[:, history]),
        "inventory": _long(items, grid[history], on_hand=on_hand[:, history]),
        "open_orders": _open_orders(parts, items, last),
        "production_history": _production(shipments, on_hand, items, grid, history),
        "resources": _resources(rng, bill, profile),
        "bill_of_resources": bill,
        "business_plan": _business_plan(rng, profile, recent, prices, short, last,
                                        costs=costs, fams=fams),
        "overrides": _overrides(items, fams, recent, short, bookings[:, history], last),
    }


def _family_count(skus: int) -> int:
    """About 6 families for 120 SKUs, growing gently with the SKU count (2 to 10)."""
    count = round(2 * math.log10(skus) + 2)
    return int(np.clip(count, 2, min(len(_FAMILIES), skus // 2)))


def _families(skus: int) -> pd.DataFrame:
    """The catalogue's first families, each with its number of SKUs (largest remainders)."""
    fams = _FAMILIES.head(_family_count(skus)).copy()
    share = (skus - len(fams)) * fams["weight"] / fams["weight"].sum()
    counts = np.floor(share).astype(int)
    leftover = skus - len(fams) - counts.sum()
    counts[np.argsort(-(share - counts).to_numpy(), kind="stable")[:leftover]] += 1
    fams["skus"] = counts + 1
    return fams.reset_index(drop=True)


def _items(rng, fams: pd.DataFrame, skus: int, months: int) -> pd.DataFrame:
    """One row per SKU with the family's traits, prices, demand traits and life cycle."""
    items = fams.loc[fams.index.repeat(fams["skus"])].reset_index(drop=True)
    number = items.groupby("family").cumcount().to_numpy() + 1
    width = max(3, len(str(fams["skus"].max())))
    items["sku"] = [f"{p}-{n:0{width}d}" for p, n in zip(items["prefix"], number)]
    items["description"] = [_product_name(p, n) for p, n in zip(items["prefix"], number)]
    items["unit_price"] = np.maximum(
        np.round(items["price"] * rng.lognormal(0, 0.3, skus)) - 0.01, 0.99)
    items["standard_cost"] = np.round(items["unit_price"] * rng.uniform(0.55, 0.75, skus), 2)
    items["level"] = items["level"] * rng.lognormal(0, 0.6, skus)
    items["growth"] = np.clip(rng.normal(0.03, 0.05, skus), -0.10, 0.15)
    items["amplitude"] = items["amplitude"] * rng.uniform(0.8, 1.2, skus)
    items = _life_cycles(rng, items, months)
    items["intermittent"] = _intermittent(rng, items)
    items["occurrence"] = np.where(items["intermittent"], rng.uniform(0.2, 0.5, skus), 1.0)
    return items


def _product_name(prefix: str, number: int) -> str:
    names = _PRODUCTS[prefix]
    variant = _VARIANTS[(number - 1) // len(names) % len(_VARIANTS)]
    return f"{names[(number - 1) % len(names)]} {variant}"


def _life_cycles(rng, items: pd.DataFrame, months: int) -> pd.DataFrame:
    """Pick a launch, a phase-out and (from 20 SKUs) an inactive SKU among the regular MTS SKUs.

    `first` is the SKU's first history month (0 = the history's first), `eol` its end of life
    in months after the last closed month (negative = in the past, NaN = none).
    """
    regular = items.index[(items["strategy"] == "MTS") & (items["intermittent_share"] < 0.5)]
    chosen = rng.choice(regular, 3 if len(items) >= 20 else 2, replace=False)
    items["status"], items["first"], items["eol"] = "active", 0, np.nan
    items.loc[chosen[0], ["status", "first"]] = "new", months - rng.integers(6, 9)
    items.loc[chosen[1], ["status", "eol"]] = "phase_out", rng.integers(2, 5)
    if len(chosen) > 2:
        items.loc[chosen[2], ["status", "eol"]] = "inactive", -rng.integers(13, 19)
    return items


def _intermittent(rng, items: pd.DataFrame) -> np.ndarray:
    """Flag intermittent SKUs by family share, topped up so that at least 18% are."""
    active = (items["status"] == "active").to_numpy()
    flags = (rng.random(len(items)) < items["intermittent_share"].to_numpy()) & active
    missing = math.ceil(0.18 * len(items)) - flags.sum()
    if missing > 0:
        spare = np.flatnonzero(~flags & active)
        flags[rng.choice(spare, missing, replace=False)] = True
    return flags


def _life_factor(items: pd.DataFrame, grid: pd.PeriodIndex) -> np.ndarray:
    """SKU x month factor on demand: 0 before a launch (then a ramp-up), a decline to the end
    of life of a phase-out, 0 after an inactive SKU's last sale."""
    t = np.arange(len(grid), dtype=float)
    last = len(grid) - 2
    factor = np.ones((len(items), len(grid)))
    for i, row in items[items["status"] != "active"].iterrows():
        if row["status"] == "new":
            factor[i] = np.clip((t - (_PAD + row["first"]) + 1) / 3, 0, 1)
        elif row["status"] == "phase_out":
            factor[i] = np.interp(t, [last - 12, last + row["eol"] + 1], [1, 0])
        else:
            factor[i] = t <= last + row["eol"]
    return factor


def _expected_demand(items: pd.DataFrame, grid: pd.PeriodIndex) -> np.ndarray:
    """SKU x month expected demand: level, trend, yearly season and life cycle (no promotions)."""
    t = np.arange(len(grid)) - (len(grid) - 2)
    calendar = grid.month.to_numpy()
    sku = {name: items[name].to_numpy()[:, None]
           for name in ("level", "growth", "amplitude", "peak_month")}
    season = 1 + sku["amplitude"] * np.cos(2 * np.pi * (calendar - sku["peak_month"]) / 12)
    trend = (1 + sku["growth"]) ** (t / 12)
    return sku["level"] * trend * season * _life_factor(items, grid)


def _bookings(rng, means: np.ndarray, items: pd.DataFrame) -> np.ndarray:
    """Whole units booked: Poisson around the mean with noise, promotions for regular MTS SKUs,
    and for intermittent SKUs occasional lumpy orders."""
    intermittent = items["intermittent"].to_numpy()[:, None]
    occurrence = items["occurrence"].to_numpy()[:, None]
    sigma = np.where(intermittent, 0.6, 0.15)
    noise = rng.lognormal(-sigma**2 / 2, sigma, means.shape)
    promotable = (items["strategy"] == "MTS").to_numpy()[:, None] & ~intermittent
    promo = rng.random(means.shape) < _PROMO_CHANCE
    uplift = np.where(promo & promotable, rng.uniform(1.3, 1.8, means.shape), 1.0)
    orders = rng.random(means.shape) < occurrence
    least = intermittent.astype(np.int64)  # an intermittent order is at least one unit
    units = least + rng.poisson(np.maximum(means * uplift * noise / occurrence - least, 0))
    return _keep_alive(rng, orders * units, items)


def _keep_alive(rng, bookings: np.ndarray, items: pd.DataFrame) -> np.ndarray:
    """An active SKU sells at least once a year: one with no booking in the last 12 months
    gets a small order in one of them."""
    last = bookings.shape[1] - 2
    active = (items["status"] == "active").to_numpy()
    dormant = np.flatnonzero(active & (bookings[:, last - 11:last + 1].sum(axis=1) == 0))
    bookings[dormant, last - rng.integers(0, 12, len(dormant))] = rng.integers(1, 4, len(dormant))
    return bookings


def _shipment_parts(rng, bookings: np.ndarray, items: pd.DataFrame):
    """Split each month's bookings into the units shipped 0..3 months later.

    In a few stock-out months of regular MTS SKUs part of the month's shipments slips a month.
    Returns the parts (lag x SKU x month) and the stock-out mask (SKU x month).
    """
    lags = np.array([_SHIP_LAGS[s] for s in items["strategy"]])
    tails = np.cumsum(lags[:, ::-1], axis=1)[:, ::-1]
    remaining, parts = bookings, []
    for k in range(lags.shape[1]):
        share = np.divide(lags[:, k], tails[:, k], out=np.zeros(len(lags)), where=tails[:, k] > 0)
        parts.append(rng.binomial(remaining, np.clip(share, 0, 1)[:, None]))
        remaining = remaining - parts[-1]
    regular = ((items["strategy"] == "MTS") & ~items["intermittent"]).to_numpy()[:, None]
    stockouts = (rng.random(bookings.shape) < _STOCKOUT_CHANCE) & regular & (bookings > 0)
    slipped = rng.binomial(parts[0], rng.uniform(0.1, 0.3, bookings.shape)) * stockouts
    parts[0], parts[1] = parts[0] - slipped, parts[1] + slipped
    return np.stack(parts), stockouts


def _shipments(parts: np.ndarray) -> np.ndarray:
    """Units shipped per SKU and month: each lag's part moved to the month it ships in."""
    shipped = parts[0].copy()
    for k in range(1, len(parts)):
        shipped[:, k:] += parts[k][:, :-k]
    return shipped


def _on_hand(rng, means, shipments, items: pd.DataFrame, stockouts) -> np.ndarray:
    """Month-end units on hand, aiming at the family's days of supply of next month's expected
    demand (with some spread; nothing in stock-out months or before a SKU's first month).

    Stock only leaves by shipping, so it never falls by more than the month's shipments:
    production is never negative and unsold stock of a dropped SKU stays on hand.
    """
    days = np.where(items["strategy"] == "MTS", items["target"], _MTO_STOCK_DAYS)
    cover = days * rng.uniform(0.8, 1.2, len(items)) / _DAYS_PER_MONTH
    spread = rng.lognormal(0, 0.2, means.shape)
    forward = np.column_stack([means[:, 1:], np.zeros(len(means))])
    before = np.arange(means.shape[1]) < _PAD + items["first"].to_numpy()[:, None]
    target = np.where(stockouts | before, 0, np.round(forward * cover[:, None] * spread))
    on_hand = target.astype(np.int64)
    for t in range(1, on_hand.shape[1]):
        on_hand[:, t] = np.maximum(on_hand[:, t], on_hand[:, t - 1] - shipments[:, t])
    return on_hand


def _by_family(matrix: np.ndarray, items: pd.DataFrame) -> pd.DataFrame:
    """Family x month sums of a SKU x month matrix (families in catalogue order)."""
    return pd.DataFrame(matrix).groupby(items["family"].to_numpy(), sort=False).sum()


def _calendar_profile(family_months: pd.DataFrame, months: pd.PeriodIndex) -> pd.DataFrame:
    """Family x calendar month (1-12): the average of the last two years of history."""
    recent = family_months.iloc[:, -24:]
    return recent.T.groupby(months[-recent.shape[1]:].month).mean().T


def _family_prices(items: pd.DataFrame, recent_bookings: np.ndarray, *,
                   column: str = "unit_price") -> pd.Series:
    """Average unit price (or the items' other `column`, e.g. standard_cost) per family,
    weighted by the units booked (to the cent)."""
    units = recent_bookings.sum(axis=1)
    weights = np.where(units > 0, units, 1) * 1.0
    price = pd.DataFrame({"family": items["family"], "money": items[column] * weights,
                          "units": weights}).groupby("family", sort=False).sum()
    return (price["money"] / price["units"]).round(2)


def _short_family(fams: pd.DataFrame, recent_revenue: pd.Series) -> str:
    """The MTS family with the largest recent revenue: its business plan is out of reach."""
    mts = fams.loc[fams["strategy"] == "MTS", "family"]
    return recent_revenue[mts].idxmax()


def _items_table(items: pd.DataFrame, last: pd.Period) -> pd.DataFrame:
    eol = [month_label(last + int(e)) if pd.notna(e) else "" for e in items["eol"]]
    return _contract(items.assign(end_of_life=eol), "items")


def _families_table(fams: pd.DataFrame) -> pd.DataFrame:
    mts = fams["strategy"] == "MTS"
    empty = pd.array([pd.NA] * len(fams), dtype="Int64")
    return _contract(fams.assign(inventory_target_days=fams["target"].where(mts).astype("Int64"),
                                 backlog_target_weeks=fams["target"].mask(mts).astype("Int64"),
                                 plan_strategy=fams["family"].map(PLAN_STRATEGY_OF)
                                 .fillna("optimised"),
                                 min_production=empty, max_production=empty),
                     "families")


def _long(items: pd.DataFrame, months: pd.PeriodIndex, **matrices: np.ndarray) -> pd.DataFrame:
    """Rows per SKU and month from the SKU's first month on, one column per matrix."""
    mask = np.arange(len(months)) >= items["first"].to_numpy()[:, None]
    sku, t = np.nonzero(mask)
    labels = np.array([month_label(m) for m in months])
    frame = pd.DataFrame({"sku": items["sku"].to_numpy()[sku], "month": labels[t]})
    for name, matrix in matrices.items():
        frame[name] = matrix[mask]
    return frame


def _open_orders(parts: np.ndarray, items: pd.DataFrame, last: pd.Period) -> pd.DataFrame:
    """Backlog at the last closed month by due month: the parts of past bookings not yet due."""
    last_col = parts.shape[2] - 2
    dues = range(1, len(parts))
    quantity = np.column_stack([sum(parts[k][:, last_col - (k - due)]
                                    for k in range(due, len(parts))) for due in dues])
    sku, due = np.nonzero(quantity > 0)
    labels = np.array([month_label(last + d) for d in dues])
    return pd.DataFrame({"sku": items["sku"].to_numpy()[sku], "due_month": labels[due],
                         "quantity": quantity[sku, due]})


def _production(shipments, on_hand, items, grid, history: slice) -> pd.DataFrame:
    """Units made per family and month: shipments plus the change in inventory."""
    change = np.diff(on_hand, axis=1, prepend=0)
    made = _by_family(shipments + change, items).iloc[:, history]
    made.columns = [month_label(m) for m in grid[history]]
    frame = made.stack().rename_axis(["family", "month"]).rename("quantity").reset_index()
    return frame


def _bill_of_resources(rng, fams: pd.DataFrame) -> pd.DataFrame:
    """Hours per unit of each family on 1-3 resources, spread +-10% around the catalogue."""
    rows = [(f, r, h) for f, p in zip(fams["family"], fams["prefix"]) for r, h in _BILL[p].items()]
    bill = pd.DataFrame(rows, columns=["family", "resource", "hours_per_unit"])
    bill["hours_per_unit"] = np.round(bill["hours_per_unit"] * rng.uniform(0.9, 1.1, len(bill)), 3)
    return bill


def _resources(rng, bill: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """The resources the families use, sized from the load of a typical year.

    The resource whose load peaks most gets hours plus overtime 8% below its second-busiest
    month, so its two busiest months are overloaded; the others get 10-30% above their busiest.
    """
    load = _resource_load(profile, bill)
    resources = _RESOURCES[_RESOURCES["resource"].isin(load.index)].set_index("resource")
    load = load.loc[resources.index]
    peakiest = (load.max(axis=1) / load.mean(axis=1)).idxmax()
    second = np.sort(load.to_numpy(), axis=1)[:, -2]
    tight = np.floor(second / _OVERLOAD / (1 + _OVERTIME_SHARE))
    roomy = np.ceil(load.max(axis=1).to_numpy() * rng.uniform(1.1, 1.3, len(load)))
    is_tight = load.index == peakiest
    resources["available_hours"] = np.where(is_tight, tight, roomy).astype(np.int64)
    overtime = np.where(is_tight, np.floor(_OVERTIME_SHARE * tight), np.ceil(0.15 * roomy))
    resources["max_overtime_hours"] = overtime.astype(np.int64)
    return _contract(resources.reset_index(), "resources")


def _resource_load(family_units: pd.DataFrame, bill: pd.DataFrame) -> pd.DataFrame:
    """Resource x month hours: family x month units times the bill of resources' hours."""
    hours = bill.pivot_table(index="resource", columns="family", values="hours_per_unit",
                             fill_value=0.0)
    units = family_units.loc[hours.columns]
    return pd.DataFrame(hours.to_numpy() @ units.to_numpy(), index=hours.index,
                        columns=family_units.columns)


def _plan_months(last: pd.Period) -> pd.PeriodIndex:
    """From the start of the fiscal year of `last` to the end of the half year holding
    `last` + horizon."""
    start = pd.Period(year=last.year, month=COMPANY["fiscal_year_start_month"], freq="M")
    start = start if start <= last else start - 12
    count = (last + COMPANY["horizon_months"]).ordinal - start.ordinal + 1
    return month_range(start, 6 * math.ceil(count / 6))


def _business_plan(rng, profile: pd.DataFrame, recent: pd.Series, prices: pd.Series, short: str,
                   last: pd.Period, *, costs: pd.Series, fams: pd.DataFrame) -> pd.DataFrame:
    """Units per family and month: the seasonal profile at the recent level, times about 1
    (1.15 for the family whose plan is out of reach); revenue at the family's average price,
    cost of goods at its average standard cost (both weighted by the recent bookings); the
    inventory budget of an MTS family is its target days of the next month's cost of goods
    (the month's own in the last month), an MTO family's is 0 (it holds no planned stock)."""
    factor = pd.Series(rng.uniform(0.97, 1.03, len(profile)), index=profile.index)
    factor[short] = _PLAN_SHORTFALL
    scale = recent / profile.sum(axis=1).replace(0, 1) * factor
    months = _plan_months(last)
    units = np.round(profile[months.month].to_numpy() * scale.to_numpy()[:, None])
    plan = pd.DataFrame(units, index=profile.index, columns=[month_label(m) for m in months])
    frame = plan.stack().rename_axis(["family", "month"]).rename("units").reset_index()
    frame["units"] = frame["units"].astype(np.int64)
    frame["revenue"] = np.round(frame["units"] * frame["family"].map(prices), 2)
    frame["cost_of_goods"] = np.round(frame["units"] * frame["family"].map(costs), 2)
    following = frame.groupby("family", sort=False)["cost_of_goods"].shift(-1).fillna(
        frame["cost_of_goods"])
    target = fams.set_index("family")
    days = frame["family"].map(target["target"].where(target["strategy"] == "MTS", 0))
    frame["inventory_value"] = np.round(days * following / _DAYS_PER_MONTH, 2)
    return frame


def _override_codes(items, fams, recent, short, bookings) -> dict[str, tuple[str, float]]:
    """The code each override role names and its recent monthly level in units."""
    volume = pd.Series(bookings[:, -12:].mean(axis=1), index=items["sku"])
    active = items[items["status"] == "active"]
    top = volume[active["sku"]].idxmax()
    others = active[active["family"] != items.set_index("sku").loc[top, "family"]]
    lost = volume[(others if len(others) else active)["sku"]].nlargest(2).index[-1]
    launch = items.loc[items["status"] == "new", "sku"].iloc[0]
    mto = fams.loc[fams["strategy"] == "MTO", "family"].iloc[0]
    lumpy = items.groupby("family", sort=False)["intermittent"].mean().idxmax()
    codes = {"top": top, "lost": lost, "launch": launch, "mto": mto, "intermittent": lumpy,
             "short": short}
    level = pd.concat([volume, recent / 12])
    return {role: (code, level[code]) for role, code in codes.items()}


def _overrides(items, fams, recent, short, bookings, last) -> pd.DataFrame:
    """A handful of sales and marketing overrides in the first six months of the horizon."""
    codes = _override_codes(items, fams, recent, short, bookings)
    rows = []
    for level, role, kind, value, owner, reason, ahead in _OVERRIDES:
        code, units = codes[role]
        amount = round(value * max(units, 1)) if kind == "absolute" else value
        rows.append((level, code, month_label(last + ahead), kind, amount, owner, reason, "", ""))
    return pd.DataFrame(rows, columns=TABLES_BY_NAME["overrides"].column_names)


def _contract(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The frame's columns of the contract table, in the contract's order."""
    return frame[TABLES_BY_NAME[table].column_names].reset_index(drop=True)


def _write(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Write company.yaml and one CSV per table (UTF-8, '\\n', fixed number formats)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(COMPANY, sort_keys=False, allow_unicode=True)
    (folder / CONFIG_FILE).write_text(text, encoding="utf-8", newline="\n")
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8",
                     float_format=_FLOAT_FORMATS.get(name))
    return folder
