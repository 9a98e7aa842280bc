"""The report folder, written as one unit: a crash leaves the previous complete run.

:class:`OutputFolder` is how :func:`consensus_nlp.report.analyze` writes. A run

1. refuses an ``out_dir`` that is a symbolic link, and takes a lock file
   (``.consensus-nlp.lock``) in the folder, so that a second run into the same folder
   stops at once with a message naming the lock;
2. writes every file into a fresh staging folder inside ``out_dir``
   (``.consensus-nlp-staging-…``, created by the run, never an existing path), so a
   crash while writing leaves ``out_dir`` exactly as it was;
3. commits by renaming each file into place (``os.replace`` replaces a directory entry,
   it never writes through a symbolic link), ``manifest.json`` last; if a rename fails,
   the files already moved are put back;
4. removes the files of the previous run that this run does not write, but only those
   listed by the previous ``manifest.json`` *of consensus-nlp* (``"generator":
   "consensus-nlp"``) whose bytes still hash to what that manifest recorded.

A file at a name this run writes that is not a verified output of the previous run
(a user's file, another tool's manifest, an edited table, a symbolic link, a folder)
stops the run before anything is replaced. :func:`verify_outputs` checks a folder
against its manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InvalidArgumentError, describe

__all__ = ["OutputFolder", "verify_outputs", "GENERATOR", "LOCK_NAME", "MANIFEST_NAME"]

GENERATOR = "consensus-nlp"
LOCK_NAME = ".consensus-nlp.lock"
MANIFEST_NAME = "manifest.json"
STAGING_PREFIX = ".consensus-nlp-staging-"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def check_name(name: str) -> str:
    """An output name must be a plain file name: no folder part, not hidden, not ``.``/``..``."""
    if not name or name != os.path.basename(name) or "/" in name or "\\" in name or name.startswith(".") or "\0" in name:
        raise InvalidArgumentError(describe("name", name, "is not a plain file name for an output",
                                            accepted="a name without '/', '\\' or a leading '.'"))
    return name


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _sha256(path: Path) -> str:
    """sha256 of a regular file, opened without following a symbolic link."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_own_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's ``manifest.json`` if consensus-nlp wrote it (a regular file with ``"generator": "consensus-nlp"``
    and an ``outputs`` table of names and sha256 digests); ``None`` otherwise."""
    path = folder / MANIFEST_NAME
    if not _is_regular(path):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            manifest = json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        return None
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in outputs.items()):
        return None
    return manifest


def verify_outputs(out_dir: str | os.PathLike[str]) -> list[str]:
    """Check a report folder against its manifest.

    Returns:
        The problems found, one sentence each (an empty list: every output listed in
        ``manifest.json`` is there, a regular file, with the recorded sha256).
    """
    folder = Path(out_dir)
    manifest = read_own_manifest(folder)
    if manifest is None:
        return [f"{folder / MANIFEST_NAME} is missing or was not written by consensus-nlp"]
    problems = []
    for name, digest in sorted(manifest["outputs"].items()):
        path = folder / name
        if name != os.path.basename(name) or not _is_regular(path):
            problems.append(f"{name} is missing or not a regular file")
        elif _sha256(path) != digest:
            problems.append(f"{name} differs from the manifest's sha256")
    return problems


class OutputFolder:
    """A report folder that one run replaces as a whole, or not at all.

    Use as a context manager: ``open`` on entry, :meth:`write` for each file
    (``manifest.json`` last), :meth:`commit`; leaving the block without a commit
    (an exception) removes the staging folder and the lock and leaves the folder as it was.

    Examples:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
        >>> with OutputFolder(out) as folder:
        ...     _ = folder.write("a.csv", b"x\\n")
        ...     _ = folder.write("manifest.json", folder.manifest_bytes({}))
        ...     folder.commit()
        >>> sorted(p.name for p in out.iterdir()), verify_outputs(out)
        (['a.csv', 'manifest.json'], [])
    """

    def __init__(self, out_dir: str | os.PathLike[str]) -> None:
        self.path = Path(out_dir)
        self.staging: Path | None = None
        self.written: dict[str, str] = {}  # name -> sha256, in the order written
        self.previous: dict[str, str] = {}
        self._lock_token: str | None = None
        self._created = False
        self._committed = False

    # -- opening and closing ------------------------------------------------------------------------------
    def __enter__(self) -> OutputFolder:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Take the lock, read the previous manifest, create the staging folder."""
        if self.path.is_symlink():
            raise InvalidArgumentError(describe("out_dir", str(self.path), "is a symbolic link",
                                                accepted="a folder (or a path to create)",
                                                todo="Give the folder the link points to, or another folder."))
        if self.path.exists() and not self.path.is_dir():
            raise InvalidArgumentError(describe("out_dir", str(self.path), "is a file, not a folder",
                                                todo="Give a folder to write the report to."))
        if not self.path.exists():
            self.path.mkdir(parents=True)
            self._created = True
        self._lock()
        try:
            manifest = read_own_manifest(self.path)
            self.previous = {k: v for k, v in manifest["outputs"].items()} if manifest else {}
            for entry in self.path.iterdir():  # staging folders of runs that were killed (we hold the lock)
                if entry.name.startswith(STAGING_PREFIX) and entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
            self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.path))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Remove the staging folder and the lock (after a commit, or to abandon the run)."""
        if self.staging is not None and self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging = None
        self._unlock()
        if self._created and not self._committed:
            try:
                self.path.rmdir()  # only if the run left it empty
            except OSError:
                pass

    def _lock(self) -> None:
        lock = self.path / LOCK_NAME
        token = f"{os.getpid()}-{time.time_ns()}"
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "token": token}
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        except FileExistsError:
            raise InvalidArgumentError(
                describe("out_dir", str(self.path), f"is being written by another consensus-nlp run (lock file {lock}{self._holder(lock)})",
                         accepted="a folder no other run is writing to",
                         todo=f"Wait for that run to finish or choose another folder; if no run is active "
                              f"(a killed run leaves its lock behind), delete {lock} and run again.")
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(info) + "\n")
        self._lock_token = token

    @staticmethod
    def _holder(lock: Path) -> str:
        try:
            info = json.loads(lock.read_text(encoding="utf-8")) if _is_regular(lock) else {}
            return f", held by pid {info['pid']} on {info['host']} since {info['started']}"
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def _unlock(self) -> None:
        if self._lock_token is None:
            return
        lock = self.path / LOCK_NAME
        try:
            if _is_regular(lock) and json.loads(lock.read_text(encoding="utf-8")).get("token") == self._lock_token:
                lock.unlink()
        except (OSError, ValueError, AttributeError):
            pass
        self._lock_token = None

    # -- writing --------------------------------------------------------------------------------------------
    def check(self, names: Iterable[str]) -> None:
        """Refuse, before anything is replaced, names whose current entry is not a verified output of the previous run."""
        conflicts = []
        for name in names:
            path = self.path / check_name(name)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                continue
            if name == MANIFEST_NAME and read_own_manifest(self.path) is not None:
                continue
            if stat.S_ISLNK(mode):
                conflicts.append(f"{name} (a symbolic link)")
            elif not stat.S_ISREG(mode):
                conflicts.append(f"{name} (not a regular file)")
            elif name not in self.previous:
                conflicts.append(f"{name} (not written by consensus-nlp)")
            elif _sha256(path) != self.previous[name]:
                conflicts.append(f"{name} (changed since consensus-nlp wrote it)")
        if conflicts:
            raise InvalidArgumentError(
                describe("out_dir", str(self.path), "holds files this run would replace: " + ", ".join(conflicts),
                         accepted="a new folder, or one that holds only the outputs of an earlier run",
                         todo="Move those files away, or choose another folder.")
            )

    def write(self, name: str, data: bytes) -> Path:
        """Write one output into the staging folder; returns its path there (valid until the commit)."""
        if self.staging is None:
            raise InvalidArgumentError(describe("folder", str(self.path), "is not open", todo="Use it in a with block."))
        check_name(name)
        if name in self.written:
            raise InvalidArgumentError(describe("name", name, "was written twice in one run", accepted="unique output names"))
        path = self.staging / name
        with open(path, "xb") as fh:  # a fresh name in a folder this run created: never an existing file or link
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.written[name] = hashlib.sha256(data).hexdigest()
        return path

    def outputs(self) -> dict[str, str]:
        """sha256 of every file written so far, by name (sorted)."""
        return dict(sorted(self.written.items()))

    def manifest_bytes(self, manifest: dict[str, Any]) -> bytes:
        """``manifest`` with ``generator`` and the ``outputs`` written so far, as the bytes of manifest.json."""
        full = {"generator": GENERATOR, **manifest, "outputs": self.outputs()}
        return (json.dumps(full, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def commit(self) -> None:
        """Move the staged files into the folder (manifest.json last) and remove the previous run's leftovers."""
        if self.staging is None or list(self.written)[-1:] != [MANIFEST_NAME]:
            raise InvalidArgumentError(describe("folder", str(self.path), "has no manifest.json written last",
                                                todo="Write manifest.json after every other output."))
        names = list(self.written)
        self.check(names)
        stale = [n for n, digest in self.previous.items()
                 if n not in self.written and n == os.path.basename(n) and not n.startswith(".")
                 and _is_regular(self.path / n) and _sha256(self.path / n) == digest]
        backup = Path(tempfile.mkdtemp(prefix="previous-", dir=self.staging))
        done: list[tuple[str, bool, bool]] = []  # (name, old moved to backup, new moved in)
        try:
            for name in [*names[:-1], *stale, names[-1]]:
                target = self.path / name
                had_old = _is_regular(target)
                if had_old:
                    os.replace(target, backup / name)
                done.append((name, had_old, False))
                if name in self.written:
                    os.replace(self.staging / name, target)
                    done[-1] = (name, had_old, True)
        except BaseException:
            for name, had_old, placed in reversed(done):
                if placed and not had_old:
                    (self.path / name).unlink()
                if had_old:
                    os.replace(backup / name, self.path / name)
            raise
        self._committed = True
