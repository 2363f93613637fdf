"""S&OP Workbooks: the logic of the monthly S&OP cycle, testable without a notebook."""
from sop_lib.core.errors import DataError, ParameterError, Problem, RunError, SopError
from sop_lib.data.company import Company, CompanyConfig

__all__ = ["Company", "CompanyConfig", "DataError", "ParameterError", "Problem", "RunError",
           "SopError"]
__version__ = "0.1.0"
