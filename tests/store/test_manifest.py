"""Tests of sop_lib.store.manifest: input file hashes, package versions, the UTC time stamp,
writing and reading the run manifest, its approval and what changed between two runs."""
from __future__ import annotations

import datetime
import hashlib
import json
import platform
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sop_lib.store import manifest
from sop_lib.store.manifest import (
    approval,
    file_sha256,
    input_hashes,
    manifest_changes,
    now,
    package_versions,
    read_manifest,
    write_manifest,
)

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_sha256_of_known_contents(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "abc.csv").write_bytes(b"abc")
    assert file_sha256(tmp_path / "empty.csv") == EMPTY_SHA256
    assert file_sha256(tmp_path / "abc.csv") == ABC_SHA256


def test_sha256_of_a_file_larger_than_one_read_block(tmp_path):
    content = bytes(range(256)) * (5 * 4096 + 3)  # a little over 5 MiB: 6 blocks
    (tmp_path / "big.csv").write_bytes(content)
    assert file_sha256(tmp_path / "big.csv") == hashlib.sha256(content).hexdigest()


def test_input_hashes_by_file_name_in_name_order_once_each(tmp_path):
    for name, text in (("orders.csv", b"o"), ("items.csv", b"i"), ("company.yaml", b"c")):
        (tmp_path / name).write_bytes(text)
    files = [tmp_path / "orders.csv", str(tmp_path / "items.csv"), tmp_path / "company.yaml",
             tmp_path / "orders.csv"]
    hashes = input_hashes(files)
    assert list(hashes) == ["company.yaml", "items.csv", "orders.csv"]
    assert hashes["items.csv"] == hashlib.sha256(b"i").hexdigest()
    assert input_hashes([]) == {}


def test_a_changed_input_changes_its_hash_only(tmp_path):
    (tmp_path / "a.csv").write_text("1\n")
    (tmp_path / "b.csv").write_text("2\n")
    before = input_hashes(tmp_path.iterdir())
    (tmp_path / "b.csv").write_text("3\n")
    after = input_hashes(tmp_path.iterdir())
    assert after["a.csv"] == before["a.csv"] and after["b.csv"] != before["b.csv"]


def test_a_missing_input_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        input_hashes([tmp_path / "gone.csv"])


def test_package_versions_name_python_and_every_package():
    versions = package_versions()
    assert list(versions) == ["python", *manifest.PACKAGES]
    assert versions["python"] == platform.python_version()
    assert versions["pandas"] == pd.__version__
    assert versions["numpy"] == np.__version__


def test_a_package_that_is_not_installed_is_said_so(monkeypatch):
    monkeypatch.setattr(manifest, "PACKAGES", ("pandas", "no-such-package-sop-test"))
    versions = package_versions()
    assert versions["no-such-package-sop-test"] == "not installed"
    assert versions["pandas"] == pd.__version__


def test_now_is_utc_to_the_second():
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    stamp = now()
    after = datetime.datetime.now(datetime.UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stamp)
    assert before <= datetime.datetime.fromisoformat(stamp) <= after


def test_a_manifest_is_written_as_indented_json_and_read_back(tmp_path):
    content = {"status": "published", "cycle": "2026-01", "inputs": {"items.csv": ABC_SHA256},
               "steps": [{"step": "demand", "status": "done"}], "note": "Lagerbestand für Q1"}
    path = write_manifest(tmp_path, content)
    assert path == tmp_path / "manifest.json"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and '\n  "status": "published"' in text
    assert read_manifest(path) == content
    assert read_manifest(str(path)) == content


def test_values_json_cannot_hold_are_written_as_text(tmp_path):
    path = write_manifest(tmp_path, {"data_dir": Path("/srv/data"),
                                     "cycle": pd.Period("2026-01", "M")})
    assert read_manifest(path) == {"data_dir": "/srv/data", "cycle": "2026-01"}
    assert json.loads(path.read_text())["data_dir"] == "/srv/data"


def test_writing_again_replaces_the_manifest(tmp_path):
    write_manifest(tmp_path, {"status": "running"})
    write_manifest(tmp_path, {"status": "failed"})
    assert read_manifest(tmp_path / "manifest.json") == {"status": "failed"}


def test_only_an_approved_manifest_has_an_approval():
    granted = {"approved_by": "A. Chen (CEO)", "approved_on": "2026-12-07", "scenario": "baseline"}
    assert approval({"status": "approved", "approval": granted}) == granted
    assert approval({"status": "approved"}) == {}
    assert approval({"status": "published", "approval": granted}) is None
    assert approval({}) is None


def _run(inputs: dict, **parameters) -> dict:
    return {"inputs": inputs, "parameters": {"cycle": "2026-11", "horizon": 18, **parameters}}


def test_nothing_changed_between_two_identical_runs():
    assert manifest_changes(_run({"items.csv": "a"}), _run({"items.csv": "a"})) == []


def test_changed_new_and_removed_inputs_are_named_in_order():
    old = _run({"items.csv": "a", "overrides.csv": "b", "old.yaml": "c", "plan.csv": "d"})
    new = _run({"items.csv": "A", "overrides.csv": "B", "new.yaml": "e", "plan.csv": "d"})
    assert manifest_changes(old, new) == ["changed inputs: items.csv, overrides.csv",
                                          "new inputs: new.yaml", "removed inputs: old.yaml"]


def test_a_changed_parameter_shows_its_old_and_new_value():
    old = _run({"items.csv": "a"}, data_dir="/srv/a")
    new = _run({"items.csv": "A"}, horizon=12, data_dir="/srv/a")
    assert manifest_changes(old, new) == ["changed inputs: items.csv",
                                          "changed parameters: horizon 18 -> 12"]


def test_a_parameter_only_one_run_has_is_a_change():
    old, new = _run({}, workers=4), _run({}, scheduler="tcp://s:8786")
    assert manifest_changes(old, new) == [
        "changed parameters: scheduler (none) -> tcp://s:8786, workers 4 -> (none)"]


def test_a_manifest_without_inputs_or_parameters_compares_as_empty():
    assert manifest_changes({}, _run({"items.csv": "a"})) == [
        "new inputs: items.csv", "changed parameters: cycle (none) -> 2026-11, "
        "horizon (none) -> 18"]
