"""Tests of sop_lib.core.names: the Total row and the family-month key read the same in every
table that has them."""
from sop_lib.core.names import KEY, TOTAL
from sop_lib.pack.plan_of_record import financial_plan


def test_tables_with_a_total_row_name_it_total(sample_cycle):
    _, artifacts = sample_cycle
    assert TOTAL in set(artifacts["accuracy"]["family"])
    assert TOTAL in set(financial_plan(artifacts["money"])["family"])
    assert TOTAL in set(artifacts["outlook"].iloc[:, 0])


def test_the_family_month_key_identifies_each_row_of_the_plan_tables(sample_cycle):
    _, artifacts = sample_cycle
    for name in ("plan", "money", "demand"):
        frame = artifacts[name]
        assert not frame.duplicated(KEY).any(), name
        assert frame[KEY].notna().all().all(), name
