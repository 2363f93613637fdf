"""The run manifest: what went into a pack and how the run went."""
from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

PACKAGES = ("sop-workbooks", "pandas", "numpy", "statsmodels", "scipy", "matplotlib",
            "papermill", "nbconvert", "ipykernel", "pyarrow", "openpyxl", "PyYAML")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_hashes(files) -> dict[str, str]:
    """SHA-256 of every input file, by file name, in name order."""
    return {Path(p).name: file_sha256(Path(p)) for p in sorted(set(map(Path, files)))}


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_manifest(folder: Path, manifest: dict) -> Path:
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def read_manifest(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def approval(manifest: dict) -> dict | None:
    """The approval (approved_by, approved_on, scenario) of an approved pack, else None."""
    return manifest.get("approval", {}) if manifest.get("status") == "approved" else None


def manifest_changes(old: dict, new: dict) -> list[str]:
    """What differs between two runs' inputs and parameters, one phrase per kind of change
    ("changed inputs: items.csv", "changed parameters: horizon 18 -> 12"); empty when none."""
    old_inputs, new_inputs = old.get("inputs", {}), new.get("inputs", {})
    phrases = {
        "changed inputs": [name for name in new_inputs
                           if name in old_inputs and new_inputs[name] != old_inputs[name]],
        "new inputs": [name for name in new_inputs if name not in old_inputs],
        "removed inputs": [name for name in old_inputs if name not in new_inputs],
        "changed parameters": _changed_parameters(old.get("parameters", {}),
                                                  new.get("parameters", {})),
    }
    return [f"{kind}: {', '.join(names)}" for kind, names in phrases.items() if names]


def _changed_parameters(old: dict, new: dict) -> list[str]:
    """Each parameter whose value differs, as "name old -> new"."""
    keys = [*new, *(key for key in old if key not in new)]
    return [f"{key} {old.get(key, '(none)')} -> {new.get(key, '(none)')}"
            for key in keys if old.get(key) != new.get(key)]
