import json
import os
import socket
import subprocess
import sys

import pytest

from sop_lib.store.lock import LockedError, cycle_lock


def test_the_lock_is_held_for_the_run_and_released(tmp_path):
    with cycle_lock(tmp_path, "2026-11") as path:
        owner = json.loads(path.read_text())
        assert owner["pid"] == os.getpid()
        with pytest.raises(LockedError, match="another run of cycle 2026-11 is in progress"):
            with cycle_lock(tmp_path, "2026-11"):
                pass
    assert not path.exists()


def test_a_stale_lock_is_reported_and_replaced(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    (tmp_path / ".lock-2026-11").write_text(json.dumps(
        {"pid": int(dead.stdout), "host": socket.gethostname(), "started": "yesterday"}))
    said = []
    with cycle_lock(tmp_path, "2026-11", report=said.append):
        pass
    assert said and "stale lock" in said[0] and "yesterday" in said[0]


def test_a_lock_from_another_host_is_not_taken_over(tmp_path):
    (tmp_path / ".lock-2026-11").write_text(json.dumps({"pid": 1, "host": "elsewhere"}))
    with pytest.raises(LockedError, match="on elsewhere"):
        with cycle_lock(tmp_path, "2026-11"):
            pass
