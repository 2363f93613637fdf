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
from sop_lib.data.sources import SOURCES_FILE, read_sources

INPUTS = "inputs"


def keep_inputs(company: Company, snapshot: Path, scenarios: list[Path]) -> list[Path]:
    """Complete `snapshot`, holding the query results, into a company folder with the
    company's files and its `scenarios` (the files a run reads); its input files, as a run of
    that folder hashes them (the record of which query each table came from aside)."""
    kept = sorted(snapshot.glob("*.parquet"))
    for path in set(company.files.values()):
        if path.name != SOURCES_FILE:
            kept.append(Path(shutil.copy2(path, snapshot / path.name)))
    if scenarios:
        (snapshot / SCENARIO_FOLDER).mkdir(exist_ok=True)
    kept += [Path(shutil.copy2(path, snapshot / SCENARIO_FOLDER / path.name))
             for path in scenarios]
    return sorted(kept)


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
