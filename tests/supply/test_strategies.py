"""Planning rules: rolling positions forward, chase, level windows, the frozen fence, limits."""

import numpy as np
import pytest

from sop_lib.supply.strategies import LEVEL_WINDOW, roll_forward, rule_production

MTS, MTO = np.array([True]), np.array([False])


def rows(*values):
    return np.array([values], dtype=float)


def rule(strategy, demand, target, *, mts=MTS, inventory=0.0, backlog=0.0, **options):
    return rule_production(demand, target, mts=mts, opening_inventory=np.array([inventory]),
                           opening_backlog=np.array([backlog]), rule=np.array([strategy]),
                           **options)[0].tolist()


def test_mts_ships_demand_and_backlog_within_stock_and_carries_the_rest():
    flows = roll_forward(rows(50, 0, 100), rows(60, 30, 40), mts=MTS,
                         opening_inventory=np.array([20.0]), opening_backlog=np.array([0.0]))
    # Jan: 20 + 50 covers 60 (10 left); Feb: 10 of 30 ships (20 late); Mar: 20 + 40 from 100.
    assert flows["shipments"].tolist() == [[60, 10, 60]]
    assert flows["inventory"].tolist() == [[10, 0, 40]]
    assert flows["backlog"].tolist() == [[0, 20, 0]]


def test_mto_ships_what_it_makes_and_makes_at_most_what_is_on_order():
    flows = roll_forward(rows(30, 80, 10), rows(20, 30, 10), mts=MTO,
                         opening_inventory=np.array([0.0]), opening_backlog=np.array([15.0]))
    # Feb: 80 asked, only 5 + 30 on order.
    assert flows["production"].tolist() == [[30, 35, 10]]
    assert flows["shipments"].tolist() == [[30, 35, 10]]
    assert flows["backlog"].tolist() == [[5, 0, 0]]


def test_chase_restores_the_target_every_month():
    # MTS: demand + backlog + target - inventory, never below 0.
    assert rule("chase", rows(100, 120, 10), rows(50, 40, 30), inventory=80) == pytest.approx(
        [70, 110, 0])
    # MTO: backlog + demand - target.
    assert rule("chase", rows(100, 120, 10), rows(50, 40, 30), mts=MTO,
                backlog=20) == pytest.approx([70, 130, 20])


def test_chase_keeps_within_min_and_max_production():
    limits = {"minimum": np.array([30.0]), "maximum": np.array([60.0])}
    assert rule("chase", rows(10, 100, 50), rows(0, 0, 0), **limits) == pytest.approx(
        [30, 60, 60])  # Jan 30 (20 stocked); Feb 100 - 20 -> 60; Mar 50 + 20 late -> 60


def test_level_rate_reaches_the_target_at_the_end_of_each_window():
    months = LEVEL_WINDOW + 2
    demand = np.full((1, months), 100.0)
    target = np.zeros((1, months))
    target[0, LEVEL_WINDOW - 1] = 60.0
    # window 1: (12 x 100 + 60 - 240 on hand) / 12 = 85; window 2: (200 + 0 - 60) / 2 = 70.
    made = rule("level", demand, target, inventory=240)
    assert made == pytest.approx([85] * LEVEL_WINDOW + [70, 70])


def test_level_starts_after_the_frozen_months():
    frozen = np.full((1, 4), np.nan)
    frozen[0, :2] = [100, 0]
    # after the fence: 20 in stock, (30 + 30 + 10 target - 20) / 2 = 25.
    made = rule("level", rows(40, 40, 30, 30), rows(0, 0, 0, 10), inventory=0, frozen=frozen)
    assert made == pytest.approx([100, 0, 25, 25])


def test_mto_level_makes_the_rate_or_what_is_on_order():
    # rate (0 backlog + 120 demand - 0 target) / 3 = 40: January and February have only 10
    # on order each.
    made = rule("level", rows(10, 10, 100), rows(0, 0, 0), mts=MTO)
    assert made == pytest.approx([10, 10, 40])


def test_frozen_mto_production_is_cut_to_the_orders():
    frozen = rows(500, np.nan)
    assert rule("optimised", rows(30, 30), rows(0, 0), mts=MTO, backlog=20,
                frozen=frozen)[0] == pytest.approx(50)


def test_optimised_families_are_left_to_the_optimiser_outside_the_fence():
    frozen = rows(70, np.nan, np.nan)
    made = rule("optimised", rows(40, 40, 40), rows(0, 0, 0), frozen=frozen)
    assert made[0] == 70 and np.isnan(made[1:]).all()
