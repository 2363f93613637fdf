"""Writing the override editor's rows to the company's overrides.csv.

Rows are added at the end and nothing earlier is edited: each earlier row keeps its bytes, the
file its header order and line endings (a line break is added first when the file does not end
with one), and a missing file is created with its header. The only other change is to a header
without the log's `action` and `entered` columns, which gains them at its end, so that a change
or withdrawal says what it is and every row when it was entered. The file as it would be is first
checked with the rules of `sop validate` (the company folder checked with the new file in its
place) and with the consensus' own checks; when anything is wrong nothing is written, and a good
file replaces the old one in one rename. Overrides kept in a .parquet file or an .xlsx workbook
are not edited: the editor says so and shows the rows to add.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from sop_lib.core.errors import DataError, SopError
from sop_lib.data.loading import header_index
from sop_lib.data.override_log import override_log
from sop_lib.data.validation import check_company
from sop_lib.demand.consensus import OVERRIDES_FILE, apply_override_log

FILE_COLUMNS = ["level", "code", "month", "kind", "value", "owner", "reason", "action",
                "entered"]
LOG_COLUMNS = ["action", "entered"]


def overrides_file(company) -> Path:
    """The company's overrides.csv (which may not exist yet); raises SopError when the
    overrides are kept in a .parquet file or an .xlsx workbook."""
    path = company.files.get("overrides")
    if path is None:
        return Path(company.folder) / OVERRIDES_FILE
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        raise SopError(f"The overrides are read from a database ({Path(path).name}): the "
                       f"editor only adds rows to {OVERRIDES_FILE}. Add the rows below to the "
                       "database's overrides table yourself.")
    if Path(path).suffix.lower() != ".csv":
        raise SopError(f"The overrides are kept in {Path(path).name}: the editor only adds "
                       f"rows to {OVERRIDES_FILE}. Add the rows below to {Path(path).name} "
                       "yourself.")
    return Path(path)


def with_rows(existing: bytes, rows: list[dict[str, str]]) -> bytes:
    """The bytes of an overrides CSV holding `existing` with `rows` added at its end.

    Cells follow the file's header (matched ignoring case and spaces; columns the file lacks are
    left out, others it has stay empty); a header without `action` and `entered` gains them; the
    file's line ending is used (a line break first when it does not end with one); a file
    without a header gets FILE_COLUMNS first.
    """
    try:
        text = existing.decode("utf-8-sig")
        records = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        raise SopError(f"{OVERRIDES_FILE} cannot be read as CSV UTF-8 ({error}); fix it "
                       "before adding overrides.") from None
    at = header_index(records)
    header = None if at is None else records[at]
    ending = _line_ending(existing)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=ending)
    if header is None:
        header = FILE_COLUMNS
        writer.writerow(header)
        start = existing
    else:
        columns = {name.strip().lower() for name in header}
        added = [name for name in LOG_COLUMNS if name not in columns]
        start = _extended_header(existing, header, added)
        header = header + added
        if text and not text.endswith(("\n", "\r")):
            buffer.write(ending)
    names = [name.strip().lower() for name in header]
    writer.writerows([row.get(name, "") for name in names] for row in rows)
    return start + buffer.getvalue().encode("utf-8")


def _extended_header(existing: bytes, header: list[str], added: list[str]) -> bytes:
    """`existing` with `added` columns at the end of its `header` line (the first line that
    reads as it, title lines above it left alone)."""
    if not added:
        return existing
    at = 0
    for line in existing.splitlines(keepends=True):
        text = line.decode("utf-8").removeprefix("\ufeff")
        if next(csv.reader([text.rstrip("\r\n")]), []) == header:
            end = at + len(line.rstrip(b"\r\n"))
            return existing[:end] + "".join(f",{name}" for name in added).encode() + (
                existing[end:])
        at += len(line)
    raise SopError(f"The header of {OVERRIDES_FILE} spans more than one line; write its "
                   "column names on one line before adding overrides.")


def _line_ending(data: bytes) -> str:
    """The line ending of a file: that of its first line; \\n when it has none."""
    at = data.find(b"\n")
    if at > 0 and data[at - 1:at] == b"\r":
        return "\r\n"
    if at < 0 and b"\r" in data:
        return "\r"
    return "\n"


def checked_log(company, name: str, content: bytes, *, cycle: pd.Period,
                forecast: pd.DataFrame) -> pd.DataFrame:
    """The overrides log (`sop_lib.data.override_log.override_log`) of the company folder with
    its file `name` holding `content`; raises DataError when `sop validate` would report an error
    in the folder or the overrides in force cannot be applied to `forecast`. The company folder
    is not touched: the check runs on a temporary folder holding links to (or copies of) its
    other files."""
    with tempfile.TemporaryDirectory(prefix="sop-overrides-") as temporary:
        folder = Path(temporary)
        for path in Path(company.folder).iterdir():
            if path.is_file() and path.name != name:
                _link(path, folder / path.name)
        (folder / name).write_bytes(content)
        candidate, problems = check_company(folder, cycle=cycle)
    if candidate is None:
        raise DataError([p for p in problems if p.is_error])
    origin = candidate.origin("overrides")
    apply_override_log(forecast, candidate.overrides, candidate.items, origin=origin)
    return override_log(candidate.overrides, origin[1])


def _link(source: Path, target: Path) -> None:
    try:
        target.symlink_to(source.resolve())
    except OSError:
        shutil.copy2(source, target)


def save_overrides(company, rows: list[dict[str, str]], *, cycle: pd.Period,
                   forecast: pd.DataFrame) -> pd.DataFrame:
    """Add `rows` to the company's overrides.csv when the file with them passes the checks of
    `checked_log`, and return the overrides log as saved. Raises DataError (or SopError, see
    `overrides_file`) and writes nothing otherwise."""
    path = overrides_file(company)
    existing = path.read_bytes() if path.exists() else b""
    content = with_rows(existing, rows)
    log = checked_log(company, path.name, content, cycle=cycle, forecast=forecast)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".overrides-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        if path.exists():
            shutil.copymode(path, name)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
    return log
