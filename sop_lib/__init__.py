"""S&OP Workbooks: the logic of the monthly S&OP cycle, testable without a notebook.

The public face, for a notebook or a script (everything else may move between releases):

- `run_cycle(data_dir=..., reports_dir=..., cycle=...)`: run the monthly cycle and publish the
  pack, as `sop run` does;
- `open_workbook(cycle=..., data_dir=...)`: a notebook's view of a cycle (its company, its
  artifacts, its steps), as every notebook's first cell opens it;
- `load_company(folder)`: a checked, typed company folder (`DataError` lists every problem);
  `check_company(folder)` returns the problems instead, as `sop validate` does;
- `forecast_frame(df, horizon)`: the batched forecasting engine on any long frame of series,
  as `sop forecast` does;
- `write_sample(folder)`: the sample company;
- `Company`, `CompanyConfig` and the errors `SopError`, `DataError`, `ParameterError`,
  `RunError` with their `Problem`s.

Names are imported when first used, so `import sop_lib` stays light.
"""
from importlib import import_module

_HOMES = {
    "run_cycle": "sop_lib.run.runner",
    "open_workbook": "sop_lib.run.workbook",
    "load_company": "sop_lib.data.validation",
    "check_company": "sop_lib.data.validation",
    "forecast_frame": "sop_lib.engine.frame",
    "write_sample": "sop_lib.data.sample",
    "Company": "sop_lib.data.company",
    "CompanyConfig": "sop_lib.data.company",
    "SopError": "sop_lib.core.errors",
    "DataError": "sop_lib.core.errors",
    "ParameterError": "sop_lib.core.errors",
    "RunError": "sop_lib.core.errors",
    "Problem": "sop_lib.core.errors",
}
__all__ = sorted(_HOMES)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'sop_lib' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
