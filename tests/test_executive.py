import pandas as pd

from sop_lib.executive import kpi_key, kpi_trend, narrative

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


def test_narrative_says_what_is_off_and_what_is_missing():
    status = pd.DataFrame({"family": ["Grills", "Tools"], "status": ["red", "green"],
                           "reason": ["revenue 9% below plan", "on track"]})
    kpis = pd.concat([_kpis(95.0), pd.DataFrame({
        "kpi": ["Forecast accuracy (1 - WAPE)"], "value": [float("nan")], "target": [0.8],
        "unit": ["share"], "status": ["n/a"], "comment": ["No archived forecast."]})])
    text = narrative(kpis, status, pd.DataFrame({"rank": [1]}))
    assert text[0].startswith("There is no earlier plan in the archive")
    assert "Forecast accuracy (1 - WAPE): not enough data yet. No archived forecast." in text
    assert "Revenue 2026-11 to 2027-10 is red: 6% below plan." in text
    assert "Families needing attention: Grills (revenue 9% below plan)." in text
    assert text[-1] == "1 decision(s) are asked of this meeting."
    change = pd.DataFrame({"months": ["2026-11 to 2027-09"] * 2, "before": [100.0, 100.0],
                           "now": [110.0, 120.0]})
    assert "+15.0% against last cycle" in narrative(kpis, status, pd.DataFrame(),
                                                    demand_change=change)[0]


def test_risks_and_opportunities_split_the_agenda():
    from sop_lib.executive import risks_and_opportunities

    agenda = pd.DataFrame({"rank": [1, 2, 3], "topic": ["Fiscal year below plan",
                                                        "Next 12 months above plan",
                                                        "Capacity overload"]})
    risks, upside = risks_and_opportunities(agenda)
    assert list(risks["rank"]) == [1, 3] and list(upside["rank"]) == [2]
