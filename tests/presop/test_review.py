"""Tests of sop_lib.presop.review: the pre-S&OP step's money, balance and agenda are those of
the published plan, one scenario is recommended, and the launches are the demand review's."""
import pandas.testing as pdt

from sop_lib.demand.launches import launch_review
from sop_lib.presop.agenda import exception_agenda
from sop_lib.presop.balance import balance, balance_summary
from sop_lib.presop.finance import fiscal_year_outlook, money_view


def test_money_balance_and_agenda_judge_the_supply_plan(sample_cycle):
    run, artifacts = sample_cycle
    company, plan = run.company, artifacts["plan"]
    money = money_view(company, plan, artifacts["consensus"])
    pdt.assert_frame_equal(artifacts["money"], money)
    outlook = fiscal_year_outlook(company, money)
    pdt.assert_frame_equal(artifacts["outlook"], outlook)
    pdt.assert_frame_equal(artifacts["balance_summary"], balance_summary(balance(plan, money)))
    agenda = exception_agenda(company, plan=plan, load=artifacts["load"], money=money,
                              outlook=outlook, accuracy=artifacts["accuracy"])
    pdt.assert_frame_equal(artifacts["decisions"], agenda)


def test_one_scenario_is_recommended_among_those_compared(sample_cycle):
    _, artifacts = sample_cycle
    recommendation = artifacts["recommendation"]
    assert len(recommendation) == 1
    assert recommendation["scenario"].iloc[0] in set(artifacts["scenario_comparison"]["scenario"])
    assert recommendation["rule"].iloc[0]


def test_launches_are_those_of_the_demand_review(sample_cycle):
    run, artifacts = sample_cycle
    launches = launch_review(run.company, artifacts["segments"], artifacts["consensus"],
                             artifacts["forecast"], cycle=run.cycle)
    pdt.assert_frame_equal(artifacts["launches"], launches)
    assert set(launches["kind"]) == {"launch", "phase-out"}
