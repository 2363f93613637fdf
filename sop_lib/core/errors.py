"""The exceptions sop_lib raises, each with a message a planner can act on."""
from __future__ import annotations


class SopError(Exception):
    """Base class of every error sop_lib raises on purpose."""


class DataError(SopError):
    """A company folder has problems; `problems` lists every one of them."""

    def __init__(self, problems):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        super().__init__(f"{len(lines)} problem(s) in the company data:\n" + "\n".join(lines))


class ParameterError(SopError):
    """A run or notebook parameter is missing, unknown or out of range."""


class RunError(SopError):
    """A step of the monthly run failed; nothing was published."""


class ApprovedPackError(RunError):
    """The cycle's pack is approved and the run was not told to replace it; nothing ran."""


class Problem:
    """One problem found in a company folder, located as a planner would look for it."""

    __slots__ = ("column", "expected", "file", "row", "severity", "value")

    def __init__(self, file, expected, *, row=None, column=None, value=None, severity="error"):
        self.file, self.row, self.column = file, row, column
        self.value, self.expected, self.severity = value, expected, severity

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        what = f"value {self.value!r}: " if self.value is not None else ""
        return f"{self.severity.upper()} {', '.join(where)}: {what}{self.expected}"

    def __repr__(self) -> str:
        return f"Problem({self})"


def yaml_error_line(error) -> int | None:
    """The line of a YAML mistake (a yaml.YAMLError): where reading stopped or, when the file
    ended inside an unclosed bracket or quote, the line that opened it."""
    mark = getattr(error, "problem_mark", None)
    if "stream" in str(getattr(error, "problem", "")):  # "end of stream", "<stream end>"
        mark = getattr(error, "context_mark", None) or mark
    return mark.line + 1 if mark else None
