"""Tests of sop_lib's public face: the few names a notebook or script needs, importable from
the package, documented, and loaded only when used."""
import subprocess
import sys

import pytest

import sop_lib
from sop_lib.data.validation import load_company
from sop_lib.run.runner import SAMPLE_DIR


@pytest.mark.parametrize("name", sop_lib.__all__)
def test_every_public_name_is_importable_and_documented(name):
    value = getattr(sop_lib, name)
    assert value.__doc__ and value.__doc__.strip()
    assert name in dir(sop_lib)


def test_the_public_names_are_the_library_s_own_objects():
    assert sop_lib.load_company is load_company
    company = sop_lib.load_company(SAMPLE_DIR)
    assert isinstance(company, sop_lib.Company)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'supply_plan'"):
        sop_lib.supply_plan  # noqa: B018


def test_importing_the_package_loads_neither_the_runner_nor_the_engine():
    code = ("import sys, sop_lib; "
            "print(sorted(m for m in ('papermill', 'sop_lib.run.runner', 'sop_lib.engine', "
            "'pandas') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
