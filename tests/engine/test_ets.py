"""Tests of sop_lib.engine.ets: twelve exponential smoothing forms chosen per series by
AICc, and the multiplicative-error likelihood terms of `smooth`."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from sop_lib.engine import ets as ets_module
from sop_lib.engine.grid import Grid
from sop_lib.engine.smoothing import Model, States, smooth
from tests.engine.builders import final_task

M = 12
H = 12


def simulated(seed: int = 0) -> np.ndarray:
    """Three 60-month series: strongly multiplicative seasonal with a trend, a random walk
    with drift, additive seasonal noise around a level."""
    rng = np.random.default_rng(seed)
    t = np.arange(60)
    multiplicative = ((100 + t) * (1 + 0.5 * np.sin(2 * np.pi * t / M))
                      * np.exp(rng.normal(0, 0.03, 60)))
    walk = 200 + np.cumsum(rng.normal(2, 5, 60))
    additive = 300 + 40 * np.sin(2 * np.pi * t / M) + rng.normal(0, 5, 60)
    return np.stack([multiplicative, walk, additive])


def ets(values, horizon: int = H, forms=None, monkeypatch=None) -> np.ndarray:
    """The engine's ETS forecasts (n, h) from the end of each row, optionally with only
    `forms` as candidates."""
    if forms is not None:
        monkeypatch.setattr(ets_module, "FORMS", tuple(forms))
    try:
        return ets_module.ets(final_task(values, horizon))[:, 0]
    finally:
        if forms is not None:
            monkeypatch.undo()


def forms_giving(values, row: int, monkeypatch) -> list[Model]:
    """The forms that alone give the same forecast for `row` as the choice among all."""
    chosen = ets(values)[row]
    return [form for form in ets_module.FORMS
            if np.allclose(ets(values, forms=[form], monkeypatch=monkeypatch)[row], chosen,
                           rtol=1e-12)]


def test_there_are_twelve_distinct_forms():
    assert len(set(ets_module.FORMS)) == 12
    assert {(f.error, f.trend, f.seasonal) for f in ets_module.FORMS} == {
        (e, t, s) for e in ("add", "mul") for t in (False, True) for s in (None, "add", "mul")}


def test_aicc_picks_a_multiplicative_season_for_a_multiplicative_series(monkeypatch):
    values = simulated()
    forms = forms_giving(values, 0, monkeypatch)
    assert forms and all(form.seasonal == "mul" for form in forms)
    reference = ETSModel(values[0], error="mul", trend="add", damped_trend=True,
                         seasonal="mul", seasonal_periods=M).fit(disp=False).forecast(H)
    np.testing.assert_allclose(ets(values)[0], reference, rtol=0.06)


def test_aicc_picks_a_trend_without_season_for_a_random_walk_with_drift(monkeypatch):
    values = simulated()
    forms = forms_giving(values, 1, monkeypatch)
    assert forms and all(form.trend and form.seasonal is None for form in forms)
    reference = ETSModel(values[1], error="add", trend="add", damped_trend=True
                         ).fit(disp=False).forecast(H)
    np.testing.assert_allclose(ets(values)[1], reference, rtol=0.02)


def test_a_seasonal_series_is_forecast_with_its_season():
    forecast = ets(simulated())[2]
    steps = np.arange(60, 60 + H)
    peak, trough = forecast[steps % M == 3], forecast[steps % M == 9]
    assert peak[0] - trough[0] == pytest.approx(80, rel=0.15)


def test_a_series_with_a_zero_gets_only_additive_forms(monkeypatch):
    values = simulated()
    values[0, 20] = 0.0
    values[2, 40] = -5.0
    together = ets(values)
    additive = [form for form in ets_module.FORMS
                if form.error == "add" and form.seasonal != "mul"]
    only_additive = ets(values, forms=additive, monkeypatch=monkeypatch)
    np.testing.assert_array_equal(together[[0, 2]], only_additive[[0, 2]])
    assert np.isfinite(together).all()
    # without the zero, that row's choice is multiplicative: the restriction is what binds
    positive = simulated()
    assert not np.allclose(ets(positive)[0],
                           ets(positive, forms=additive, monkeypatch=monkeypatch)[0])


def test_seasonal_forms_need_two_seasons_of_history(monkeypatch):
    values = simulated()[:, :23]
    plain = [form for form in ets_module.FORMS if form.seasonal is None]
    np.testing.assert_array_equal(ets(values), ets(values, forms=plain,
                                                   monkeypatch=monkeypatch))
    longer = simulated()[:, :24]
    assert not np.allclose(ets(longer)[0],
                           ets(longer, forms=plain, monkeypatch=monkeypatch)[0])


def test_a_row_forecasts_alike_alone_and_in_a_batch():
    values = np.full((4, 60), np.nan)
    values[:3] = simulated(3)
    values[3, 30:] = simulated(4)[0, :30]
    values[1, :15] = np.nan
    together = ets(values)
    for row in range(4):
        start = int(np.argmax(~np.isnan(values[row])))
        alone = ets(values[row:row + 1, start:])
        np.testing.assert_array_equal(together[row], alone[0])


def smooth_by_hand(y, alpha, beta, phi, gamma, level, trend, season, m, seasonal):
    """One-step fitted values of damped-trend Holt-Winters with multiplicative error, and
    sum((y - f) / f)^2 and sum log|f| over the months, by a plain loop (the error-correction
    form of the smoothing module's docstring)."""
    season = list(season)
    sse = logs = 0.0
    for t, value in enumerate(y):
        prior = level + phi * trend
        current = season[t % m]
        fitted = prior * current if seasonal == "mul" else (
            prior + current if seasonal == "add" else prior)
        error = value - fitted
        sse += (error / fitted) ** 2
        logs += np.log(abs(fitted))
        scaled = error / current if seasonal == "mul" else error
        trend = phi * trend + alpha * beta * scaled
        level = prior + alpha * scaled
        if seasonal == "mul":
            season[t % m] = current + gamma * error / prior
        elif seasonal == "add":
            season[t % m] = current + gamma * error
    return sse, logs


@pytest.mark.parametrize("seasonal", [None, "add", "mul"])
def test_smooth_with_multiplicative_error_sums_relative_errors_and_log_fitted(seasonal):
    y = np.array([12.0, 15.0, 11.0, 9.0, 14.0, 16.0, 10.0, 8.0, 13.0, -3.0])
    m = 4
    params = dict(alpha=0.4, beta=0.2, phi=0.9, gamma=0.3)
    season = [1.1, 1.2, 0.9, 0.8] if seasonal == "mul" else [1.0, 2.0, -1.0, -2.0]
    initial = States(level=np.array([[11.0]]), trend=np.array([[0.5]]),
                     season=np.array([season]) if seasonal else None)
    model = Model(trend=True, seasonal=seasonal, season_length=m, error="mul")
    states = smooth(y[None], Grid.point(**params), initial, model, np.array([[6, 10]]))
    for column, months in enumerate((6, 10)):
        sse, logs = smooth_by_hand(y[:months], level=11.0, trend=0.5, m=m,
                                   season=season if seasonal else [1.0] * m,
                                   seasonal=seasonal, **params)
        assert states.sse[0, column, 0] == pytest.approx(sse, rel=1e-12)
        assert states.logs[0, column, 0] == pytest.approx(logs, rel=1e-12)
    additive = smooth(y[None], Grid.point(**params), initial,
                      Model(trend=True, seasonal=seasonal, season_length=m),
                      np.array([[6, 10]]))
    assert additive.logs is None
    np.testing.assert_allclose(additive.level, states.level, rtol=1e-12)
