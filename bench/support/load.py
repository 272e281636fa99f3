"""What the load benchmarks share: throwaway databases, a gunicorn server and a worker on
free ports, a shared Redis cache when there is one, and percentiles.

Only 127.0.0.1 is contacted; every process started here is stopped, and every database and
directory made here is removed, when its ``with`` block ends.
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def village_command() -> list[str]:
    script = Path(sys.executable).parent / "village"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "village.cli"]


def run(cmd: list[str], env: dict[str, str], *, timeout: float, stdin: str = "") -> str:
    done = subprocess.run(
        cmd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(
            host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3
        ):
            return True
    except Exception:
        return False


@contextmanager
def database(kind: str, home: Path) -> Iterator[str]:
    """Yield a DATABASE_URL for a brand-new database, and remove it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{home / 'var' / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"village_bench_{os.getpid()}"
    admin = f"host={HOST} port={PG_PORT} user={PG_USER} dbname=postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the server ---------------------------------------------------------------------------


@contextmanager
def shared_cache() -> Iterator[str]:
    """A throwaway redis-server on a free port for the app processes, or "" if there is none."""
    if not shutil.which("redis-server") or importlib.util.find_spec("redis") is None:
        yield ""
        return
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start within 10 s") from None
                time.sleep(0.1)
        yield f"redis://{HOST}:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def server_env(database_url: str, home: Path) -> dict[str, str]:
    """The environment for the app's commands and server in a bench: its own database and
    home, a fresh secret, and client addresses read from X-Forwarded-For (each simulated
    person sends its own, as through a load balancer)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "VILLAGE_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "village.config.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "".join(random.choice(string.ascii_letters) for _ in range(50)),
        "VILLAGE_CLIENT_ADDRESS_HEADER": "HTTP_X_FORWARDED_FOR",
    }


@contextmanager
def server(env: dict[str, str], home: Path, workers: int, threads: int) -> Iterator[str]:
    port = free_port()
    log = open(home / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "village.config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--backlog",
            "2048",
            # Each worker listens on its own socket and the kernel spreads new connections
            # over them, rather than one worker taking most of the kept-alive connections.
            "--reuse-port",
            "--keep-alive",
            "5",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn stopped: {(home / 'gunicorn.log').read_text()[-2000:]}"
                )
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start within 30 s") from None
                time.sleep(0.2)
        yield f"http://{HOST}:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()
        errors = [
            line
            for line in (home / "gunicorn.log").read_text().splitlines()
            if "Traceback" in line or "ERROR" in line or "Error" in line
        ]
        if errors:
            print(f"  server log: {len(errors)} error line(s), first: {errors[0][:200]}")


def describe(error: BaseException) -> str:
    return type(error).__name__


@contextmanager
def worker(env: dict[str, str], home: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `village worker` (queued tasks and scheduled work), as in production, stopped after."""
    log = open(home / "worker.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [*village_command(), "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(1.0)
        if process.poll() is not None:
            raise RuntimeError(f"the worker stopped: {(home / 'worker.log').read_text()[-2000:]}")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()
