"""A throwaway PostgreSQL cluster for the test session (and `python -m bench`), and a fresh database for each test
that asks for one.

The cluster runs from Debian's binaries (/usr/lib/postgresql/<version>/bin) in a temporary directory, on
127.0.0.1 and a free port, as the `postgres` user when the tests run as root (PostgreSQL refuses root), and is
removed at the end. Without PostgreSQL the tests that need it are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest


@dataclass(frozen=True)
class Cluster:
    port: int
    bin_dir: Path
    data_dir: Path
    as_user: tuple[str, ...]  # the command prefix that runs a PostgreSQL binary as its owner

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args: str) -> None:
        command = [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603 (our own arguments)


def _bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is needed under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


class ClusterUnavailable(Exception):
    """PostgreSQL cannot be started here; the message says why."""


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A new cluster in a temporary directory, stopped and removed on exit (the tests' session, `python -m bench`).

    Raises ClusterUnavailable when PostgreSQL is not installed or does not start."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise ClusterUnavailable("no initdb (apt-get install postgresql)")
    as_user: tuple[str, ...] = ()
    owner = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise ClusterUnavailable("running as root without runuser")
        as_user, owner = ("runuser", "-u", "postgres", "--"), "postgres"
    root = Path(tempfile.mkdtemp(prefix="voice-cloner-pg-"))
    try:
        if owner:
            shutil.chown(root, owner)
        data_dir = root / "data"
        initdb = [
            *as_user,
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]
        subprocess.run(initdb, check=True, capture_output=True, timeout=120)  # noqa: S603 (our own arguments)
        cluster = Cluster(_free_port(), bin_dir, data_dir, as_user)
        # Durability is not under test: without fsync the cluster starts and creates databases quickly.
        options = (
            f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        cluster.pg_ctl("-o", options, "-l", str(root / "log"), "-w", "start")
    except (OSError, subprocess.SubprocessError) as error:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(error, "stderr", b"") or b""
        raise ClusterUnavailable(
            f"the test cluster did not start ({error}; {detail.decode(errors='replace')[-300:]})"
        ) from None
    except BaseException:  # Ctrl-C while it started
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            Cluster(0, bin_dir, root / "data", as_user).pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            cluster.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    with contextlib.ExitStack() as stack:
        try:
            cluster = stack.enter_context(throwaway_cluster())
        except ClusterUnavailable as error:
            _missing(str(error))
        _free.clear()  # a session run again in the same process (mutmut does) has a new cluster: none of those
        yield cluster


_names = itertools.count(1)
_free: list[str] = []  # databases of earlier tests, emptied before they are handed out again


def create_database(cluster: Cluster) -> str:
    """An empty database on `cluster`; its URL. CREATE DATABASE takes a good part of a second, so the databases of
    finished tests are reused, emptied first (their schema dropped: milliseconds)."""

    async def prepare() -> str:
        if _free:
            name = _free.pop()
            db = await asyncpg.connect(cluster.url(name))
            try:
                await db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            finally:
                await db.close()
            return name
        name = f"test_{os.getpid()}_{next(_names)}"
        admin = await asyncpg.connect(cluster.url("postgres"))
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        finally:
            await admin.close()
        return name

    # Its own thread and loop: usable from any fixture, whatever loop pytest-asyncio is running.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return cluster.url(thread.submit(asyncio.run, prepare()).result())


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A database of its own for the test (the tests of the session run one after another)."""
    url = create_database(postgres_cluster)
    yield url
    _free.append(url.rsplit("/", 1)[1])


class CuttableProxy:
    """A TCP relay on loopback in front of PostgreSQL: `cut()` drops every connection and refuses new ones, as a
    restarting or unreachable server does; `restore()` lets them through again."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.open = True
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update((writer, up_writer))

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        self.open = False
        for writer in self._writers:
            writer.transport.abort()
        self._writers.clear()

    def restore(self) -> None:
        self.open = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
