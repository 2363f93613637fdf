"""Tests of sop_lib.store.artifacts: the folder of Parquet tables each step writes and later
steps read, and the error when a step runs before the one it needs."""
from __future__ import annotations

import pandas as pd
import pytest

from sop_lib.core.errors import SopError
from sop_lib.store.artifacts import ArtifactStore


def plan() -> pd.DataFrame:
    return pd.DataFrame({"family": ["A", "B"],
                         "month": pd.PeriodIndex(["2026-01", "2026-02"], freq="M"),
                         "production": [120.5, 80.0]})


def test_an_artifact_is_a_named_parquet_file_in_the_folder(tmp_path):
    store = ArtifactStore(tmp_path / "artifacts")
    assert store.path("plan") == tmp_path / "artifacts" / "plan.parquet"
    assert not store.has("plan")


def test_write_creates_the_folder_and_read_gives_the_table_back(tmp_path):
    store = ArtifactStore(tmp_path / "2026-01" / "artifacts")
    path = store.write("plan", plan())
    assert path == store.path("plan") and path.is_file()
    assert store.has("plan")
    pd.testing.assert_frame_equal(store.read("plan"), plan())


def test_the_index_is_not_stored(tmp_path):
    store = ArtifactStore(tmp_path)
    shuffled = plan().set_index(pd.Index([7, 3]))
    store.write("plan", shuffled)
    back = store.read("plan")
    assert list(back.index) == [0, 1]
    assert list(back.columns) == ["family", "month", "production"]


def test_writing_again_replaces_the_table(tmp_path):
    store = ArtifactStore(tmp_path)
    store.write("plan", plan())
    store.write("plan", plan().iloc[:1])
    pd.testing.assert_frame_equal(store.read("plan"), plan().iloc[:1])


def test_write_all_and_read_all(tmp_path):
    store = ArtifactStore(tmp_path)
    frames = {"plan": plan(), "empty": pd.DataFrame({"sku": pd.Series([], dtype=str)})}
    store.write_all(frames)
    back = store.read_all(["plan", "empty"])
    assert list(back) == ["plan", "empty"]
    pd.testing.assert_frame_equal(back["plan"], plan())
    assert back["empty"].empty and list(back["empty"].columns) == ["sku"]
    assert store.read_all([]) == {}


def test_a_missing_artifact_tells_the_planner_which_step_to_run(tmp_path):
    store = ArtifactStore(tmp_path / "artifacts")
    store.write("forecast", plan())
    with pytest.raises(SopError, match=r"artifact 'plan' is missing from .*artifacts: run the "
                                       r"step that writes it first"):
        store.read("plan")
    with pytest.raises(SopError, match="'plan'"):
        store.read_all(["forecast", "plan"])


def test_a_folder_given_as_text_works_alike(tmp_path):
    store = ArtifactStore(str(tmp_path))
    store.write("plan", plan())
    assert ArtifactStore(tmp_path).has("plan")
