"""Small typed Companies for unit tests, built from dict rows per contract table."""
from pathlib import Path

import pandas as pd

from sop_lib.data.company import COMPANY_TABLES, Company, CompanyConfig
from sop_lib.data.contract import typed_frame


def typed(table, rows) -> pd.DataFrame:
    """A contract table from dict rows, typed as Company holds it (missing columns empty)."""
    return typed_frame(table, list(rows))


def company_from_rows(*, config: CompanyConfig | None = None, **rows) -> Company:
    """A Company from dict rows per table (the resource calendar too); absent tables are empty
    frames with their columns."""
    tables = {table.name: typed(table, rows.get(table.name, [])) for table in COMPANY_TABLES}
    return Company(folder=Path("."), config=config or CompanyConfig("T", "EUR"), **tables)
