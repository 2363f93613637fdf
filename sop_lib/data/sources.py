"""Tables read from a database: `sources.yaml` in a company folder.

It names one connection (a SQLAlchemy URL) and, per table of the contract, the SQL query whose
result columns follow the contract; the other tables stay files. Secrets come from environment
variables written `${NAME}` in the URL: they are never written back anywhere, and any message
that could hold one shows it as `***`. Every query runs in one connection, read-only on
PostgreSQL (one repeatable-read snapshot: all tables as of the same moment) and SQLite
(`query_only`); for another database, connect as a user who can only read.
SQLAlchemy is imported only when a folder has a sources.yaml (it takes 0.3 s to import).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import pandas as pd
import yaml

from sop_lib.core.errors import Problem, yaml_error_line

SOURCES_FILE = "sources.yaml"
KEPT_QUERIES = "queried.yaml"  # in a run's kept inputs: which query each kept table came from
DEFAULT_TIMEOUT = 10
EXAMPLE = """\
connection: postgresql+psycopg://planner:${SOP_DB_PASSWORD}@erp-reporting.example.com/erp
connect_timeout: 10            # seconds to wait for the database before giving up
tables:
  demand_history: |            # the query, written in place ...
    SELECT item_code AS sku, period AS month, booked_qty AS bookings, shipped_qty AS shipments
    FROM sales.monthly_demand ORDER BY item_code, period
  inventory:
    file: queries/inventory.sql   # ... or in a file beside sources.yaml
"""
FIELDS = (
    ("connection", "text", "yes", "The database as a SQLAlchemy URL, e.g. "
     "`postgresql+psycopg://user:${SOP_DB_PASSWORD}@host/db` or `sqlite:///erp.sqlite` (a "
     "relative SQLite path is read from the company folder). `${NAME}` is replaced by the "
     "environment variable NAME: keep passwords there, never in the file."),
    ("connect_timeout", "number", "no", f"Seconds to wait for the database (default "
     f"{DEFAULT_TIMEOUT}, 1 to 300): a database that cannot be reached is an error then, not a "
     "hang."),
    ("tables.<table>", "text", "yes", "The SQL query of a table of the contract (its result's "
     "columns named as the contract's), or `file: <path>.sql` naming a file holding it. A "
     "table given here must not also be a file of the folder."),
)
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_OPTION = re.compile(r"pass|pwd|key|secret|token", re.IGNORECASE)  # a URL option's name
_TIMEOUT_ARGUMENT = {  # the connect timeout's name, by driver
    "psycopg": "connect_timeout", "psycopg2": "connect_timeout", "pg8000": "timeout",
    "asyncpg": "timeout", "pymysql": "connect_timeout", "mysqldb": "connect_timeout",
    "mariadbconnector": "connect_timeout", "pyodbc": "timeout", "pymssql": "login_timeout",
    "oracledb": "tcp_connect_timeout"}


@dataclass(frozen=True)
class Query:
    """One table's SQL and where it is written (sources.yaml or a .sql file)."""

    table: str
    sql: str
    written_in: str

    @property
    def label(self) -> str:
        """How messages name the table's source: `items (query in sources.yaml)`."""
        return f"{self.table} (query in {self.written_in})"


@dataclass(frozen=True)
class Sources:
    """A company's sources.yaml, its variables replaced: keep `url` out of every output."""

    url: str = field(repr=False)
    secrets: tuple[str, ...] = field(repr=False)
    timeout: float
    queries: dict[str, Query]

    @property
    def shown_url(self) -> str:
        """The URL as it may be shown: its password, the values of its options (which may
        hold a key) and every secret as `***`."""
        from sqlalchemy.engine import make_url

        parsed = make_url(self.url)
        parsed = parsed.set(query=dict.fromkeys(parsed.query, "SOPHIDDEN"))
        shown = parsed.render_as_string(hide_password=True).replace("SOPHIDDEN", "***")
        return self.hide(shown)

    def hide(self, text: str) -> str:
        """`text` with every secret replaced by `***`."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text


def read_sources(folder: Path, tables: set[str]) -> tuple[Sources | None, list[Problem]]:
    """The sources.yaml of `folder` (None, no problem, when there is none) for the contract's
    `tables`, or the problems that prevent reading it."""
    path = folder / SOURCES_FILE
    if not path.is_file():
        return None, []
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return None, [Problem(SOURCES_FILE, "not UTF-8; save it as UTF-8 text")]
    except yaml.YAMLError as error:
        return None, [Problem(SOURCES_FILE, "not valid YAML; expected `connection:` and "
                              "`tables:` as in docs/data-contract.md", row=yaml_error_line(error))]
    if not isinstance(settings, dict) or not isinstance(settings.get("tables"), dict):
        return None, [Problem(SOURCES_FILE, "expected `connection:` and `tables:` (one "
                              "`<table>: <SQL query>` line per table) as in docs/data-contract.md")]
    problems = [Problem(SOURCES_FILE, "unknown key, it is ignored; expected connection, "
                        "connect_timeout or tables", column=str(key), severity="warning")
                for key in settings if key not in ("connection", "connect_timeout", "tables")]
    url, secrets, url_problems = _url(settings.get("connection"), folder)
    timeout, timeout_problems = _timeout(settings.get("connect_timeout", DEFAULT_TIMEOUT))
    queries, query_problems = _queries(settings["tables"], folder, tables)
    problems += url_problems + timeout_problems + query_problems
    if any(p.is_error for p in problems):
        return None, problems
    return Sources(url, secrets, timeout, queries), problems


def run_queries(sources: Sources) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Each table's query result as a frame of the values the database returned, in one
    connection (read-only where the database allows it); a problem for a query that failed,
    or one for the whole database when it cannot be reached (within the connect timeout) or
    its driver is missing.

    Queries go to the driver as written (a `%` or `:name` in them is SQL, not a parameter)."""
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(sources.url, **_engine_options(sources))
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ",
                                                          postgresql_readonly=True)
            elif engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA query_only = ON")
            frames, problems = _results(connection.connection, sources,
                                        engine.dialect.loaded_dbapi.Error)
        engine.dispose()
    except (sqlalchemy.exc.NoSuchModuleError, ModuleNotFoundError) as error:
        return {}, [Problem(SOURCES_FILE, f"the database driver is not installed ({error}); "
                            "for PostgreSQL: pip install 'sop-workbooks[postgres]'",
                            column="connection")]
    except sqlalchemy.exc.DBAPIError as error:
        return {}, [Problem(SOURCES_FILE, f"could not connect to {sources.shown_url} within "
                            f"{sources.timeout:g} s: {sources.hide(_first_line(error.orig))}",
                            column="connection")]
    return frames, problems


def _results(database, sources: Sources, failure: type[Exception]
             ) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Run each query on a driver's connection; `failure` is the driver's error class."""
    frames, problems = {}, []
    for table, query in sources.queries.items():
        cursor = database.cursor()
        try:
            cursor.execute(query.sql)
            if cursor.description is None:
                problems.append(Problem(query.label, "the query returned no result; expected "
                                        "a SELECT"))
                continue
            frames[table] = pd.DataFrame.from_records(
                cursor.fetchall(), columns=[c[0] for c in cursor.description])
        except failure as error:
            database.rollback()
            problems.append(Problem(query.label, "the query failed: "
                                    + sources.hide(_first_line(error))))
        finally:
            cursor.close()
    return frames, problems


def write_kept_queries(folder: Path, labels: dict[str, str]) -> None:
    """Record in a run's kept inputs which query each table kept there came from."""
    (folder / KEPT_QUERIES).write_text(yaml.safe_dump(labels, sort_keys=True), encoding="utf-8")


def kept_queries(folder: Path) -> dict[str, str]:
    """Which query each table of a run's kept inputs came from (empty for any other folder),
    so that messages about them name the query, not a file the planner does not have."""
    path = folder / KEPT_QUERIES
    try:
        labels = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def _url(written, folder: Path) -> tuple[str, tuple[str, ...], list[Problem]]:
    """The connection URL with `${NAME}` replaced (each value URL-quoted unless it is the whole
    URL), the texts never to show (the password, the values of options named like a secret, a
    URL given whole; each as written and URL-quoted), and the problems: no URL, an unset
    variable, not a URL."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not isinstance(written, str) or not written.strip():
        return "", (), [Problem(SOURCES_FILE, "expected the database URL, e.g. "
                                "`postgresql+psycopg://planner:${SOP_DB_PASSWORD}@host/erp`",
                                column="connection")]
    written = written.strip()
    names = _VARIABLE.findall(written)
    unset = [n for n in names if n not in os.environ]
    if unset:
        return "", (), [Problem(SOURCES_FILE, f"the environment variable {name} is not set; "
                                "set it where `sop` runs (the scheduler's environment too)",
                                column="connection") for name in unset]
    whole = _VARIABLE.fullmatch(written) is not None
    url = _VARIABLE.sub(lambda m: os.environ[m[1]] if whole else quote(os.environ[m[1]], safe=""),
                        written)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "", (), [Problem(SOURCES_FILE, "not a database URL; expected e.g. "
                                "`postgresql+psycopg://planner:${SOP_DB_PASSWORD}@host/erp` or "
                                "`sqlite:///erp.sqlite`", column="connection",
                                value=None if whole else written)]
    hidden = [url if whole else "", str(parsed.password or ""),  # a host or user may show
              *(v for key, value in parsed.query.items() if _SECRET_OPTION.search(key)
                for v in ((value,) if isinstance(value, str) else value))]
    secrets = tuple({form for value in hidden if value
                     for form in (value, quote(value, safe=""), quote_plus(value))})
    problems = []
    if parsed.password and not _from_variable(written):
        problems.append(Problem(SOURCES_FILE, "the password is written in the file; put it in "
                                "an environment variable and write ${SOP_DB_PASSWORD} instead",
                                column="connection", severity="warning"))
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        database = folder / parsed.database  # an absolute path stays as it is
        if not database.is_file():
            return "", (), [Problem(SOURCES_FILE, f"the SQLite database {parsed.database} does "
                                    "not exist (a relative path is read from the company "
                                    "folder)", column="connection")]
        url = parsed.set(database=str(database.resolve())).render_as_string(hide_password=False)
    return url, secrets, problems


def _from_variable(written: str) -> bool:
    """Whether the password of a written URL comes from a `${NAME}` variable."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        password = make_url(_VARIABLE.sub("SOPVARIABLE", written)).password
    except (ArgumentError, ValueError):
        return True  # the whole URL is a variable
    return password is None or "SOPVARIABLE" in str(password)


def _timeout(written) -> tuple[float, list[Problem]]:
    """The connect timeout in seconds, 1 to 300."""
    if isinstance(written, (int, float)) and not isinstance(written, bool) and \
            1 <= written <= 300:
        return float(written), []
    return DEFAULT_TIMEOUT, [Problem(SOURCES_FILE, "expected a number of seconds from 1 to 300",
                                     column="connect_timeout", value=str(written))]


def _queries(written: dict, folder: Path, tables: set[str]) -> tuple[dict[str, Query],
                                                                     list[Problem]]:
    """The query of each table given, read from its file where it is one."""
    queries, problems = {}, []
    for key, value in written.items():
        name, column = str(key).strip().lower(), f"tables.{key}"
        if name not in tables:
            problems.append(Problem(SOURCES_FILE, "not a table of the data contract; expected "
                                    "one of " + ", ".join(sorted(tables)), column=column))
            continue
        if isinstance(value, dict) and set(value) == {"file"}:
            sql_file = folder / str(value["file"])
            if not sql_file.is_file():
                problems.append(Problem(SOURCES_FILE, "the query file does not exist (a path "
                                        "relative to the company folder)", column=column,
                                        value=str(value["file"])))
                continue
            queries[name] = Query(name, sql_file.read_text(encoding="utf-8-sig"),
                                  str(value["file"]))
        elif isinstance(value, str) and value.strip():
            queries[name] = Query(name, value, SOURCES_FILE)
        else:
            problems.append(Problem(SOURCES_FILE, "expected the SQL query, or `file: "
                                    "<path>.sql`", column=column))
    return queries, problems


def _engine_options(sources: Sources) -> dict:
    """create_engine's options: the connect timeout where the driver takes one."""
    from sqlalchemy.engine import make_url

    argument = _TIMEOUT_ARGUMENT.get(make_url(sources.url).get_driver_name())
    return {"connect_args": {argument: int(sources.timeout)}} if argument else {}


def _first_line(error) -> str:
    """The first line of a driver's error message."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
