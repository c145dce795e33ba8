"""A real, throwaway Virtuoso (Debian's ``virtuoso-opensource``) for the tests and the store
benchmark: its own database folder, loopback-only HTTP and SQL ports, stopped when done.

``virtuoso.ini`` is written from scratch rather than copied from the package's, so nothing
points into /var/lib or the system's plugins: every file the server writes (database,
transaction log, temporary database, error log, lock) lives in the given folder, and
``ServerPort = 127.0.0.1:PORT`` in [Parameters] (SQL) and [HTTPServer] binds loopback only.
``DirsAllowed`` is the folder's ``load`` subfolder: the one place the bulk loader may read.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from exchange_kg.processes import stop

SERVER = "virtuoso-t"

_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 20
CheckpointInterval = 60
DirsAllowed = {d}/load
VADInstallDir = {d}/vad
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 1G
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}/www
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


def installed() -> bool:
    return shutil.which(SERVER) is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Virtuoso:
    folder: Path
    http_port: int
    sql_port: int
    password: str  # of the dba account

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def isql_url(self) -> str:
        return f"virtuoso+isql://127.0.0.1:{self.sql_port}"

    @property
    def load_dir(self) -> Path:
        return self.folder / "load"

    def sql(self, *statements: str, user: str = "dba", password: str | None = None) -> str:
        """Run SQL statements with isql (the password on its stdin); their output."""
        from exchange_kg.virtuoso_loader import find_isql

        script = "\n".join([f"set DSN=127.0.0.1:{self.sql_port};", f"set UID={user};",
                            f"set PWD={password or self.password};", "connect;",
                            *(s.rstrip(";") + ";" for s in statements), "exit;", ""])
        proc = subprocess.run([find_isql(), "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF"],
                              input=script, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and "*** Error" not in proc.stderr, proc.stderr
        return proc.stdout


@contextlib.contextmanager
def running_virtuoso(folder: Path, buffers_mb: int = 256,
                     start_timeout: float = 120) -> Iterator[Virtuoso]:
    """Start Virtuoso on a new database in ``folder``; its dba password is made random."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("load", "vad", "www"):
        (folder / sub).mkdir(exist_ok=True)
    http, sql = _free_port(), _free_port()
    buffers = buffers_mb * 1024 // 8  # 8 KB pages
    (folder / "virtuoso.ini").write_text(_INI.format(
        d=folder, sql=sql, http=http, buffers=buffers, dirty=buffers * 3 // 4))
    log = (folder / "stdout.log").open("wb")
    proc = subprocess.Popen([SERVER, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                            cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + start_timeout
        while True:  # online once the HTTP server answers (it starts after the SQL one)
            if proc.poll() is not None:
                raise AssertionError("virtuoso-t exited: "
                                     + (folder / "stdout.log").read_text(errors="replace"))
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D",
                                            timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, f"virtuoso-t did not start in {start_timeout} s"
            time.sleep(0.2)
        server = Virtuoso(folder, http, sql, "dba")
        password = secrets.token_urlsafe(12)
        server.sql(f"user_set_password ('dba', '{password}')")
        yield Virtuoso(folder, http, sql, password)
    finally:
        stop(proc, timeout=60)  # SIGTERM: Virtuoso checkpoints and exits
        log.close()
