"""Tests of sop_lib.run.workbook: a notebook's view of the cycle, from its parameters cell to
the artifacts its step writes and the ones it reads back."""
import pandas as pd
import pandas.testing as pdt
import pytest

from sop_lib import open_workbook
from sop_lib.core.errors import ParameterError
from sop_lib.pack.formatting import default_currency
from sop_lib.run.runner import SAMPLE_DIR


def test_the_defaults_plan_the_month_after_the_last_closed_one_over_the_company_horizon(
        tmp_path):
    wb = open_workbook(data_dir=str(SAMPLE_DIR), reports_dir=str(tmp_path),
                       archive_dir=str(tmp_path / "archive"))
    assert wb.cycle == wb.company.last_closed_month + 1
    assert wb.horizon == wb.company.config.horizon_months
    assert wb.store.folder == tmp_path / wb.cycle.strftime("%Y-%m") / "artifacts"
    assert default_currency() == wb.company.config.currency


def test_a_step_run_from_the_workbook_is_read_back_unchanged(tmp_path):
    wb = open_workbook(cycle="2026-11", data_dir=str(SAMPLE_DIR), reports_dir=str(tmp_path),
                       archive_dir=str(tmp_path / "archive"), horizon=12)
    assert (wb.cycle, wb.horizon) == (pd.Period("2026-11", "M"), 12)
    made = wb.run("demand")
    again = wb.read("demand", "consensus")
    pdt.assert_frame_equal(again["demand"], made["demand"])
    assert set(again["consensus"]["month"]) == set(pd.period_range("2026-11", periods=12,
                                                                     freq="M"))


def test_a_wrong_parameters_cell_is_refused_before_anything_is_read(tmp_path):
    with pytest.raises(ParameterError, match="horizon"):
        open_workbook(data_dir=str(SAMPLE_DIR), reports_dir=str(tmp_path), horizon=3)
