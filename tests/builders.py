"""Small typed Companies for unit tests, built from dict rows per contract table."""
from pathlib import Path

import pandas as pd

from sop_lib.company import Company, CompanyConfig
from sop_lib.contract import MONTH, NUMBER, TABLES


def typed(table, rows) -> pd.DataFrame:
    """A contract table from dict rows, typed as Company holds it (missing columns empty)."""
    frame = pd.DataFrame(list(rows)).reindex(columns=table.column_names)
    for column in table.columns:
        values = frame[column.name]
        if column.kind == NUMBER:
            frame[column.name] = values.astype("float64")
        elif column.kind == MONTH:
            frame[column.name] = values.astype("period[M]")
        else:
            frame[column.name] = values.astype(object).where(values.notna(), "").astype(str)
    return frame


def company_from_rows(*, config: CompanyConfig | None = None, **rows) -> Company:
    """A Company from dict rows per table; absent tables are empty frames with their columns."""
    tables = {table.name: typed(table, rows.get(table.name, [])) for table in TABLES}
    return Company(folder=Path("."), config=config or CompanyConfig("T", "EUR"), tables=tables,
                   files={})
