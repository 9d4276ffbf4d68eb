"""Real servers for the tests (and ``benchmarks/distributed.py``) of several machines: PostgreSQL
and Redis from the distribution's packages, started in a temporary folder on a Unix socket or a
free local port, stopped afterwards. A machine without them raises ``ServiceMissing``, which the
tests' fixtures turn into a skip with the reason; CI installs them (``.ci/run``)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class ServiceMissing(Exception):
    """The server is not installed here; the message says what to install."""


def _postgres_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the package's ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[str]:
    """A new PostgreSQL cluster; yields the URL of its ``postgres`` database."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise ServiceMissing("PostgreSQL is not installed here (Debian: apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="newsmd-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data = folder / "data"
    subprocess.run(_as_server_user([initdb, "-D", str(data), "-A", "trust", "-U", "newsmd", "--no-sync", "-E", "UTF8"]),
                   check=True, capture_output=True)
    subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
                                    f"-k {folder} -c listen_addresses='' -F", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://newsmd@/postgres?host={folder}"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def new_database(server_url: str) -> str:
    """The URL of a new, empty database on the server ``postgres_server`` yielded ``server_url`` for."""
    import psycopg

    name = f"newsmd_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return server_url.replace("/postgres?", f"/{name}?")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server() -> Iterator[str]:
    """A new Redis server on a free local port, nothing saved to disk; yields its URL."""
    binary = shutil.which("redis-server")
    if not binary:
        raise ServiceMissing("Redis is not installed here (Debian: apt-get install redis-server)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="newsmd-redis-")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def s3_server() -> Iterator[dict[str, str]]:
    """moto's S3 server on a free local port; yields the environment that points boto3 (and
    newsmd) at it, with a bucket ``news``."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise ServiceMissing("moto's server is not installed here (pip install 'moto[server]')") from None
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1"}
    try:
        s3_client(env).create_bucket(Bucket="news")
        yield env
    finally:
        server.stop()


def s3_client(env: dict[str, str]) -> Any:
    """A boto3 client of the server ``s3_server`` yielded ``env`` for."""
    import boto3

    return boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name=env["AWS_DEFAULT_REGION"])
