"""Tests of sop_lib.executive.review: the executive step's KPIs and statuses are those of the
published plan, with production adherence as the last KPI."""
import pandas as pd
import pandas.testing as pdt

from sop_lib.executive.kpis import family_status, headline_kpis
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
