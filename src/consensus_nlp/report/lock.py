"""The lock of a report folder: one run at a time, and a killed run's lock taken over.

The lock is a file, ``.consensus-nlp.lock``, holding the pid, host, process start time
and start date of the run that holds it, and locked with ``flock`` while the run lasts.
The kernel releases an ``flock`` when its process dies, however it dies, so

- a lock that is ``flock``-ed is held by a live run: the next run stops with a message
  naming the lock, the pid and the host;
- a lock that is not ``flock``-ed, written by a process of this host that no longer runs
  (its pid is gone, or now belongs to a process started at another time), was left by a
  killed run: the next run takes it over and logs a warning saying so;
- a lock written on another host is never taken over (this host cannot tell whether
  that run is alive): the message says to delete it once no run is active there.

Where ``fcntl`` is missing (Windows) the pid check alone decides.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from pathlib import Path

from ..errors import InvalidArgumentError, describe

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

__all__ = ["FolderLock", "LOCK_NAME", "process_alive"]

LOCK_NAME = ".consensus-nlp.lock"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot, from ``/proc``), to tell a reused pid; ``None`` if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


def process_alive(pid: object, start: object = None) -> bool:
    """Whether process ``pid`` of this host is running (and, when ``start`` is known, is the one that started then)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would terminate it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    except OverflowError:
        return False
    now = process_start(pid)
    return start is None or now is None or str(start) == now


class FolderLock:
    """The lock file of one folder; :meth:`acquire` takes it (or raises), :meth:`release` gives it back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self.token: str | None = None
        self._fd: int | None = None

    def acquire(self) -> None:
        for _ in range(10):  # a holder that just released removes the file: open it again
            fd = self._open()
            try:
                if fcntl is not None:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        self._refuse(self._read(fd), "is being written by another consensus-nlp run")
                try:
                    same = os.fstat(fd).st_ino == os.lstat(self.path).st_ino
                except FileNotFoundError:
                    same = False
                if not same:
                    os.close(fd)
                    continue
                self._take(fd, self._read(fd))
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            return
        raise InvalidArgumentError(describe("out_dir", str(self.folder), f"keeps changing its lock file {self.path}",
                                            todo="Run again once no other run is starting in that folder."))

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
        except OSError as exc:
            if os.path.islink(self.path) or os.path.isdir(self.path):
                raise InvalidArgumentError(describe("out_dir", str(self.folder), f"holds a symbolic link or a folder at the "
                                                    f"name of its lock file, {self.path}",
                                                    todo="Move it away and run again.")) from None
            raise exc

    @staticmethod
    def _read(fd: int) -> dict:
        os.lseek(fd, 0, os.SEEK_SET)
        data = b""
        while chunk := os.read(fd, 1 << 16):
            data += chunk
        try:
            info = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {}
        return info if isinstance(info, dict) else {}

    def _take(self, fd: int, info: dict) -> None:
        """Take the lock (we hold its flock): refuse a holder on another host or one still running here."""
        host = socket.gethostname()
        if info:
            if info.get("host") != host:
                self._refuse(info, "is locked by a consensus-nlp run on another host",
                             todo=f"If no run is active on {info.get('host')!s}, delete {self.path} and run again.")
            if process_alive(info.get("pid"), info.get("pid_start")) and info.get("pid") != os.getpid():
                self._refuse(info, "is being written by another consensus-nlp run")
            logger.warning("took over the lock %s left by a consensus-nlp run that no longer runs (%s)",
                           self.path, self._holder(info))
        self.token = f"{os.getpid()}-{time.time_ns()}"
        record = {"pid": os.getpid(), "pid_start": process_start(os.getpid()), "host": host,
                  "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "token": self.token}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))

    @staticmethod
    def _holder(info: dict) -> str:
        return f"pid {info.get('pid')} on {info.get('host')} since {info.get('started')}"

    def _refuse(self, info: dict, problem: str, *, todo: str | None = None) -> None:
        held = f", held by {self._holder(info)}" if info else ""
        raise InvalidArgumentError(
            describe("out_dir", str(self.folder), f"{problem} (lock file {self.path}{held})",
                     accepted="a folder no other run is writing to",
                     todo=todo or "Wait for that run to finish, or choose another folder.")
        )

    def release(self) -> None:
        """Remove the lock file (if it is still ours) and release the flock."""
        if self._fd is None:
            return
        try:
            if self._read(self._fd).get("token") == self.token:
                os.unlink(self.path)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None
        self.token = None
