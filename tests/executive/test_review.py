"""Tests of sop_lib.executive.review: the executive step's KPIs and statuses are those of the
published plan, with production adherence as the last KPI, and the loop (last meeting, last
month) is that of the plan archive."""
import pandas as pd
import pandas.testing as pdt

from sop_lib.executive.kpis import family_status, headline_kpis
from sop_lib.executive.loop import last_month_performance, meeting_record, since_last_meeting
from sop_lib.supply.adherence import adherence_kpi


def test_the_kpis_are_the_headline_kpis_then_production_adherence(sample_cycle):
    run, artifacts = sample_cycle
    headline = headline_kpis(run.company, artifacts["plan"], artifacts["load"],
                             artifacts["money"], artifacts["outlook"],
                             artifacts["accuracy_headline"],
                             required_load=artifacts["required_load"])
    kpis = artifacts["kpis"]
    pdt.assert_frame_equal(kpis.iloc[:-1], headline)
    adherence = pd.DataFrame([adherence_kpi(artifacts["production_adherence"])],
                             columns=kpis.columns)
    pdt.assert_frame_equal(kpis.iloc[-1:].reset_index(drop=True), adherence)


def test_each_family_status_judges_the_plan_with_its_plan_accuracy(sample_cycle):
    run, artifacts = sample_cycle
    expected = family_status(run.company, artifacts["plan"], artifacts["money"],
                             artifacts["plan_accuracy"])
    pdt.assert_frame_equal(artifacts["family_status"], expected)
    assert set(expected["family"]) == set(artifacts["plan"]["family"])


def test_the_loop_is_the_last_meeting_and_last_month_of_the_plan_archive(sample_cycle):
    run, artifacts = sample_cycle
    _, taken, actions = since_last_meeting(run.archive_dir, run.cycle)
    pdt.assert_frame_equal(artifacts["last_meeting"], meeting_record(taken, actions))
    last_month = last_month_performance(run.company, run.archive_dir, run.cycle)
    pdt.assert_frame_equal(artifacts["last_month"], last_month)
    assert (last_month["month"] == run.company.last_closed_month).all()
