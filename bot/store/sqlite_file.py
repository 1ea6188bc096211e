"""Can the bot open and write the SQLite file named by DATABASE_URL? Asked by `check` and before start-up; and
`held`, which keeps a second bot off the file while this one runs.

Changes nothing: an existing file gets a table created in a transaction that is rolled back; for a file still to
be created, an empty temporary file proves the folder is writable and is deleted at once. Blocking: run it in a
thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FIX = (
    "set DATABASE_URL to a file in a folder the bot may write, such as sqlite:///voice-cloner.sqlite3 (in the "
    "working directory) or sqlite:////var/lib/voice-cloner/voice-cloner.sqlite3 (four slashes for an absolute path)."
)


@dataclass(frozen=True)
class Verdict:
    """`detail` says where the file is and what was found; `fix` what to do when it is not usable."""

    usable: bool
    detail: str
    fix: str = ""


def probe(path: str) -> Verdict:
    if path == ":memory:":
        return Verdict(True, "kept in memory only (DATABASE_URL=:memory:), so a restart forgets every job.")
    file = Path(path).absolute()
    try:
        if file.is_dir():
            return Verdict(False, f"{file} is a folder, not a file.", FIX)
        if file.exists():
            return _existing(file)
        return _to_be_created(file)
    except OSError as error:
        return Verdict(False, f"{file} cannot be reached ({error.strerror or error}).", FIX)


def _existing(file: Path) -> Verdict:
    try:
        with contextlib.closing(
            sqlite3.connect(f"{file.as_uri()}?mode=rw", uri=True, timeout=5, isolation_level=None)
        ) as db:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("CREATE TABLE voice_cloner_check (x)")
            finally:
                db.execute("ROLLBACK")
    except sqlite3.DatabaseError as error:
        reason = str(error)
        if "not a database" in reason:
            return Verdict(
                False,
                f"{file} is not a SQLite database.",
                "move that file away (the bot then creates a new database), or point DATABASE_URL at another file.",
            )
        if "locked" in reason:
            return Verdict(True, f"{file} opens; another process (a running bot?) is writing to it right now.")
        return Verdict(
            False,
            f"{file} cannot be opened for writing ({reason}).",
            f"make it and its folder writable for the user the bot runs as, or {FIX}",
        )
    return Verdict(True, f"{file} opens and can be written.")


def _to_be_created(file: Path) -> Verdict:
    folder = file.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return Verdict(False, f"{folder} is a file, so {file} cannot be created.", FIX)
    try:
        handle, name = tempfile.mkstemp(prefix=".voice-cloner-check-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError as error:
        return Verdict(
            False,
            f"{file} cannot be created: writing in {folder} failed ({error.strerror or error}).",
            f"make that folder writable for the user the bot runs as, or {FIX}",
        )
    if folder != file.parent:
        return Verdict(True, f"{file} will be created, with the folder {file.parent}.")
    return Verdict(True, f"{file} will be created.")


class InUse(Exception):
    """Another process holds the SQLite file: SQLite serves exactly one bot."""


@contextlib.contextmanager
def held(path: str) -> Iterator[None]:
    """Hold the SQLite file for this process while the bot runs (an exclusive lock on `<file>.lock` beside it, which
    the system releases when the process ends, however it ends). A second bot on the same file, an overlapping
    deploy say, would take over the first one's leases; it raises `InUse` instead. Blocking, but never waits."""
    if path == ":memory:":
        yield
        return
    file = Path(path).absolute()
    file.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(file.with_name(f"{file.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InUse(
                f"another bot is already using the SQLite file {file}. SQLite serves one process: stop the other "
                "bot first, or give every instance the same PostgreSQL database (see Several instances)."
            ) from None
        yield
    finally:
        os.close(handle)  # releases the lock
