"""A throwaway PostgreSQL server for the database tests.

Debian's server binaries (package postgresql, which .ci/run installs) run a new cluster in a
temporary folder, listening on 127.0.0.1 only, with a password, and are stopped and removed
after the tests. As root the server runs as the `postgres` user, as PostgreSQL requires.
Where the binaries are missing the tests are skipped with a message, except when
SOP_TEST_POSTGRES=required (CI sets it), where they fail.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

USER, PASSWORD = "planner", "pg-secret-7Qx!w@rd"
REQUIRED = os.environ.get("SOP_TEST_POSTGRES") == "required"


@dataclass(frozen=True)
class Server:
    port: int

    def url(self, password: str = PASSWORD) -> str:
        """The SQLAlchemy URL of the server's `postgres` database."""
        secret = quote(password, safe="")
        return f"postgresql+psycopg://{USER}:{secret}@127.0.0.1:{self.port}/postgres"


def server_binaries() -> Path | None:
    """The folder of initdb and pg_ctl: the newest Debian install, else the PATH's."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def postgres_server():
    """A running server for the `with` block (skips or fails the test where there is none)."""
    binaries = server_binaries()
    if binaries is None:
        message = "PostgreSQL's server is not installed (apt-get install postgresql)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="sop-postgres-"))
    as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_server:
        shutil.chown(folder, "postgres", "postgres")
    (folder / "password").write_text(PASSWORD)
    if as_server:
        shutil.chown(folder / "password", "postgres", "postgres")
    port = _free_port()
    try:
        _run(as_server + [str(binaries / "initdb"), "-D", str(folder / "data"), "-U", USER,
                          f"--pwfile={folder / 'password'}", "--auth=scram-sha-256"])
        _run(as_server + [str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-w", "-l",
                          str(folder / "server.log"), "-o",
                          f"-c listen_addresses=127.0.0.1 -p {port} "
                          f"-c unix_socket_directories={folder}", "start"])
        yield Server(port)
    finally:
        subprocess.run(as_server + [str(binaries / "pg_ctl"), "-D", str(folder / "data"),
                                    "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
