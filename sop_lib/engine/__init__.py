"""Batched forecasting engine: many monthly series at once, in pure numpy.

Exponential smoothing, Theta and Croston-type methods run over a matrix of series (rows =
series, loop over time only, parameter grids evaluated for all series at once); each series'
method is chosen by a rolling-origin backtest and its quantiles come from the backtest errors.
"""
from sop_lib.engine.core import EngineResult, forecast_matrix
from sop_lib.engine.frame import forecast_frame
from sop_lib.engine.methods import INTERMITTENT_METHODS, METHODS, SMOOTH_METHODS, describe

__all__ = ["INTERMITTENT_METHODS", "METHODS", "SMOOTH_METHODS", "EngineResult", "describe",
           "forecast_frame", "forecast_matrix"]
