import pandas as pd
import pytest

from sop_lib.core.errors import ParameterError
from sop_lib.run.parameters import check_parameters


def test_defaults_and_cycle_parsed(tmp_path):
    params = check_parameters(cycle="2026-11", data_dir=str(tmp_path), horizon=24)
    assert params.cycle == pd.Period("2026-11", "M")
    assert params.horizon == 24
    assert check_parameters(data_dir=str(tmp_path)).cycle is None


@pytest.mark.parametrize("given, words", [
    ({"cycle": "2026-13"}, "cycle '2026-13'"),
    ({"cycle": "01/02/2024"}, "cycle '01/02/2024'"),
    ({"horizon": 6}, "horizon 6"),
    ({"horizon": "18"}, "horizon '18'"),
    ({"horizon": True}, "horizon True"),
    ({"colour": "red"}, "unknown parameter 'colour'; known parameters: cycle, data_dir"),
])
def test_bad_parameters_are_named(tmp_path, given, words):
    with pytest.raises(ParameterError) as error:
        check_parameters(data_dir=str(tmp_path), **given)
    assert words in str(error.value)


def test_every_problem_is_listed():
    with pytest.raises(ParameterError) as error:
        check_parameters(data_dir="/no/such/folder", cycle="soon", horizon=99)
    message = str(error.value)
    assert "data_dir '/no/such/folder' is not a folder" in message
    assert "cycle 'soon'" in message and "horizon 99" in message
