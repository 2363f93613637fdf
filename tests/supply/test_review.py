"""Tests of sop_lib.supply.review: the supply review step's tables are those of the functions
it names, on the sample company's consensus demand."""
import pandas.testing as pdt

from sop_lib.supply.capacity import capacity_load, load_by_family, overloads
from sop_lib.supply.plan import supply_plan
from sop_lib.supply.review import supply_review


def test_the_supply_review_plans_the_consensus_demand_and_loads_that_plan(sample_cycle):
    run, artifacts = sample_cycle
    company, demand = run.company, artifacts["demand"]
    made = supply_plan(company, demand)  # an empty archive: no plan of record
    pdt.assert_frame_equal(artifacts["plan"], made.plan)
    pdt.assert_frame_equal(artifacts["supply_costs"], made.costs)
    assert artifacts["supply_notes"]["note"].tolist() == made.notes
    pdt.assert_frame_equal(artifacts["load"], capacity_load(company, made.plan))
    required = capacity_load(company, made.plan, column="required")
    pdt.assert_frame_equal(artifacts["required_load"], required)
    by_family = load_by_family(company, made.plan, column="required")
    pdt.assert_frame_equal(artifacts["overloads"], overloads(required, by_family))


def test_the_family_sheets_show_the_plan_of_the_review(sample_cycle):
    run, artifacts = sample_cycle
    again = supply_review(run, {"demand": artifacts["demand"],
                                "lag_one_forecast": artifacts["lag_one_forecast"]})
    sheets, plan = again["family_sheets"], again["plan"]
    planned = sheets[sheets["period"] == "plan"]
    assert set(planned["family"]) == set(plan["family"])
    pdt.assert_frame_equal(again["plan"], artifacts["plan"])
