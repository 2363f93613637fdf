import pandas as pd

from sop_lib.executive.summary import kpi_key, kpi_trend, narrative

CYCLE = pd.Period("2026-11", "M")


def _kpis(value):
    return pd.DataFrame({"kpi": ["Revenue 2026-11 to 2027-10", "Forecast bias"],
                         "value": [value, 0.02], "target": [100.0, 0.0], "unit": ["EUR", "share"],
                         "status": ["red", "green"], "comment": ["6% below plan.", "ok."]})


def test_kpi_key_drops_the_dates():
    assert kpi_key("Revenue 2026-11 to 2027-10") == "Revenue"
    assert kpi_key("Fiscal year FY2026 revenue") == "Fiscal year revenue"


def test_trend_reads_published_cycles_only(tmp_path):
    for cycle, value, published in (("2026-09", 80.0, True), ("2026-10", 90.0, False)):
        folder = tmp_path / cycle / "artifacts"
        folder.mkdir(parents=True)
        old = _kpis(value)
        old.loc[0, "kpi"] = f"Revenue {cycle} to 2027-08"
        old.to_parquet(folder / "kpis.parquet")
        if published:
            (tmp_path / cycle / "manifest.json").write_text("{}")
    trend = kpi_trend(tmp_path, CYCLE, _kpis(95.0), cycles=3)
    assert list(trend.columns) == ["kpi", "unit", "2026-09", "now"]
    assert trend.loc[0, ["2026-09", "now"]].tolist() == [80.0, 95.0]


NARRATIVE_KPIS = pd.DataFrame([
    ("Customer service (projected)", 0.95834, 0.94166, "share", "green", "Share of what is due."),
    ("Forecast accuracy, SKU level (1 - WAPE)", 0.6, 0.65, "share", "amber",
     "Lag 1, 2025-01 to 2025-12, consensus forecast, each SKU-month's error counted."),
    ("Forecast accuracy, family level (1 - WAPE)", 0.85, 0.8, "share", "green", "Lag 1."),
    ("Forecast bias", 0.0712, 0.0, "share", "amber", "Ran over."),
    ("Inventory value, end of 2026-01", 300.4, 600.0, "EUR", "red", "At cost."),
    ("Days of supply, end of 2026-01 (MTS)", 15.0, 30.0, "days", "red", "Average."),
    ("Revenue 2026-01 to 2026-12", 1234567.4, 1300000.0, "EUR", "amber",
     "Revenue 5.0% below plan."),
    ("Fiscal year FY2026 revenue", 900.0, 1000.0, "EUR", "red",
     "EUR 0 actual + EUR 900 outlook. Revenue 10.0% below plan."),
    ("Peak capacity utilisation (planned)", 1.0, 1.0, "share", "green",
     "R1 in 2026-04, the highest of 2026-01 to 2026-12: within regular hours."),
    ("Overloaded resource-months (planned)", 0, 0, "count", "green",
     "Months the plan loads a resource beyond its regular plus overtime hours, 2026-01 to "
     "2026-12. Required load, before the plan builds ahead or works overtime, peaks at 120% (R1, "
     "2026-07); 1 resource-month of it beyond regular plus overtime hours."),
], columns=["kpi", "value", "target", "unit", "status", "comment"])
FAMILY_STATUS = pd.DataFrame({
    "family": ["A", "B", "C", "D"], "status": ["red", "green", "amber", "red"],
    "reason": ["stock-out in 2026-02: 10 units of customer orders ship late (EUR 100 of revenue "
               "at risk), 10 still unshipped at the end of 2026-02 (red); 15.0 days of supply at "
               "the end of 2026-01 vs 30 target (red)",
               "on track", "35.0 days of supply at the end of 2026-01 vs 30 target (amber)",
               "revenue 10.0% below plan (red)"],
    "late_units": [10.0, 0.0, 0.0, 0.0], "lowest_inventory": [0.0, 40.0, 35.0, float("nan")]})
DECISIONS = pd.DataFrame({"rank": [1, 2], "family": ["A", "R1"],
                          "topic": ["Projected stock-out", "Capacity overload"],
                          "impact": [800.4, 300.2]})


def sentence(text: list[str], start: str) -> tuple[int, str]:
    """The position and words of the one sentence of `text` that begins with `start`."""
    found = [(i, words) for i, words in enumerate(text) if words.startswith(start)]
    assert len(found) == 1, (start, text)
    return found[0]


def test_narrative_quotes_the_tables_figures_stock_outs_first():
    text = narrative(NARRATIVE_KPIS, FAMILY_STATUS, DECISIONS, currency="EUR",
                     recommendation="Shift")
    # the shortage first, in the words of the family status table, then the demand change
    assert text[0] == ("A: stock-out in 2026-02: 10 units of customer orders ship late (EUR 100 "
                       "of revenue at risk), 10 still unshipped at the end of 2026-02.")
    assert text[1].startswith("There is no earlier plan in the archive")
    order = [sentence(text, start)[0] for start in (
        "Customer service", "Forecast accuracy", "Revenue 2026-01 to 2026-12",
        "Fiscal year FY2026 revenue", "Inventory value, end of 2026-01", "Capacity",
        "Families needing attention", "2 decisions are asked")]
    assert order == list(range(2, 10)) and len(text) == 10
    # each figure as the tables round it: shares to 0.1%, money to whole units with commas
    _, service = sentence(text, "Customer service")
    assert "95.8%" in service and "94.2%" in service and "green" in service
    _, accuracy = sentence(text, "Forecast accuracy")
    assert "60.0% at SKU level (target 65.0%, amber)" in accuracy
    assert "85.0% at family level" in accuracy and "bias +7.1% (amber)" in accuracy
    _, revenue = sentence(text, "Revenue 2026-01 to 2026-12")
    assert "EUR 1,234,567" in revenue and "EUR 1,300,000" in revenue and "(amber)" in revenue
    _, year = sentence(text, "Fiscal year FY2026 revenue")
    assert "EUR 900" in year and "EUR 1,000" in year and "(red)" in year
    _, inventory = sentence(text, "Inventory value, end of 2026-01")
    assert "EUR 300 against EUR 600" in inventory and "(red)" in inventory
    _, capacity = sentence(text, "Capacity")
    assert "100.0% of regular hours (green)" in capacity
    assert "Required load, before the plan builds ahead or works overtime, peaks at 120% (R1, " \
           "2026-07); 1 resource-month of it beyond regular plus overtime hours." in capacity
    # the families off track, red before amber, then by name
    # their reasons stay in the families table; B (green) is not named
    _, families = sentence(text, "Families needing attention (2 red, 1 amber)")
    assert families == ("Families needing attention (2 red, 1 amber): red: A, D; amber: C. "
                        "Their reasons: the families table.")
    # the first decision's own impact (800.4 rounds to EUR 800), no total across decisions
    assert text[-1] == ("2 decisions are asked of this meeting; first: Projected stock-out of A "
                        "(EUR 800 at stake). Recommended scenario: Shift.")


def test_narrative_says_what_is_missing_and_when_all_is_well():
    kpis = NARRATIVE_KPIS.copy()
    missing = kpis["kpi"] == "Forecast accuracy, SKU level (1 - WAPE)"
    kpis.loc[missing, ["value", "status", "comment"]] = [
        float("nan"), "n/a", "No archived or replayed forecast to measure yet."]
    calm = pd.DataFrame({"family": ["A", "B"], "status": ["green", "n/a"],
                         "reason": ["on track", "no business plan (n/a)"],
                         "late_units": [0.0, 0.0], "lowest_inventory": [25.0, float("nan")]})
    one = DECISIONS.iloc[:1]
    text = narrative(kpis, calm, one, currency="EUR")
    assert text[0].startswith("There is no earlier plan in the archive")
    assert ("Forecast accuracy, SKU level (1 - WAPE): not enough data yet. No archived or "
            "replayed forecast to measure yet.") in text
    assert "Every family is on track." in text
    assert text[-1] == ("1 decision is asked of this meeting; first: Projected stock-out of A "
                        "(EUR 800 at stake).")
    quiet = narrative(kpis, calm, DECISIONS.iloc[0:0], currency="USD", recommendation="Baseline")
    assert quiet[-1] == "No decision is needed this month. Recommended scenario: Baseline."
    change = pd.DataFrame({"months": ["2026-11 to 2027-09"] * 2, "before": [100.0, 100.0],
                           "now": [110.0, 120.0]})
    assert narrative(kpis, calm, one, currency="EUR", demand_change=change)[0] == (
        "Consensus demand over 2026-11 to 2027-09 is 230 units, +15.0% against last cycle's "
        "plan for the same months.")


def test_a_red_family_off_for_revenue_only_gets_no_stock_out_sentence():
    status = FAMILY_STATUS[FAMILY_STATUS["family"] == "D"]
    text = narrative(NARRATIVE_KPIS, status, DECISIONS, currency="EUR")
    assert text[0].startswith("There is no earlier plan in the archive")
    assert not any(sentence.startswith("D: ") for sentence in text)


def test_the_narrative_of_computed_kpis_uses_their_rounding():
    from sop_lib.executive.kpis import family_status
    from tests.executive.builders import COMPANY, PLAN_ACCURACY, case_money, case_plan, headline

    kpis = headline()
    plan = case_plan()
    status = family_status(COMPANY, plan, case_money(plan), PLAN_ACCURACY, months=2)
    text = narrative(kpis.reset_index(), status, DECISIONS, currency="EUR")
    # family_status's first reason: 10 late in 2026-02 at EUR 10, 10 backlog at its end
    assert text[0] == ("A: stock-out in 2026-02: 10 units of customer orders ship late (EUR 100 "
                       "of revenue at risk), 10 still unshipped at the end of 2026-02.")
    service = kpis.loc["Customer service (projected)"]             # 230 / 240 and 226 / 240
    _, words = sentence(text, "Customer service")
    assert f"{service['value']:.1%}" in words and f"{service['target']:.1%}" in words
    assert "95.8%" in words and "94.2%" in words
    _, words = sentence(text, "Inventory value, end of 2026-01")
    assert "EUR 300 against EUR 600" in words and "(red)" in words
    _, words = sentence(text, "Revenue 2026-01 to 2026-02")
    assert "EUR 3,900" in words and "EUR 4,000" in words and "(amber)" in words
    _, words = sentence(text, "Capacity")
    assert "130.0% of regular hours (red)" in words


def test_risks_and_opportunities_split_the_agenda():
    from sop_lib.executive.summary import risks_and_opportunities

    agenda = pd.DataFrame({"rank": [1, 2, 3], "topic": ["Fiscal year below plan",
                                                        "Next 12 months above plan",
                                                        "Capacity overload"]})
    risks, upside = risks_and_opportunities(agenda)
    assert list(risks["rank"]) == [1, 3] and list(upside["rank"]) == [2]


def test_a_margin_budget_reads_as_the_revenue_against_the_plan_does():
    margin = pd.DataFrame([("Margin 2026-01 to 2026-12 vs budget", 450.0, 500.0, "EUR", "red",
                            "Margin 10.0% below budget.")], columns=NARRATIVE_KPIS.columns)
    text = narrative(pd.concat([NARRATIVE_KPIS, margin], ignore_index=True), FAMILY_STATUS,
                     DECISIONS, currency="EUR")
    assert ("Margin 2026-01 to 2026-12: EUR 450, 10.0% below the budget of EUR 500 (red)."
            in text)
    assert sentence(text, "Revenue 2026-01 to 2026-12:")[1].endswith(
        "below the business plan of EUR 1,300,000 (amber).")
    assert not any("Margin" in words for words in narrative(NARRATIVE_KPIS, FAMILY_STATUS,
                                                            DECISIONS, currency="EUR"))


def test_the_loop_opens_the_summary():
    text = narrative(NARRATIVE_KPIS, FAMILY_STATUS, DECISIONS, currency="EUR",
                     since_last="Since the 2026-10 meeting (Baseline adopted): actions 1 open.")
    assert text[0] == "Since the 2026-10 meeting (Baseline adopted): actions 1 open."
    assert text[1:] == narrative(NARRATIVE_KPIS, FAMILY_STATUS, DECISIONS, currency="EUR")
