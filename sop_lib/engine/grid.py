"""Parameter grids evaluated for all series at once, and snapshots of a loop over time.

A `Grid` holds G parameter sets as columns: every parameter is an array of shape (1, G) (the
same values for every series) or (n, G) (values per series), so a recursion over time updates
arrays of shape (n, G) and evaluates the whole grid for every series in one pass.
"""
from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import numpy as np


@dataclasses.dataclass(frozen=True)
class Grid:
    """Named parameter arrays, each (1, G) or (n, G)."""

    values: dict[str, np.ndarray]

    @classmethod
    def product(cls, **axes) -> Grid:
        """Every combination of the given values, as a grid shared by all series."""
        names = list(axes)
        combos = np.array(list(itertools.product(*axes.values())), dtype=float)
        return cls({name: combos[None, :, k] for k, name in enumerate(names)})

    @classmethod
    def point(cls, **values) -> Grid:
        """One parameter set: scalars (all series) or arrays of shape (n,) (per series)."""
        return cls({name: np.reshape(np.asarray(value, dtype=float), (-1, 1))
                    for name, value in values.items()})

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    @property
    def size(self) -> int:
        return max(array.shape[1] for array in self.values.values())

    def choose(self, index: np.ndarray) -> Grid:
        """The parameter set `index[i]` of each series i, as a (n, 1) grid."""
        return Grid({name: np.take_along_axis(np.broadcast_to(array, (index.size, array.shape[1])),
                                              index[:, None], axis=1)
                     for name, array in self.values.items()})

    def vary(self, **axes) -> Grid:
        """This (n, 1) or (1, 1) parameter set with the given parameters replaced by every
        combination of the given values; the unchanged set comes first."""
        changed = Grid.product(**axes)
        rows = max(array.shape[0] for array in self.values.values())
        out = {}
        for name, array in self.values.items():
            if name in axes:
                new = np.broadcast_to(changed[name], (rows, changed.size))
            else:
                new = np.broadcast_to(array, (array.shape[0], changed.size))
            out[name] = np.concatenate([np.broadcast_to(array, (new.shape[0], 1)), new], axis=1)
        return Grid(out)


def best_index(errors: np.ndarray) -> np.ndarray:
    """Per row, the column with the smallest error (non-finite errors never win; the first
    column on ties)."""
    return np.argmin(np.where(np.isfinite(errors), errors, np.inf), axis=1)


def coordinate_search(sse: Callable[[Grid], np.ndarray], start: Grid,
                      stages: list[dict[str, tuple[float, ...]]]) -> Grid:
    """Choose each series' parameters stage by stage: each stage evaluates every combination
    of its parameters' values (the others held at the series' current best) and keeps the
    best set, the current one included, so a stage never makes the fit worse."""
    current = start
    for axes in stages:
        candidates = current.vary(**axes)
        current = candidates.choose(best_index(sse(candidates)))
    return current


def snapshot_plan(at: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """{k: (rows, columns)} of the entries of `at` (n, C) equal to k, for every k >= 1: where
    to copy a loop's state after it has seen k observations."""
    rows, columns = np.nonzero(at >= 1)
    counts = at[rows, columns]
    order = np.argsort(counts, kind="stable")
    rows, columns, counts = rows[order], columns[order], counts[order]
    starts = np.flatnonzero(np.diff(counts, prepend=-1))
    return {int(counts[s]): (rows[s:e], columns[s:e])
            for s, e in zip(starts, np.append(starts[1:], counts.size))}
