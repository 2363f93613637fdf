"""The inputs a pack keeps when tables came from a database: `<pack>/inputs/`.

A database moves on; the pack must not. The results of the queries (as the text the run read,
`<table>.parquet`) are completed with the folder's own files (company.yaml, the tables kept as
files, the scenarios) into a company folder: the notebooks run on it, the manifest hashes it,
approval reads it, and `sop run --data <pack>/inputs` runs the cycle again as it was.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from sop_lib.data.company import Company
from sop_lib.data.contract import SCENARIO_FOLDER, TABLES
from sop_lib.data.sources import KEPT_QUERIES, SOURCES_FILE, read_sources

INPUTS = "inputs"


def keep_inputs(company: Company, snapshot: Path) -> list[Path]:
    """Complete `snapshot`, holding the query results, into a company folder; its input files
    (the record of which query each came from aside), as a run of that folder hashes them."""
    for path in set(company.files.values()):
        if path.name != SOURCES_FILE:
            shutil.copy2(path, snapshot / path.name)
    scenarios = Path(company.folder) / SCENARIO_FOLDER
    if scenarios.is_dir():
        shutil.copytree(scenarios, snapshot / SCENARIO_FOLDER, dirs_exist_ok=True)
    return sorted(p for p in snapshot.rglob("*") if p.is_file() and p.name != KEPT_QUERIES)


def sources_record(folder: Path, snapshot: Path) -> dict:
    """What the manifest says of the database read: where (its password hidden), and the
    tables read from it."""
    sources, _ = read_sources(Path(folder), {t.name for t in TABLES})
    return {"file": SOURCES_FILE, "connection": sources.shown_url if sources else "",
            "tables": sorted(p.stem for p in snapshot.glob("*.parquet")
                             if sources and p.stem in sources.queries)}


def inputs_folder(pack: Path) -> Path | None:
    """The kept inputs of a published pack, None when it read no database."""
    folder = Path(pack) / INPUTS
    return folder if folder.is_dir() else None
