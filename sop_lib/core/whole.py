"""Whole units: the rounding that turns planned quantities into what a scheduler can make.

`largest_remainder` splits whole totals over shares so that the parts are whole and add up to
their total exactly (the supply plan's own rounding is `sop_lib.supply.rounding`).
"""
from __future__ import annotations

import numpy as np

EPSILON = 1e-9  # units: float noise below this is not a fraction


def whole_floor(values):
    """The whole units in `values` (floor, forgiving float noise such as 4.9999999999)."""
    return np.floor(np.asarray(values, dtype=float) + EPSILON)


def largest_remainder(totals, shares, groups) -> np.ndarray:
    """Whole parts of whole `totals` by `shares` (the rows of a group, numbered by `groups`, hold
    the same total and shares adding up to 1): each part gets the floor of its share, and the
    units left go one each to the largest remainders (ties to the earlier row)."""
    totals, shares = np.asarray(totals, dtype=float), np.asarray(shares, dtype=float)
    groups = np.asarray(groups)
    exact = totals * shares
    floors = whole_floor(exact)
    remainder = exact - floors
    _, group, size = np.unique(groups, return_inverse=True, return_counts=True)
    left = np.round(totals - np.bincount(group, floors)[group])
    order = np.lexsort((np.arange(len(group)), -remainder, group))
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - starts[group[order]]
    return floors + (rank < left)
