import numpy as np

from sop_lib.core.whole import largest_remainder, whole_floor


def test_whole_floor_forgives_float_noise_only():
    assert whole_floor([4.9999999999, 4.99, 5.0, 0.3 + 0.6 + 0.1]).tolist() == [5, 4, 5, 1]


def test_largest_remainder_gives_the_units_left_to_the_largest_fractions():
    # 10 units at 0.46 / 0.34 / 0.2: 4.6, 3.4, 2.0 -> floors 4, 3, 2 and one unit left for 4.6
    parts = largest_remainder([10, 10, 10], [0.46, 0.34, 0.2], [0, 0, 0])
    assert parts.tolist() == [5, 3, 2]
    # a tie goes to the earlier row: 3 units over three equal shares of a group of 3, 1 over 2
    parts = largest_remainder([3, 3, 3, 1, 1], [1 / 3] * 3 + [0.5, 0.5], [0, 0, 0, 1, 1])
    assert parts.tolist() == [1, 1, 1, 1, 0]


def test_largest_remainder_parts_are_whole_and_add_up_exactly():
    rng = np.random.default_rng(3)
    groups = rng.integers(0, 40, 2_000)
    totals = rng.integers(0, 500, 40).astype(float)[groups]
    weights = rng.random(2_000)
    shares = weights / np.bincount(groups, weights)[groups]
    parts = largest_remainder(totals, shares, groups)
    assert (parts == np.round(parts)).all() and (parts >= 0).all()
    assert np.array_equal(np.bincount(groups, parts), np.bincount(groups, totals) /
                          np.maximum(np.bincount(groups), 1))
    # each part is its exact share rounded down or up
    assert (np.abs(parts - totals * shares) < 1).all()
