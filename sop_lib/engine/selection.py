"""Choosing each series' method, or the mean of its best methods, by backtest error."""
from __future__ import annotations

import dataclasses

import numpy as np

from sop_lib.engine.backtest import Windows, mean_absolute_errors
from sop_lib.engine.grid import best_index

COMBINATION_SIZES = (2, 3)
COMBO_PREFIX = "combo: "
MEAN = "combo"  # score column of the mean of all candidate methods


def combination_name(size: int) -> str:
    """Score column of the mean of each series' best `size` methods."""
    return f"combo{size}"


@dataclasses.dataclass(frozen=True)
class Selection:
    """Per series: the chosen candidate's label, final forecast (n, h) and backtest forecasts
    (n, K, h); the backtest MAE of every candidate (n, candidates) and the candidates' names
    (methods, then combinations)."""

    label: np.ndarray
    final: np.ndarray
    backtest: np.ndarray
    mae: np.ndarray
    candidates: list[str]


def select(backtest: dict[str, np.ndarray], final: dict[str, np.ndarray], windows: Windows,
           *, combine: bool) -> Selection:
    """Choose, per series, the candidate with the smallest backtest MAE (the first in order on
    ties: methods as given, then combinations). Candidates are the methods and, when `combine`,
    the mean of each series' best 2 and best 3 methods (ranked by their backtest MAE, so the
    members differ between series; labelled in method order); a combination needs that many
    methods with forecasts."""
    names = list(backtest)
    past = np.stack([backtest[name] for name in names], axis=1)
    future = np.stack([final[name] for name in names], axis=1)
    mae = np.stack([mean_absolute_errors(backtest[name], windows) for name in names], axis=1)
    labels = np.broadcast_to(np.array(names, dtype=object), mae.shape)
    candidates = list(names)
    past_parts, future_parts, mae_parts, label_parts = [past], [future], [mae], [labels]
    ranking = np.argsort(np.where(np.isnan(mae), np.inf, mae), axis=1, kind="stable")
    for size in COMBINATION_SIZES if combine else ():
        if size > len(names):
            continue
        members = np.sort(ranking[:, :size], axis=1)
        combo_past = np.take_along_axis(past, members[:, :, None, None], axis=1).mean(axis=1)
        combo_future = np.take_along_axis(future, members[:, :, None], axis=1).mean(axis=1)
        past_parts.append(combo_past[:, None])
        future_parts.append(combo_future[:, None])
        mae_parts.append(mean_absolute_errors(combo_past, windows)[:, None])
        member_names = np.array(names, dtype=object)[members]
        label = COMBO_PREFIX + member_names[:, 0]
        for k in range(1, size):
            label = label + "+" + member_names[:, k]
        label_parts.append(label[:, None])
        candidates.append(combination_name(size))
    all_mae = np.concatenate(mae_parts, axis=1)
    choice = best_index(all_mae)
    rows = np.arange(choice.size)
    return Selection(label=np.concatenate(label_parts, axis=1)[rows, choice],
                     final=np.concatenate(future_parts, axis=1)[rows, choice],
                     backtest=np.concatenate(past_parts, axis=1)[rows, choice],
                     mae=all_mae, candidates=candidates)


def mean_of_all(backtest: dict[str, np.ndarray], final: dict[str, np.ndarray],
                windows: Windows) -> Selection:
    """Per series, the mean of every method that could be backtested on it (equal weights,
    labelled "combo: " and its members in method order). Its backtest error is scored like a
    method's and, not being the smallest of several by construction, does not flatter it."""
    names = list(backtest)
    past = np.stack([backtest[name] for name in names], axis=1)
    future = np.stack([final[name] for name in names], axis=1)
    mae = np.stack([mean_absolute_errors(backtest[name], windows) for name in names], axis=1)
    members = ~np.isnan(mae) & ~np.isnan(future).any(axis=2)
    count = members.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        combo_past = np.where(members[:, :, None, None], past, 0.0).sum(axis=1) / count[
            :, None, None]
        combo_future = np.where(members[:, :, None], future, 0.0).sum(axis=1) / count[:, None]
    combo_mae = mean_absolute_errors(combo_past, windows)
    return Selection(label=_member_labels(members, names), final=combo_future,
                     backtest=combo_past, mae=np.column_stack([mae, combo_mae]),
                     candidates=names + [MEAN])


def _member_labels(members: np.ndarray, names: list[str]) -> np.ndarray:
    """"combo: a+b+c" for each row's members (one label per distinct set of members)."""
    patterns, inverse = np.unique(members, axis=0, return_inverse=True)
    labels = np.array([COMBO_PREFIX + "+".join(np.array(names)[pattern]) if pattern.sum() > 1
                       else (names[int(np.argmax(pattern))] if pattern.any() else "")
                       for pattern in patterns], dtype=object)
    return labels[inverse.reshape(-1)]
