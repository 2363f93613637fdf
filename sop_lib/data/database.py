"""A company's tables in a database, and the sources.yaml that reads them back.

`write_tables` loads a checked company into any SQLAlchemy database (months as dates, numbers
as floating point, codes as text); `write_database_form` writes a company folder in its
database form (the bundled data/sample-database is the sample's).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sop_lib.data.company import Company
from sop_lib.data.contract import CONFIG_FILE, MONTH, SCENARIO_FOLDER, TABLES
from sop_lib.data.sources import SOURCES_FILE
from sop_lib.data.validation import load_company

SAMPLE_DATABASE = "sample.sqlite"


def write_tables(company: Company, url: str) -> None:
    """Every table of the contract into the database at `url`, one SQL table each, replacing
    tables of the same name."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        for table in TABLES:
            frame = company.tables[table.name].copy()
            for column in table.columns:
                if column.kind == MONTH:
                    frame[column.name] = frame[column.name].dt.to_timestamp().dt.date
            frame.to_sql(table.name, connection, index=False, if_exists="replace")
    engine.dispose()


def sources_text(connection: str) -> str:
    """A sources.yaml reading every table of the contract from the tables `write_tables`
    makes, each query naming its columns as a query on an ERP's tables would."""
    lines = ["# The company's tables, read from a database (see docs/data-contract.md).",
             f"connection: {connection}", "connect_timeout: 10", "tables:"]
    for table in TABLES:
        columns = ", ".join(c.name for c in table.columns)
        # a log: a change after what it changes (rows without a time first, on any database)
        order = [*table.key, *(["COALESCE(entered, '')"] if table.log else [])]
        lines.append(f"  {table.name}: SELECT {columns} FROM {table.name} "
                     f"ORDER BY {', '.join(order)}")
    return "\n".join(lines) + "\n"


def write_database_form(company_folder, folder) -> Path:
    """The company of `company_folder` in its database form, in `folder`: the same
    company.yaml and scenarios/, its tables in `sample.sqlite`, and a sources.yaml querying it."""
    source, folder = Path(company_folder), Path(folder)
    company = load_company(source)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / CONFIG_FILE, folder / CONFIG_FILE)
    shutil.rmtree(folder / SCENARIO_FOLDER, ignore_errors=True)
    if (source / SCENARIO_FOLDER).is_dir():
        shutil.copytree(source / SCENARIO_FOLDER, folder / SCENARIO_FOLDER)
    (folder / SAMPLE_DATABASE).unlink(missing_ok=True)
    write_tables(company, f"sqlite:///{(folder / SAMPLE_DATABASE).resolve()}")
    (folder / SOURCES_FILE).write_text(sources_text(f"sqlite:///{SAMPLE_DATABASE}"),
                                       encoding="utf-8")
    return folder


if __name__ == "__main__":  # python -m sop_lib.data.database data/sample data/sample-database
    print(f"Wrote {write_database_form(*sys.argv[1:3])}")
