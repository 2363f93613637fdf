"""Accuracy, bias, tracking signal and FVA on small hand-computed archives."""
import math

import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.demand.accuracy import (
    TRACKING_SIGNAL_LIMIT,
    accuracy_by_family,
    accuracy_by_sku,
    accuracy_headline,
    sku_actuals,
)
from tests.builders import company_from_rows

NAN = float("nan")
SKUS = {"a": "F", "b": "G", "c": "G", "d": "G"}
# Bookings 2024-12 .. 2025-04 per SKU. Families: F = a; G = b + c.
BOOKINGS = {"a": [10, 10, 20, 10, 20], "b": [5, 5, 5, 5, 5], "c": [5, 5, 5, 5, 15]}


def M(text):
    return pd.Period(text, freq="M")


def actuals_frame(bookings=BOOKINGS, start="2024-12"):
    return pd.DataFrame([{"sku": sku, "family": SKUS[sku], "month": M(start) + step,
                          "bookings": float(value)}
                         for sku, values in bookings.items() for step, value in enumerate(values)])


def archive_frame(rows):
    """rows: (cycle, lag, sku, statistical, consensus); month = cycle + lag - 1."""
    frame = pd.DataFrame([{"cycle": M(cycle), "lag": lag, "sku": sku, "family": SKUS[sku],
                           "month": M(cycle) + (lag - 1), "statistical": float(stat),
                           "consensus": float(cons)}
                          for cycle, lag, sku, stat, cons in rows])
    return frame.astype({"lag": "int64"})


def hand_archive():
    """Cycles 2025-01 and 02 backfilled, 03 and 04 published with a consensus.

    Lag 1: a 12, b 6, c 6 every month; consensus Mar a 10, b 5, c 5; Apr a 18, b 5, c 10.
    Lag 3 (cycles 01 and 02, months Mar and Apr): a 15, b 5, c 5; cycle 03 and 04's lag 3
    months (May, Jun) have no actual yet.
    """
    consensus = {"2025-03": {"a": 10, "b": 5, "c": 5}, "2025-04": {"a": 18, "b": 5, "c": 10}}
    rows = []
    for cycle in ("2025-01", "2025-02", "2025-03", "2025-04"):
        for sku, stat in {"a": 12, "b": 6, "c": 6}.items():
            rows.append((cycle, 1, sku, stat, consensus.get(cycle, {}).get(sku, NAN)))
        for sku, stat in {"a": 15, "b": 5, "c": 5}.items():
            rows.append((cycle, 3, sku, stat, consensus.get(cycle, {}).get(sku, NAN)))
    return archive_frame(rows)


def row(result, family, lag):
    found = result[(result["family"] == family) & (result["lag"] == lag)]
    assert len(found) == 1
    return found.iloc[0]


@pytest.fixture(scope="module")
def result():
    return accuracy_by_family(hand_archive(), actuals_frame())


# --- the hand-computed case ---------------------------------------------------------------

def test_rows_are_families_then_total_per_lag(result):
    assert list(zip(result["lag"], result["family"])) == [
        (1, "F"), (1, "G"), (1, "Total"), (3, "F"), (3, "G"), (3, "Total")]


def test_family_f_lag_1(result):
    # months Jan-Apr: actual 10, 20, 10, 20; forecast 12 each; naive = previous month
    f = row(result, "F", 1)
    assert (f["months"], f["first_month"], f["last_month"]) == (4, M("2025-01"), M("2025-04"))
    assert (f["actual"], f["statistical"], f["naive"]) == (60, 48, 50)
    assert f["wape_statistical"] == pytest.approx(20 / 60)
    assert f["bias_statistical"] == pytest.approx(-12 / 60)
    assert f["wape_naive"] == pytest.approx(30 / 60)
    assert f["fva_statistical"] == pytest.approx(30 / 60 - 20 / 60)
    assert f["tracking_signal"] == pytest.approx(-12 / 5)  # cum error -12, MAD 20 / 4
    assert not f["tracking_alert"]


def test_family_f_consensus_is_measured_on_the_months_that_have_one(result):
    # consensus Mar 10, Apr 18 vs actual 10, 20; statistical on those months 12, 12
    f = row(result, "F", 1)
    assert (f["consensus_months"], f["consensus"]) == (2, 28)
    assert f["wape_consensus"] == pytest.approx(2 / 30)
    assert f["bias_consensus"] == pytest.approx(-2 / 30)
    assert f["fva_consensus"] == pytest.approx(10 / 30 - 2 / 30)
    assert "consensus in 2 of 4 months" in f["note"]


def test_family_g_compares_family_totals_not_skus(result):
    # G forecast 12 a month (b 6 + c 6) vs actual 10, 10, 10, 20: family errors 2, 2, 2, -8
    g = row(result, "G", 1)
    assert (g["actual"], g["statistical"], g["naive"]) == (50, 48, 40)
    assert g["wape_statistical"] == pytest.approx(14 / 50)
    assert g["bias_statistical"] == pytest.approx(-2 / 50)
    assert g["wape_naive"] == pytest.approx(10 / 50)
    assert g["fva_statistical"] == pytest.approx(10 / 50 - 14 / 50)
    assert g["tracking_signal"] == pytest.approx(-2 / 3.5)
    assert g["wape_consensus"] == pytest.approx(5 / 30)  # Mar 10 vs 10, Apr 15 vs 20
    assert g["fva_consensus"] == pytest.approx(10 / 30 - 5 / 30)


def test_total_pools_family_months_and_tracks_the_company_total(result):
    total = row(result, "Total", 1)
    assert (total["months"], total["actual"], total["statistical"]) == (4, 110, 96)
    assert total["wape_statistical"] == pytest.approx((20 + 14) / 110)
    assert total["bias_statistical"] == pytest.approx(-14 / 110)
    assert total["wape_naive"] == pytest.approx((30 + 10) / 110)
    assert total["fva_statistical"] == pytest.approx(40 / 110 - 34 / 110)
    # company errors per month: 4, -6, 4, -16 -> cumulative -14, MAD 7.5
    assert total["tracking_signal"] == pytest.approx(-14 / 7.5)
    assert total["consensus_months"] == 2
    assert total["wape_consensus"] == pytest.approx(7 / 60)
    assert total["bias_consensus"] == pytest.approx(-7 / 60)
    assert total["fva_consensus"] == pytest.approx(20 / 60 - 7 / 60)


def test_lag_3_uses_the_forecasts_made_two_cycles_earlier(result):
    # Mar from cycle 01, Apr from cycle 02; May and Jun have no actual yet
    f, g = row(result, "F", 3), row(result, "G", 3)
    assert (f["months"], f["first_month"], f["last_month"]) == (2, M("2025-03"), M("2025-04"))
    assert (f["actual"], f["statistical"]) == (30, 30)
    assert f["wape_statistical"] == pytest.approx(10 / 30)
    assert f["bias_statistical"] == 0 and f["tracking_signal"] == 0
    assert f["naive"] == 20  # actuals of Dec and Jan, three months before
    assert f["fva_statistical"] == pytest.approx(0)
    assert (g["statistical"], g["wape_statistical"]) == (20, pytest.approx(10 / 30))
    assert g["tracking_signal"] == pytest.approx(-10 / 5)


def test_backfilled_months_only_have_no_consensus_figures(result):
    f = row(result, "F", 3)
    assert f["consensus_months"] == 0
    assert all(math.isnan(f[c]) for c in ("consensus", "wape_consensus", "bias_consensus",
                                         "fva_consensus"))
    assert "no consensus archived" in f["note"]
    assert "2 of 12 months archived at lag 3" in f["note"]


def test_the_window_is_the_last_months_with_both(result):
    last_two = accuracy_by_family(hand_archive(), actuals_frame(), lags=(1,), months=2)
    f = row(last_two, "F", 1)
    assert (f["months"], f["first_month"]) == (2, M("2025-03"))
    assert f["wape_statistical"] == pytest.approx(10 / 30)
    assert f["consensus_months"] == 2 and "consensus in" not in f["note"]
    assert f["note"] == ""


def test_result_types(result):
    assert result["tracking_alert"].dtype == bool
    assert result["months"].dtype == "int64" and result["lag"].dtype == "int64"
    assert result["first_month"].dtype == "period[M]"
    assert result["note"].dtype == "str"


# --- tracking signal ----------------------------------------------------------------------

def steady_case(months, error, **options):
    """SKU a booked 10 every month from 2024-12 and forecast at lag 1 as 10 + error."""
    actuals = actuals_frame({"a": [10] * (months + 1)})
    archive = archive_frame([(str(M("2025-01") + step), 1, "a", 10 + error, NAN)
                             for step in range(months)])
    return row(accuracy_by_family(archive, actuals, lags=(1,), **options), "F", 1)


def test_tracking_signal_alerts_beyond_the_limit():
    # every month 2 too high (a 20 % bias): cumulative error 2n, MAD 2 -> TS = n
    assert TRACKING_SIGNAL_LIMIT == 4
    four, six = steady_case(4, 2), steady_case(6, 2)
    assert four["tracking_signal"] == 4 and not four["tracking_alert"]
    assert six["tracking_signal"] == 6 and six["tracking_alert"]
    assert steady_case(6, -2)["tracking_signal"] == -6


def test_a_persistent_but_immaterial_bias_raises_no_alert():
    # 0.03 too high every month: a 0.3 % bias, yet a tracking signal of 12
    tiny = steady_case(12, 0.03)
    assert tiny["tracking_signal"] == pytest.approx(12)
    assert tiny["bias_statistical"] == pytest.approx(0.003)
    assert not tiny["tracking_alert"]
    material = steady_case(12, -1)  # 10 % under, every month
    assert material["bias_statistical"] == pytest.approx(-0.10)
    assert material["tracking_signal"] == pytest.approx(-12) and material["tracking_alert"]


def test_the_bias_alert_threshold_is_an_option():
    three = {"months": 12, "error": 0.3}  # a 3 % bias, tracking signal 12
    assert not steady_case(**three)["tracking_alert"]  # default 5 %
    assert steady_case(**three, bias_alert=0.02)["tracking_alert"]
    assert not steady_case(12, -1, bias_alert=0.10)["tracking_alert"]  # 10 % is not beyond 10 %


def test_a_perfect_forecast_has_tracking_signal_zero():
    perfect = steady_case(3, 0)
    assert perfect["tracking_signal"] == 0 and perfect["wape_statistical"] == 0


# --- nothing to compare -------------------------------------------------------------------

def test_an_empty_archive_says_so_for_every_family_and_lag():
    result = accuracy_by_family(hand_archive().iloc[:0], actuals_frame())
    assert list(zip(result["lag"], result["family"])) == [
        (1, "F"), (1, "G"), (1, "Total"), (3, "F"), (3, "G"), (3, "Total")]
    assert (result["months"] == 0).all()
    assert result["wape_statistical"].isna().all() and result["tracking_signal"].isna().all()
    assert not result["tracking_alert"].any()
    assert set(result["note"]) == {"no archived forecast at lag 1 for a closed month yet",
                                   "no archived forecast at lag 3 for a closed month yet"}


def test_a_lag_with_no_forecast_for_a_closed_month_yet():
    # only cycle 2025-04: its lag 3 month (June) has no actual
    archive = hand_archive()
    archive = archive[archive["cycle"] == M("2025-04")]
    result = accuracy_by_family(archive, actuals_frame())
    assert (row(result, "Total", 1)["months"], row(result, "Total", 3)["months"]) == (1, 0)
    assert row(result, "G", 3)["note"] == "no archived forecast at lag 3 for a closed month yet"


def test_a_family_missing_from_the_archive():
    archive = hand_archive()
    result = accuracy_by_family(archive[archive["family"] == "F"], actuals_frame())
    g = row(result, "G", 1)
    assert g["months"] == 0 and math.isnan(g["wape_statistical"])
    assert g["note"] == "no archived forecast of this family at lag 1 in these months"
    assert row(result, "Total", 1)["actual"] == 60  # F only


def test_no_bookings_leaves_wape_and_bias_undefined():
    actuals = actuals_frame({"a": [0] * 5, "b": [5] * 5, "c": [5] * 5})
    f = row(accuracy_by_family(hand_archive(), actuals), "F", 1)
    assert f["actual"] == 0 and f["statistical"] == 48
    assert math.isnan(f["wape_statistical"]) and math.isnan(f["bias_statistical"])
    assert math.isnan(f["fva_statistical"])
    assert "no bookings in these months" in f["note"]


def test_bad_options_are_parameter_errors():
    for options in ({"naive": "drift"}, {"months": 0}, {"lags": (0, 1)}, {"lags": ()}):
        with pytest.raises(ParameterError):
            accuracy_by_family(hand_archive(), actuals_frame(), **options)


# --- naive baselines ----------------------------------------------------------------------

def seasonal_case(lag):
    """a booked 80 in 2024-01, 50 in every month to 2024-12, 100 in 2025-01; forecast 100."""
    actuals = actuals_frame({"a": [80] + [50] * 11 + [100]}, start="2024-01")
    cycle = str(M("2025-01") - (lag - 1))
    archive = archive_frame([(cycle, lag, "a", 100, NAN)])
    return actuals, archive


def test_naive_last_is_the_last_known_actual_and_seasonal_a_year_before():
    actuals, archive = seasonal_case(1)
    last = row(accuracy_by_family(archive, actuals, lags=(1,)), "F", 1)
    seasonal = row(accuracy_by_family(archive, actuals, lags=(1,), naive="seasonal"), "F", 1)
    assert (last["naive"], last["wape_naive"]) == (50, 0.5)
    assert (seasonal["naive"], seasonal["wape_naive"]) == (80, 0.2)
    assert seasonal["fva_statistical"] == pytest.approx(0.2)


def test_a_naive_forecast_before_the_first_actual_is_missing():
    # lag 13: the same month a year before was not known yet; two years before is 2023-01
    actuals, archive = seasonal_case(13)
    f = row(accuracy_by_family(archive, actuals, lags=(13,), naive="seasonal"), "F", 13)
    assert math.isnan(f["naive"]) and math.isnan(f["wape_naive"])
    assert math.isnan(f["fva_statistical"]) and f["wape_statistical"] == 0
    assert "naive forecast needs bookings before the first month" in f["note"]


# --- SKU level and actuals ----------------------------------------------------------------

def test_accuracy_by_sku():
    result = accuracy_by_sku(hand_archive(), actuals_frame(), lags=(1,))
    assert list(zip(result["family"], result["sku"])) == [("F", "a"), ("G", "b"), ("G", "c")]
    c = result.iloc[2]
    # c: actual 5, 5, 5, 15; forecast 6 each -> errors 1, 1, 1, -9
    assert (c["actual"], c["statistical"]) == (30, 24)
    assert c["wape_statistical"] == pytest.approx(12 / 30)
    assert c["tracking_signal"] == pytest.approx(-6 / 3)
    assert c["wape_consensus"] == pytest.approx(5 / 20)  # Mar 5 vs 5, Apr 10 vs 15


def test_sku_actuals_joins_bookings_to_families():
    company = company_from_rows(
        items=[{"sku": "a", "family": "F"}, {"sku": "b", "family": "G"}],
        demand_history=[{"sku": "a", "month": "2025-01", "bookings": 3, "shipments": 2},
                        {"sku": "b", "month": "2025-01", "bookings": 4, "shipments": 4}])
    actuals = sku_actuals(company)
    assert list(actuals.columns) == ["sku", "family", "month", "bookings"]
    assert actuals.to_dict("records") == [
        {"sku": "a", "family": "F", "month": M("2025-01"), "bookings": 3.0},
        {"sku": "b", "family": "G", "month": M("2025-01"), "bookings": 4.0}]


# --- the headline: SKU level and family level -----------------------------------------------

def level(headline, name):
    found = headline[headline["level"] == name]
    assert len(found) == 1
    return found.iloc[0]


def test_headline_adds_up_sku_errors_and_family_errors_of_the_same_rows():
    # lag 1, Jan-Apr, statistical a 12, b 6, c 6 (Jan, Feb backfilled: statistical)
    # SKU errors: a 2+8+2+8, b 1+1+1+1, c 1+1+1+9 = 36; families: F 20, G 2+2+2+8 = 14
    headline = accuracy_headline(hand_archive(), actuals_frame(),
                                 replayed=[M("2025-01"), M("2025-02"), M("2024-11")])
    assert list(headline.columns) == [
        "level", "lag", "months", "first_month", "last_month", "actual", "abs_error",
        "accuracy", "bias", "source", "replayed_cycles", "note"]
    sku, family = level(headline, "SKU"), level(headline, "family")
    assert list(headline["level"]) == ["SKU", "family"]
    for figures in (sku, family):
        assert (figures["lag"], figures["months"], figures["first_month"],
                figures["last_month"]) == (1, 4, M("2025-01"), M("2025-04"))
        assert figures["actual"] == 110 and figures["bias"] == pytest.approx(-14 / 110)
        assert (figures["source"], figures["replayed_cycles"]) == ("statistical", 2)
    assert (sku["abs_error"], family["abs_error"]) == (36, 34)
    assert sku["accuracy"] == pytest.approx(1 - 36 / 110)
    assert family["accuracy"] == pytest.approx(1 - 34 / 110)
    assert sku["note"] == (
        "Only 4 of 12 months compared. Measured on statistical forecasts replayed from history "
        "for 2 of 4 cycles (2 published); the consensus used counts once the window's cycles "
        "are published.")


def test_headline_family_level_is_the_accuracy_total():
    total = row(accuracy_by_family(hand_archive(), actuals_frame(), lags=(1,)), "Total", 1)
    family = level(accuracy_headline(hand_archive(), actuals_frame()), "family")
    assert family["actual"] == total["actual"]
    assert family["accuracy"] == pytest.approx(1 - total["wape_statistical"])
    assert family["bias"] == pytest.approx(total["bias_statistical"])


def test_headline_levels_agree_when_each_family_has_one_sku():
    archive = hand_archive()
    actuals = actuals_frame({"a": BOOKINGS["a"], "b": [5] * 5})
    headline = accuracy_headline(archive[archive["sku"] != "c"], actuals)
    sku, family = level(headline, "SKU"), level(headline, "family")
    assert sku["abs_error"] == family["abs_error"] == 20 + 4
    assert sku["accuracy"] == family["accuracy"] == pytest.approx(1 - 24 / 80)


def test_headline_measures_the_consensus_when_every_cycle_published_one():
    # Mar, Apr (cycles 03 and 04 published): consensus a 10, 18; b 5, 5; c 5, 10
    headline = accuracy_headline(hand_archive(), actuals_frame(), months=2)
    sku, family = level(headline, "SKU"), level(headline, "family")
    assert set(headline["source"]) == {"consensus"} and set(headline["note"]) == {""}
    assert (sku["abs_error"], family["abs_error"], sku["actual"]) == (7, 7, 60)
    assert sku["bias"] == pytest.approx(-7 / 60)
    assert headline["replayed_cycles"].tolist() == [0, 0]


def test_headline_counts_a_sku_booked_without_a_forecast_as_error():
    # d (family G) is booked 4 in Apr but no cycle forecast it: forecast 0 for it
    actuals = actuals_frame({**BOOKINGS, "d": [0, 0, 0, 0, 4]})
    headline = accuracy_headline(hand_archive(), actuals)
    total = row(accuracy_by_family(hand_archive(), actuals, lags=(1,)), "Total", 1)
    sku, family = level(headline, "SKU"), level(headline, "family")
    assert sku["actual"] == family["actual"] == total["actual"] == 114
    assert sku["abs_error"] == 36 + 4
    assert family["abs_error"] == pytest.approx(total["wape_statistical"] * 114)  # 20 + 18
    assert family["abs_error"] == 38


def test_headline_without_a_forecast_to_compare():
    headline = accuracy_headline(hand_archive().iloc[:0], actuals_frame())
    assert headline["months"].tolist() == [0, 0] and headline["accuracy"].isna().all()
    assert headline["first_month"].isna().all() and headline["source"].tolist() == [
        "statistical", "statistical"]
    assert set(headline["note"]) == {
        "No archived or replayed forecast at lag 1 for a closed month yet."}


def test_headline_says_which_cycles_have_no_published_consensus():
    # nothing replayed: Jan and Feb were backfilled on disk
    note = level(accuracy_headline(hand_archive(), actuals_frame()), "SKU")["note"]
    assert "2 of 4 cycles have no published consensus (0 replayed from history, 2 archived " \
        "without one)" in note
