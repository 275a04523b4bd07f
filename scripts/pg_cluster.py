#!/usr/bin/env python3
"""A throwaway PostgreSQL server for the tests, the load benchmark and trying the hub: Debian's `postgresql`
binaries, a cluster made with initdb in a folder of its own, listening on 127.0.0.1 only (and a unix socket in
that folder), on a free port. Nothing of the machine's own PostgreSQL (service, clusters, config) is touched.

    python scripts/pg_cluster.py start FOLDER     # prints the database address (postgresql://...)
    python scripts/pg_cluster.py stop FOLDER      # stops it (the folder stays until you remove it)

PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (made by Debian's
package) or, failing that, `nobody`, and its commands run through runuser.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

#: The user the cluster is made for; no password (trust), as nothing but 127.0.0.1 and the socket can reach it.
DB_USER = "physio"


def find_bin(name: str) -> str:
    """A PostgreSQL program: on PATH, else in Debian's /usr/lib/postgresql/<version>/bin (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name),
                         reverse=True):
        if os.access(Path(folder) / name, os.X_OK):
            return str(Path(folder) / name)
    raise SystemExit(f"PostgreSQL's {name} is not installed; run `make system-deps` (Debian package postgresql)")


def _run_as() -> list[str]:
    """The prefix that runs a command as the cluster's owner (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            import pwd

            pwd.getpwnam(user)
            return ["runuser", "-u", user, "--"]
        except KeyError:
            continue
    raise SystemExit("running as root and there is neither a 'postgres' nor a 'nobody' user to run PostgreSQL as")


def _owner() -> str | None:
    prefix = _run_as()
    return prefix[2] if prefix else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sh(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(_run_as() + cmd, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


def url_of(folder: Path, database: str = "postgres") -> str:
    port = (folder / "port").read_text().strip()
    return f"postgresql://{DB_USER}@127.0.0.1:{port}/{database}"


def start(folder: str | Path) -> str:
    """Make (if new) and start the cluster in `folder`; returns the address of its `postgres` database."""
    folder = Path(folder).resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    owner = _owner()
    if owner:
        shutil.chown(folder, owner)
    if not (data / "PG_VERSION").exists():
        _sh([find_bin("initdb"), "-D", str(data), "-U", DB_USER, "--auth=trust", "--encoding=UTF8", "--locale=C",
             "--no-instructions"])
    port_file = folder / "port"
    port = int(port_file.read_text()) if port_file.exists() else free_port()  # a restart keeps its address
    port_file.write_text(str(port))
    options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections=300 "
               "-c fsync=off -c full_page_writes=off -c shared_buffers=32MB")  # throwaway: speed over durability
    _sh([find_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "-t", "60",
         "start"])
    return url_of(folder)


def stop(folder: str | Path, mode: str = "fast") -> None:
    """Stop the cluster (mode 'immediate' is a crash: the next start recovers from the write-ahead log)."""
    data = Path(folder).resolve() / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(_run_as() + [find_bin("pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"],
                       capture_output=True, text=True)


def wait_until_up(folder: str | Path, seconds: float = 30) -> None:
    port = int((Path(folder) / "port").read_text())
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the PostgreSQL server in {folder} did not come up")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        raise SystemExit(__doc__)
    if sys.argv[1] == "start":
        print(start(sys.argv[2]))
    else:
        stop(sys.argv[2])
