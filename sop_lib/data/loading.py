"""Reading a company folder: the raw tables as text, and company.yaml.

A table is `<name>.csv`, `<name>.parquet` or a sheet `<name>` of a single `.xlsx` workbook.
Every value is read as text (trimmed), so that validation sees what the planner wrote; the index
of a raw frame is the row number a spreadsheet shows (header = row 1, first data row = 2).
A table is held as a list of columns of text (Arrow string arrays) while it is tidied: a plain
CSV file (no quotes, no NUL bytes, every line as wide as the first) is parsed by Arrow's reader,
any other by Python's `csv` module, which reads the same cells, only slower and with the exact
position of whatever is wrong.
"""
from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml
from openpyxl.utils.exceptions import InvalidFileException
from pandas.api.types import infer_dtype

from sop_lib.core.errors import Problem, yaml_error_line
from sop_lib.data.company import CompanyConfig, StatusBands
from sop_lib.data.contract import CONFIG_FILE, TABLES
from sop_lib.data.settings import BAND_SETTINGS, COMPANY_SETTINGS, STATUS_BANDS, Setting
from sop_lib.data.sources import (
    SOURCES_FILE,
    kept_queries,
    read_sources,
    run_queries,
    write_kept_queries,
)

TABLE_SUFFIXES = (".csv", ".parquet")
EXCEL_SUFFIX = ".xlsx"
_TABLE_NAMES = {t.name for t in TABLES}
_MIXED = ("mixed", "mixed-integer")  # pandas' infer_dtype of a column of several kinds
_DAMAGED_FILE_ERRORS = (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException,
                        pyarrow.ArrowException)


@dataclass(frozen=True)
class RawTable:
    """One table as read from its file.

    `frame` holds every value as trimmed text ("" for an empty cell), lower-case column names,
    and the spreadsheet row number of each row as its index; blank rows are dropped.
    """

    name: str
    file: str
    path: Path
    frame: pd.DataFrame


@dataclass(frozen=True)
class _Source:
    """Where a table was found: a file, or a sheet of a workbook (read with the workbook)."""

    name: str
    path: Path
    sheet: str | None = None
    columns: list[pyarrow.Array] | None = None
    query: str | None = None  # how messages name a query's result: `items (query in ...)`

    @property
    def file(self) -> str:
        if self.query:
            return self.query
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


def read_tables(folder: Path | str, *,
                snapshot: Path | None = None) -> tuple[dict[str, RawTable | None], list[Problem]]:
    """Read every table of the contract found in `folder`: its files, and the queries of its
    sources.yaml, if any.

    Returns the tables by name and the problems met while reading (unreadable files, a table
    given twice, trimmed whitespace as warnings). A table absent from the folder has no entry;
    one that could not be read (or may sit in an unreadable workbook or database) maps to None.
    With `snapshot`, each query's result is also written there as `<table>.parquet`, every
    value as the text read, so that the folder can be read again as the run read it.
    """
    sources, problems = _find_sources(Path(folder))
    queried, query_problems = _query_sources(Path(folder))
    problems += query_problems
    for name, found in queried.items():
        sources.setdefault(name, []).extend(found)
        if snapshot is not None and found:
            _write_snapshot(found[0], snapshot)
    if snapshot is not None and any(queried.values()):
        write_kept_queries(snapshot, {name: found[0].query for name, found in queried.items()
                                      if found})
    tables: dict[str, RawTable | None] = {}
    for name, found in sources.items():
        if not found:
            tables[name] = None
        elif len(found) > 1:
            files = " and ".join(s.file for s in found)
            problems.append(Problem(found[0].file, f"the table {name} is given twice, as {files}; "
                                    "keep only one"))
            tables[name] = None
        else:
            tables[name], read_problems = _read_source(found[0])
            problems += read_problems
    return tables, problems


def read_config(folder: Path | str) -> tuple[CompanyConfig | None, list[Problem]]:
    """Read and check `company.yaml`: name and currency required, ranges of the other keys."""
    path = Path(folder) / CONFIG_FILE
    if not path.is_file():
        return None, [Problem(CONFIG_FILE, "the file is missing; expected company.yaml with at "
                              "least `name:` and `currency:`")]
    try:
        settings = yaml.safe_load(_decode(path.read_bytes()))
    except UnicodeDecodeError:
        return None, [Problem(CONFIG_FILE, "not UTF-8; save it as UTF-8 text")]
    except yaml.YAMLError as error:
        return None, [Problem(CONFIG_FILE, "not valid YAML; expected `key: value` lines such as "
                              "`name: Acme`", row=yaml_error_line(error))]
    if not isinstance(settings, dict):
        return None, [Problem(CONFIG_FILE, "expected `key: value` lines with at least `name:` "
                              "and `currency:`")]
    return _config_from(settings)



def _config_from(settings: dict) -> tuple[CompanyConfig | None, list[Problem]]:
    """The CompanyConfig of a parsed company.yaml, or the problems that prevent it."""
    values, problems = _read_settings(settings, COMPANY_SETTINGS, "key", known=(STATUS_BANDS,))
    values[STATUS_BANDS], band_problems = _status_bands(settings.get(STATUS_BANDS))
    problems += band_problems
    if any(p.is_error for p in problems):
        return None, problems
    return CompanyConfig(**values), problems


def _status_bands(settings) -> tuple[StatusBands, list[Problem]]:
    """The StatusBands of the `status_bands:` mapping (absent or empty: the defaults)."""
    if settings is None:
        return StatusBands(), []
    if not isinstance(settings, dict):
        return StatusBands(), [Problem(
            CONFIG_FILE, f"expected a mapping of band: number lines indented under "
            f"{STATUS_BANDS}:, e.g. `  {BAND_SETTINGS[0].name}: {BAND_SETTINGS[0].default_text}`",
            column=STATUS_BANDS, value=str(settings))]
    values, problems = _read_settings(settings, BAND_SETTINGS, "status band",
                                      prefix=f"{STATUS_BANDS}.")
    return StatusBands(**values), problems


def _read_settings(settings: dict, definitions: tuple[Setting, ...], what: str, *,
                   prefix: str = "", known: tuple[str, ...] = ()) -> tuple[dict, list[Problem]]:
    """The values of `definitions` in a mapping of company.yaml (a setting left out: its
    default), a problem for each refused value or amber band below its green one, and a warning
    for each unknown key (`known` keys are read elsewhere)."""
    names = [d.name for d in definitions] + list(known)
    problems = [Problem(CONFIG_FILE, f"unknown {what}, it is ignored; expected one of "
                        + ", ".join(names), column=f"{prefix}{key}", severity="warning")
                for key in settings if key not in names]
    values = {}
    for setting in definitions:
        written = settings.get(setting.name, setting.default)
        value = setting.read(written)
        if value is None:
            problems.append(Problem(CONFIG_FILE, setting.expected, column=prefix + setting.name,
                                    value=None if written is None else str(written)))
        else:
            values[setting.name] = value
    for amber in definitions:
        green = amber.contains
        if green in values and amber.name in values and values[amber.name] < values[green]:
            problems.append(Problem(CONFIG_FILE, f"expected at least {green} ({values[green]:g})"
                                    ": the amber band contains the green one",
                                    column=prefix + amber.name, value=f"{values[amber.name]:g}"))
    return values, problems


def _find_sources(folder: Path) -> tuple[dict[str, list[_Source]], list[Problem]]:
    """Every place each table is found: its files and workbook sheets."""
    sources: dict[str, list[_Source]] = {}
    problems: list[Problem] = []
    excel_files = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(("~$", ".")):
            continue
        suffix, stem = path.suffix.lower(), path.stem.strip().lower()
        if suffix in TABLE_SUFFIXES and stem in _TABLE_NAMES:
            sources.setdefault(stem, []).append(_Source(stem, path))
        elif suffix == EXCEL_SUFFIX:
            sheets, sheet_problems = _read_excel_file(path)
            problems += sheet_problems
            excel_files += [path.name] if sheets else []
            for sheet, records in sheets.items():
                name = sheet.strip().lower()
                sources.setdefault(name, []).append(_Source(name, path, sheet, records))
            if sheet_problems:  # tables in an unreadable workbook: unknown, not missing
                sources.update({n: [] for n in _TABLE_NAMES if n not in sources})
    if len(excel_files) > 1:
        problems.append(Problem(excel_files[0], "tables found in more than one .xlsx workbook ("
                                + ", ".join(excel_files) + "); keep them in a single workbook"))
    for name, query in kept_queries(folder).items():  # a run's kept inputs: name the query
        if name in sources:
            sources[name] = [replace(s, query=f"{query}, kept as {s.path.name}")
                             for s in sources[name]]
    return sources, problems


def _query_sources(folder: Path) -> tuple[dict[str, list[_Source]], list[Problem]]:
    """The result of each query of the folder's sources.yaml as a source; a table whose
    query could not run (or every table, when the database or sources.yaml could not be read)
    has no source: unknown, not missing."""
    sources, problems = read_sources(folder, _TABLE_NAMES)
    if sources is None:
        unknown = any(p.is_error for p in problems)
        return ({name: [] for name in _TABLE_NAMES} if unknown else {}), problems
    frames, query_problems = run_queries(sources)
    problems += query_problems
    return {name: [_Source(name, folder / SOURCES_FILE, query=query.label,
                           columns=_text_columns(frames[name], header=True))]
                   if name in frames else []
            for name, query in sources.queries.items()}, problems


def _write_snapshot(source: _Source, folder: Path) -> None:
    """A query's result, as the text read, to `folder/<table>.parquet`."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [column[0].as_py() for column in source.columns]
    result = pyarrow.Table.from_arrays([c.slice(1) for c in source.columns], names=names)
    pq.write_table(result, folder / f"{source.name}.parquet")


def _read_excel_file(path: Path) -> tuple[dict[str, list[pyarrow.Array]], list[Problem]]:
    """The text columns of every sheet of a workbook named like a table of the contract."""
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = [s for s in book.sheet_names if s.strip().lower() in _TABLE_NAMES]
            grids = {s: pd.read_excel(book, sheet_name=s, header=None, dtype=object)
                     for s in sheets}
    except _DAMAGED_FILE_ERRORS as error:
        return {}, [Problem(path.name, f"could not be read as an Excel workbook ({error}); "
                            "save it again from Excel as .xlsx")]
    return {sheet: _text_columns(grid) for sheet, grid in grids.items()}, []


def _read_source(source: _Source) -> tuple[RawTable | None, list[Problem]]:
    """Read one table from its file or sheet into a RawTable of trimmed text."""
    readers = {".csv": _read_csv_columns, ".parquet": _read_parquet_columns}
    try:
        columns = (source.columns if source.columns is not None
                   else readers[source.path.suffix.lower()](source))
    except _Unreadable as error:
        return None, [Problem(source.file, str(error), **error.where)]
    frame, problems = _tidy(columns, source.file)
    if frame is None:
        return None, problems
    return RawTable(source.name, source.file, source.path, frame), problems


class _Unreadable(Exception):
    """A file that cannot be read; the message says what to do, `where` where it went wrong."""

    def __init__(self, expected: str, *, row: int | None = None, column: str | None = None,
                 value: str | None = None):
        super().__init__(expected)
        self.where = {"row": row, "column": column, "value": value}


def _decode(data: bytes) -> str:
    """UTF-8 text of a file, without a byte-order mark."""
    return data.decode("utf-8-sig")


def _read_csv_columns(source: _Source) -> list[pyarrow.Array]:
    """Every row of a CSV file (header included, blank rows too) as columns of text."""
    try:
        data = source.path.read_bytes()
    except OSError as error:
        raise _Unreadable(f"could not be read ({error.strerror})") from None
    return _plain_csv_columns(data) or _columns(_read_csv_records(data))


def _plain_csv_columns(data: bytes) -> list[pyarrow.Array] | None:
    """The columns of a plain CSV file read by Arrow; None when the file is not plain.

    Plain: UTF-8, no quote character, no NUL byte, no second byte-order mark (Arrow would drop
    it), and every line (an empty one aside) holding
    as many cells as the first. Without quotes every line is one record and Arrow splits cells
    and lines exactly as the `csv` module does (empty lines give rows of empty cells, which
    `_tidy` drops as blank); anything else is left to the careful reader.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    if not data or b'"' in data or b"\0" in data or data.startswith(codecs.BOM_UTF8):
        return None
    line_end = min((i for i in (data.find(b"\n"), data.find(b"\r")) if i >= 0),
                   default=len(data))
    names = [f"c{i}" for i in range(data.count(b",", 0, line_end) + 1)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data), read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pyarrow.string()), strings_can_be_null=False))
    except pyarrow.ArrowException:
        return None
    return [column.combine_chunks() for column in table.columns]


def _read_csv_records(data: bytes) -> list[list[str]]:
    """Every row of a CSV file's bytes (header included) as a list of cells, blank rows too."""
    try:
        records = _csv_records(_decode(data))
    except UnicodeDecodeError:
        raise _not_utf8(data) from None
    start = header_index(records)
    header = [] if start is None else records[start]
    start = start or 0
    if _semicolon_separated(header):
        raise _Unreadable(_SEMICOLONS, row=start + 1)
    width = len(header)
    for number, record in enumerate(records, start=1):
        if any(cell.strip() for cell in record[width:]):
            raise _Unreadable("more values than the header has columns; check that values "
                              "holding commas are quoted", row=number)
    return [r if len(r) == width else r[:width] + [""] * (width - len(r)) for r in records]


def _csv_records(text: str) -> list[list[str]]:
    """The rows of a CSV text as lists of cells."""
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise _Unreadable(f"could not be read as CSV ({error})") from None


def _header(records: list[list[str]]) -> list[str]:
    """The first row holding a value: the header."""
    return next((r for r in records if any(c.strip() for c in r)), [])


def _not_utf8(data: bytes) -> _Unreadable:
    """The problem of a CSV file that is not UTF-8, at the first cell holding a byte that is
    not (a planner can then find the character Excel saved in another encoding)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _Unreadable("saved as UTF-16 (Unicode text); save it as CSV UTF-8")
    records = _csv_records(data.decode("utf-8-sig", errors="replace"))
    header = _header(records)
    names = [name.strip().lower() for name in header]
    for number, record in enumerate(records, start=1):
        for index, cell in enumerate(record):
            if "\ufffd" in cell:
                column = names[index] if record is not header and index < len(names) else None
                return _Unreadable("not UTF-8 (the character shown as \ufffd); save it as CSV "
                                   "UTF-8", row=number, column=column, value=cell)
    return _Unreadable("not UTF-8; save it as CSV UTF-8")


def _read_parquet_columns(source: _Source) -> list[pyarrow.Array]:
    """Every row of a Parquet file, its column names first, as columns of text."""
    try:
        frame = pd.read_parquet(source.path)
    except _DAMAGED_FILE_ERRORS as error:
        raise _Unreadable(f"could not be read as Parquet ({error})") from None
    return _text_columns(frame, header=True)


def _text_columns(frame: pd.DataFrame, *, header: bool = False) -> list[pyarrow.Array]:
    """The columns of a frame of typed cells as text, its column names first if `header`.

    Each distinct value of a column is written once (`_cell_text`) and the column is made by
    taking from those texts: a history repeats its months, SKUs and quantities many times. A
    column mixing numbers with text or booleans (where 1 and True would count as one value)
    is written cell by cell."""
    columns = []
    for name, values in frame.items():
        if values.dtype == object and infer_dtype(values, skipna=True) in _MIXED:
            values = pd.Series([_cell_text(v) for v in values], dtype=object)
        codes, distinct = pd.factorize(values)
        texts = pyarrow.array(([str(name)] if header else []) + [_cell_text(v) for v in distinct]
                              + [""], pyarrow.string())
        order = np.where(codes < 0, len(texts) - 1, codes + header)  # empty cells: ""
        columns.append(texts.take(np.concatenate([[0], order]) if header else order))
    return columns


def _columns(records: list[list[str]]) -> list[pyarrow.Array]:
    """Rows of text cells, all as wide as the first, as columns."""
    return [pyarrow.array([record[i] for record in records], pyarrow.string())
            for i in range(len(records[0]) if records else 0)]


def _cell_text(value) -> str:
    """A typed cell (Parquet, Excel) as the text a planner would have typed."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (datetime.datetime, pd.Timestamp)) and value == value.replace(
            hour=0, minute=0, second=0, microsecond=0):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return repr(float(value)).removesuffix(".0")
    return str(value)


def _tidy(columns: list[pyarrow.Array], file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A frame of the rows under the header (see `_header_at`; a title row above it is skipped
    with a warning): column names stripped and lower-cased, blank rows dropped, values trimmed
    (a warning per column where it happened), and the spreadsheet row numbers as index."""
    stripped = [pc.utf8_trim_whitespace(column) for column in columns]
    filled = np.flatnonzero(_holds_a_value(stripped))
    if not filled.size:
        return pd.DataFrame(index=pd.Index([], dtype=int)), []
    at = _header_at([[column[int(row)].as_py() for column in stripped]
                     for row in filled[:_TITLE_ROWS + 1]])
    header, body = int(filled[at]) + 1, filled[at + 1:]
    names = [column[header - 1].as_py().lower() for column in stripped]
    if _semicolon_separated(names):
        return None, [Problem(file, _SEMICOLONS, row=header)]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        return None, [Problem(file, "the column appears more than once; keep only one",
                              row=header, column=name) for name in repeated]
    named = [(i, name) for i, name in enumerate(names) if name]
    every_row = body.size == len(stripped[0]) - header  # no blank row to leave out
    frame = pd.DataFrame({name: pd.Series(stripped[i].slice(header) if every_row
                                          else stripped[i].take(body), dtype=str)
                          for i, name in named})
    frame.index = pd.Index(body + 1, dtype=int)
    titles = [_title_warning(stripped, int(row), header, file) for row in filled[:at]]
    return frame, titles + [warning for i, name in named
                            if (warning := _trim_warning(columns[i], stripped[i], body, file,
                                                         name))]


def _holds_a_value(columns: list[pyarrow.Array]) -> np.ndarray:
    """Where a row holds a value in any of the columns."""
    found = np.zeros(len(columns[0]) if columns else 0, dtype=bool)
    for column in columns:
        found |= pc.not_equal(column, "").to_numpy(zero_copy_only=False)
    return found


_SEMICOLONS = ("the columns are separated by semicolons; expected commas (save it as CSV UTF-8 "
               "(comma delimited))")
_COLUMN_NAMES = frozenset(column.name for table in TABLES for column in table.columns)
_TITLE_ROWS = 10  # how many filled rows above the header may be titles


def header_index(records: list[list[str]]) -> int | None:
    """The position of the header among a CSV file's records, as loading finds it (title rows
    above it skipped); None when no record holds a value."""
    filled = _first_filled(records)
    return filled[_header_at([records[i] for i in filled])] if filled else None


def _first_filled(records: list[list[str]]) -> list[int]:
    """The positions of the first rows holding a value, as many as may be titles and header."""
    filled: list[int] = []
    for index, record in enumerate(records):
        if len(filled) > _TITLE_ROWS:
            break
        if any(cell.strip() for cell in record):
            filled.append(index)
    return filled


def _header_at(rows: list[list[str]]) -> int:
    """Which of the first filled rows (their cells) is the header: the first naming at least
    two columns of the contract (separated by commas, or by the semicolons `_tidy` refuses),
    the rows above it being titles; else the first."""
    return next((at for at, cells in enumerate(rows)
                 if len({name.strip().lower() for cell in cells for name in cell.split(";")}
                        & _COLUMN_NAMES) >= 2), 0)


def _semicolon_separated(header: list[str]) -> bool:
    """Whether a header row was written with semicolons between its names: it holds more
    semicolons than commas split it into filled cells (whatever commas the values hold)."""
    names = [name for name in header if name.strip()]
    return bool(names) and sum(name.count(";") for name in names) >= len(names)


def _title_warning(columns: list[pyarrow.Array], row: int, header: int, file: str) -> Problem:
    """The warning of a title row (a position in the columns) skipped above the header."""
    cells = [text for column in columns if (text := column[row].as_py())]
    return Problem(file, f"skipped as a title above the header in row {header}", row=row + 1,
                   value=" ".join(cells), severity="warning")


def _trim_warning(column: pyarrow.Array, stripped: pyarrow.Array, rows: np.ndarray, file: str,
                  name: str) -> Problem | None:
    """A warning when spaces were removed around some values of a column (of rows `rows`,
    positions in the column)."""
    changed = rows[pc.not_equal(column, stripped).to_numpy(zero_copy_only=False)[rows]]
    if not changed.size:
        return None
    more = changed.size - 1
    return Problem(file, "spaces around the value were removed"
                   + (f" (and in {more} more row(s) of this column)" if more else ""),
                   row=int(changed[0]) + 1, column=name, value=column[int(changed[0])].as_py(),
                   severity="warning")
