"""Fixtures of the interactive widget tests: an IPython shell, as a notebook kernel has, and a
small sample company whose demand review has run.

The matplotlib Agg backend is set here, before anything imports ipywidgets or the widgets:
pytest imports this file before the test modules of this folder.
"""
import builtins
import shutil
import sys
import types

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from traitlets.config import Config  # noqa: E402

from sop_lib.data.sample import write_sample  # noqa: E402
from sop_lib.run.workbook import open_workbook  # noqa: E402

USER_MODULE = "sop_interactive_tests"


@pytest.fixture(scope="module", autouse=True)
def ipython(tmp_path_factory):
    """An IPython shell, as a notebook kernel has: the widgets capture what is displayed from it."""
    added = {"__IPYTHON__", "display"} - set(vars(builtins))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
        config = Config()
        config.HistoryManager.enabled = False
        yield InteractiveShell.instance(config=config,
                                        user_module=types.ModuleType(USER_MODULE))
        InteractiveShell.clear_instance()
    for name in added:
        vars(builtins).pop(name, None)
    sys.modules.pop(USER_MODULE, None)


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory):
    """A small sample company whose demand review has run (its artifacts are shared)."""
    root = tmp_path_factory.mktemp("interactive")
    folder = write_sample(root / "company", seed=3, skus=12, months=30)
    places = {"reports_dir": root / "reports", "archive_dir": root / "archive"}
    open_workbook(data_dir=folder, **places).run("demand")
    return folder, places


@pytest.fixture(scope="session")
def shared_wb(reviewed):
    """A workbook on the reviewed company, for the tests that write nothing."""
    return open_workbook(data_dir=reviewed[0], **reviewed[1])


@pytest.fixture
def company_dir(reviewed, tmp_path):
    """A copy of the reviewed company folder, for a test to change."""
    return shutil.copytree(reviewed[0], tmp_path / "company")


@pytest.fixture
def open_copy(reviewed, company_dir):
    """Open a workbook on the copy, reading the shared demand artifacts."""
    return lambda **options: open_workbook(data_dir=company_dir, **reviewed[1], **options)
