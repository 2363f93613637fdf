"""Tests of sop_lib.engine.panel: left-aligning ragged histories, the errors a planner sees
for gaps and infinite values, and the forecasting task every method reads."""
from __future__ import annotations

import numpy as np
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.engine.panel import Panel, Task, left_align

NAN = np.nan


def test_left_align_moves_each_row_to_start_at_column_zero_with_zeros_after():
    y = [[NAN, 1.0, 2.0, 3.0],
         [4.0, 5.0, 6.0, 7.0],
         [NAN, NAN, NAN, 8.0],
         [NAN, NAN, NAN, NAN]]
    panel = left_align(y)
    np.testing.assert_array_equal(panel.lengths, [3, 4, 1, 0])
    np.testing.assert_array_equal(panel.values, [[1.0, 2.0, 3.0, 0.0],
                                                 [4.0, 5.0, 6.0, 7.0],
                                                 [8.0, 0.0, 0.0, 0.0],
                                                 [0.0, 0.0, 0.0, 0.0]])
    assert panel.values.dtype == np.float64


def test_zeros_inside_a_series_are_values_not_gaps():
    panel = left_align([[NAN, 0.0, 0.0, 5.0, 0.0]])
    np.testing.assert_array_equal(panel.lengths, [4])
    np.testing.assert_array_equal(panel.values, [[0.0, 0.0, 5.0, 0.0, 0.0]])


def test_left_align_does_not_change_the_input():
    y = np.array([[NAN, 1.0, 2.0]])
    left_align(y)
    np.testing.assert_array_equal(y, [[NAN, 1.0, 2.0]])


def test_a_matrix_without_months_has_empty_rows():
    panel = left_align(np.ones((2, 0)))
    assert panel.values.shape == (2, 0)
    np.testing.assert_array_equal(panel.lengths, [0, 0])


@pytest.mark.parametrize("y, message", [
    ([[1.0, 2.0, NAN, 4.0]], r"missing value inside a series \(row 0, column 2\)"),
    ([[NAN, NAN, 3.0], [NAN, 1.0, NAN]], r"\(row 1, column 2\)"),
    ([[1.0, 2.0], [3.0, np.inf]], r"infinite value \(row 1, column 1\)"),
    ([[-np.inf, 2.0]], r"infinite value \(row 0, column 0\)"),
    (np.ones(5), r"2-D matrix .*got shape \(5,\)"),
    (np.ones((2, 3, 4)), r"2-D matrix"),
])
def test_bad_matrices_are_refused_naming_the_place(y, message):
    with pytest.raises(ParameterError, match=message):
        left_align(y)


def test_the_gap_message_tells_the_planner_what_to_do():
    with pytest.raises(ParameterError, match=r"fill missing months \(e\.g\. with 0\)"):
        left_align([[1.0, NAN, 1.0]])


def test_panel_rows_keeps_values_and_lengths_together():
    panel = Panel(np.array([[1.0, 0.0], [2.0, 3.0], [4.0, 0.0]]), np.array([1, 2, 1]))
    part = panel.rows([2, 1])
    np.testing.assert_array_equal(part.values, [[4.0, 0.0], [2.0, 3.0]])
    np.testing.assert_array_equal(part.lengths, [1, 2])


def make_task() -> Task:
    values = np.arange(1.0, 13.0).reshape(2, 6)
    return Task(values, fit_end=np.array([2, 4]), cuts=np.array([[2, 3], [4, 5]]), horizon=3,
                season_length=4)


def test_a_task_keeps_only_the_columns_up_to_its_last_cut():
    task = make_task()
    assert task.values.shape == (2, 5)
    assert task.size == 2


def test_training_blanks_the_observations_from_the_fit_end_on():
    np.testing.assert_array_equal(make_task().training(), [[1.0, 2.0, 0.0, 0.0, 0.0],
                                                           [7.0, 8.0, 9.0, 10.0, 0.0]])


def test_steps_are_the_time_indices_of_the_forecast_months():
    np.testing.assert_array_equal(make_task().steps(), [[[2, 3, 4], [3, 4, 5]],
                                                        [[4, 5, 6], [5, 6, 7]]])


def test_shared_work_is_computed_once_per_task_and_key():
    task, calls = make_task(), []

    def compute(t: Task) -> float:
        calls.append(t)
        return t.values.sum()

    first = task.shared("total", compute)
    assert task.shared("total", compute) == first == make_task().values.sum()
    assert calls == [task]
    task.shared("other", compute)
    assert len(calls) == 2
    make_task().shared("total", compute)  # another task computes its own
    assert len(calls) == 3
