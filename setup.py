"""The build hook (everything else is in pyproject.toml): the wheel carries copies of the
repository's notebooks, sample company and data contract under `sop_lib/bundled/`, at the same
paths as in the repository, where `sop_lib.run.resources` finds them."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("notebooks", "data/sample", "docs/data-contract.md")
UNWANTED = shutil.ignore_patterns(".*", "__pycache__")  # .ipynb_checkpoints among them


class BuildPy(build_py):
    """build_py, then the copies; an editable install reads the repository's own folders."""

    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, "sop_lib", "bundled")
        shutil.rmtree(target, ignore_errors=True)  # no file left from an earlier build
        for name in BUNDLED:
            source, copy = HERE / name, target / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, copy, ignore=UNWANTED)
            else:
                shutil.copyfile(source, copy)


setup(cmdclass={"build_py": BuildPy})
