"""Artifacts: the Parquet tables each step writes and later steps read."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sop_lib.core.errors import SopError


class ArtifactStore:
    """A folder of named Parquet tables (`<name>.parquet`)."""

    def __init__(self, folder):
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"

    def has(self, name: str) -> bool:
        return self.path(name).exists()

    def write(self, name: str, frame: pd.DataFrame) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(name)
        frame.reset_index(drop=True).to_parquet(path, index=False)
        return path

    def write_all(self, frames: dict[str, pd.DataFrame]) -> None:
        for name, frame in frames.items():
            self.write(name, frame)

    def read(self, name: str) -> pd.DataFrame:
        path = self.path(name)
        if not path.exists():
            raise SopError(f"artifact {name!r} is missing from {self.folder}: run the step that "
                           "writes it first")
        return pd.read_parquet(path)

    def read_all(self, names) -> dict[str, pd.DataFrame]:
        return {name: self.read(name) for name in names}
