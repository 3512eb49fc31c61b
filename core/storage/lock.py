"""One service per database: an exclusive lock on a file beside it, holding the owner's pid.

`flock` belongs to the open file, so the kernel releases it when the process exits or dies
(SIGKILL included): a stale lock file never blocks a restart.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from core.storage.database import StorageError
from core.storage.files import private_dir


class InstanceLock:
    """`lock = InstanceLock.acquire(db_path)` ... `lock.release()`."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd: int | None = fd

    @staticmethod
    def path_for(db_path: Path) -> Path:
        return db_path.with_name(db_path.name + ".lock")

    @classmethod
    def acquire(cls, db_path: Path | str) -> InstanceLock:
        """Take the lock or raise `StorageError` naming the running instance's pid."""
        path = cls.path_for(Path(db_path))
        if str(db_path) == ":memory:":
            return cls(path, None)  # nothing shared to protect
        try:
            private_dir(path.parent)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StorageError(
                f"cannot create the lock file {path}: {exc.strerror}. "
                "Set DB_PATH to a writable location."
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_pid(fd)
            os.close(fd)
            who = f"pid {owner}" if owner else "another process"
            raise StorageError(
                f"another instance ({who}) is already running on the database {db_path} "
                f"(lock file {path}). Stop it first, or set DB_PATH to another database."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # Empty the pid before unlocking; the file stays (removing it would race a new owner).
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing the last descriptor releases the flock


def _read_pid(fd: int) -> int | None:
    try:
        raw = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(raw) if raw.isdigit() else None
