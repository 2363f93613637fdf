"""One run per cycle at a time: a lock file that names its owner, and stale locks detected."""
from __future__ import annotations

import json
import os
import socket
from contextlib import contextmanager
from pathlib import Path

from sop_lib.core.errors import SopError
from sop_lib.store.manifest import now


class LockedError(SopError):
    """Another live run holds the cycle's lock."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@contextmanager
def cycle_lock(reports_dir: Path, cycle: str, *, report=print):
    """Hold `reports_dir/.lock-<cycle>` for the duration; refuse when a live run holds it.

    A lock left by a process that no longer runs on this host is reported and replaced.
    """
    path = Path(reports_dir) / f".lock-{cycle}"
    path.parent.mkdir(parents=True, exist_ok=True)
    me = {"pid": os.getpid(), "host": socket.gethostname(), "started": now()}
    for _ in range(2):
        try:
            with open(path, "x", encoding="utf-8") as handle:
                json.dump(me, handle)
            break
        except FileExistsError:
            owner = _owner(path)
            same_host = owner.get("host") == me["host"]
            if same_host and isinstance(owner.get("pid"), int) and not _alive(owner["pid"]):
                report(f"Removed a stale lock of cycle {cycle}: run {owner['pid']} started "
                       f"{owner.get('started', '?')} is no longer running.")
                path.unlink(missing_ok=True)
                continue
            raise LockedError(
                f"another run of cycle {cycle} is in progress (process {owner.get('pid', '?')} "
                f"on {owner.get('host', '?')}, started {owner.get('started', '?')}); if it is "
                f"not, remove {path}") from None
    else:
        raise LockedError(f"could not take the lock {path}")
    try:
        yield path
    finally:
        if _owner(path).get("pid") == me["pid"]:
            path.unlink(missing_ok=True)
