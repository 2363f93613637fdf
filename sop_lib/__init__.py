"""S&OP Workbooks: the logic of the monthly S&OP cycle, testable without a notebook."""
from .company import Company, CompanyConfig
from .errors import DataError, ParameterError, Problem, RunError, SopError

__all__ = ["Company", "CompanyConfig", "DataError", "ParameterError", "Problem", "RunError",
           "SopError"]
__version__ = "0.1.0"
