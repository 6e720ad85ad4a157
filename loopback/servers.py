"""Real servers for the tests: PostgreSQL 15 started as an unprivileged user, on loopback."""
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server():
    """Start a throwaway PostgreSQL cluster; yields its SQLAlchemy base URL (no database name)."""
    missing = [tool for tool in ("initdb", "pg_ctl") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(f"PostgreSQL 15 server tools not found ({', '.join(missing)}): "
                           "install postgresql-15 (Debian) to run the PostgreSQL tests")
    base = Path(tempfile.mkdtemp(prefix="mieux-pg-"))
    as_root = os.geteuid() == 0
    if as_root:  # the server refuses to run as root
        shutil.chown(base, "postgres", "postgres")

    def run(*cmd: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *cmd] if as_root else list(cmd)
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")

    port = free_port()
    data = base / "data"
    run("initdb", "--no-sync", "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-k {base} -h 127.0.0.1 -p {port} -F -c max_connections=200"
    run("pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-w", "-o", options, "start")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    RESTART[url] = lambda: run("pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-w", "-m", "immediate",
                               "-o", options, "restart")
    try:
        yield url
    finally:
        RESTART.pop(url, None)
        run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


RESTART: dict = {}
"""How to restart each running server (immediate: as a crash would, every connection cut), by its URL."""


def restart_postgres(url: str) -> None:
    """Restart the server `url` (a base URL postgres_server yielded) the hard way, and wait until it is back."""
    RESTART[url]()
