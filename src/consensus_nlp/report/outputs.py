"""The report folder, written as one unit: a crash leaves one complete run, the previous or the new one.

:class:`OutputFolder` is how :func:`consensus_nlp.report.analyze` writes. It is given the
names it owns (``owns``: the names this version of consensus-nlp can write) and never
creates, replaces or removes anything else, whatever a manifest says. A run

1. refuses an ``out_dir`` that is a symbolic link and takes the folder's lock
   (:mod:`.lock`): a second run stops at once; a lock left by a killed run of this
   host is taken over with a warning;
2. finishes (or undoes) a commit that a killed run left half done (:mod:`.journal`),
   and removes the staging folders of killed runs;
3. writes every file into a fresh staging folder inside ``out_dir``
   (``.consensus-nlp-staging-…``), so a crash while computing or writing leaves
   ``out_dir`` exactly as it was;
4. commits through a journal: once every file is staged, the list of renames is
   written in one atomic step, then each old file is moved aside and the new one
   renamed into place (``os.replace`` replaces a directory entry, it never writes
   through a symbolic link), ``manifest.json`` last; the files of the previous run
   that this run does not write are moved aside too, but only names it owns, listed
   by the previous ``manifest.json`` *of consensus-nlp* with the hash they still have.
   A rename that fails puts everything back; a kill is finished by the next run.

A file at a name this run writes that is not a verified output of the previous run
(a user's file, another tool's manifest, an edited table, a symbolic link, a folder)
stops the run before anything is replaced. :func:`verify_outputs` checks a folder
against its manifest.

The environment variable ``CONSENSUS_NLP_CRASH_AT_STEP=N`` makes a run kill itself
(SIGKILL) after its N-th step on disk (each staged file, the journal, each rename,
the end of the commit): the tests use it to prove the guarantees above on real runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..errors import InvalidArgumentError, describe
from .journal import JOURNAL_NAME, STAGING_PREFIX, Journal, check_name, fsync_dir, is_regular, recover, remove_staging, \
    roll_back, roll_forward, sha256_file
from .lock import LOCK_NAME, FolderLock

__all__ = ["OutputFolder", "verify_outputs", "GENERATOR", "LOCK_NAME", "MANIFEST_NAME", "CRASH_ENV"]

GENERATOR = "consensus-nlp"
MANIFEST_NAME = "manifest.json"
CRASH_ENV = "CONSENSUS_NLP_CRASH_AT_STEP"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_own_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's ``manifest.json`` if consensus-nlp wrote it (a regular file with ``"generator": "consensus-nlp"``
    and an ``outputs`` table of names and sha256 digests); ``None`` otherwise."""
    path = folder / MANIFEST_NAME
    if not is_regular(path):
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
        The problems found, one sentence each (an empty list: no commit was left half
        done, and every output listed in ``manifest.json`` is there, a regular file, with
        the recorded sha256).
    """
    folder = Path(out_dir)
    problems = []
    if os.path.lexists(folder / JOURNAL_NAME):
        problems.append(f"{folder / JOURNAL_NAME}: a run was stopped while replacing the files; "
                        "the next run into this folder finishes its commit")
    manifest = read_own_manifest(folder)
    if manifest is None:
        return [*problems, f"{folder / MANIFEST_NAME} is missing or was not written by consensus-nlp"]
    for name, digest in sorted(manifest["outputs"].items()):
        path = folder / name
        if name != os.path.basename(name) or not is_regular(path):
            problems.append(f"{name} is missing or not a regular file")
        elif sha256_file(path) != digest:
            problems.append(f"{name} differs from the manifest's sha256")
    return problems


class OutputFolder:
    """A report folder that one run replaces as a whole, or not at all.

    Use as a context manager: ``open`` on entry, :meth:`write` for each file
    (``manifest.json`` last), :meth:`commit`; leaving the block without a commit
    (an exception) removes the staging folder and the lock and leaves the folder as it was.

    Args:
        out_dir: the folder (created if missing).
        owns: whether a file name is one this writer writes; only such names are ever
            written, replaced or removed (``manifest.json`` must be one of them).

    Examples:
        >>> import re, tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
        >>> with OutputFolder(out, owns=re.compile(r"a\\.csv|manifest\\.json").fullmatch) as folder:
        ...     _ = folder.write("a.csv", b"x\\n")
        ...     _ = folder.write("manifest.json", folder.manifest_bytes({}))
        ...     folder.commit()
        >>> sorted(p.name for p in out.iterdir()), verify_outputs(out)
        (['a.csv', 'manifest.json'], [])
    """

    def __init__(self, out_dir: str | os.PathLike[str], *, owns: Callable[[str], object]) -> None:
        self.path = Path(out_dir)
        self.owns = owns
        self.staging: Path | None = None
        self.written: dict[str, str] = {}  # name -> sha256, in the order written
        self.previous: dict[str, str] = {}
        self._lock = FolderLock(self.path)
        self._created = False
        self._committed = False
        self._steps = 0
        crash = os.environ.get(CRASH_ENV, "")
        self._crash_at = int(crash) if crash.isdigit() else None

    # -- opening and closing ------------------------------------------------------------------------------
    def __enter__(self) -> OutputFolder:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Take the lock, finish a commit left half done, read the previous manifest, create the staging folder."""
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
        try:
            self._lock.acquire()
            recover(self.path, generator=GENERATOR, owns=self._owned)
            manifest = read_own_manifest(self.path)
            self.previous = dict(manifest["outputs"]) if manifest else {}
            for entry in self.path.iterdir():  # what killed runs left (we hold the lock, no journal is pending)
                if entry.name.startswith(STAGING_PREFIX):
                    remove_staging(entry)
                elif entry.name.startswith(JOURNAL_NAME + ".") and is_regular(entry):
                    entry.unlink()
            self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.path))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Remove the staging folder and the lock (after a commit, or to abandon the run)."""
        if self.staging is not None and not os.path.lexists(self.path / JOURNAL_NAME):
            remove_staging(self.staging)  # (with a journal left, it holds the previous files: the next run needs it)
        self.staging = None
        self._lock.release()
        if self._created and not self._committed:
            try:
                self.path.rmdir()  # only if the run left it empty
            except OSError:
                pass

    def _owned(self, name: str) -> bool:
        return bool(self.owns(name))

    def _step(self, label: str) -> None:
        """One step on disk done; the crash test's hook (``CONSENSUS_NLP_CRASH_AT_STEP``) kills the run here."""
        self._steps += 1
        if self._steps == self._crash_at:
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

    # -- writing --------------------------------------------------------------------------------------------
    def check(self, names: Iterable[str]) -> None:
        """Refuse, before anything is replaced, names whose current entry is not a verified output of the previous run."""
        conflicts = []
        for name in names:
            path = self.path / self._checked(name)
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
            elif sha256_file(path) != self.previous[name]:
                conflicts.append(f"{name} (changed since consensus-nlp wrote it)")
        if conflicts:
            raise InvalidArgumentError(
                describe("out_dir", str(self.path), "holds files this run would replace: " + ", ".join(conflicts),
                         accepted="a new folder, or one that holds only the outputs of an earlier run",
                         todo="Move those files away, or choose another folder.")
            )

    def _checked(self, name: str) -> str:
        check_name(name)
        if not self._owned(name):
            raise InvalidArgumentError(describe("name", name, "is not a name this writer owns",
                                                todo="Write only the outputs named by `owns`."))
        return name

    def write(self, name: str, data: bytes) -> Path:
        """Write one output into the staging folder; returns its path there (valid until the commit)."""
        if self.staging is None:
            raise InvalidArgumentError(describe("folder", str(self.path), "is not open", todo="Use it in a with block."))
        self._checked(name)
        if name in self.written:
            raise InvalidArgumentError(describe("name", name, "was written twice in one run", accepted="unique output names"))
        path = self.staging / name
        with open(path, "xb") as fh:  # a fresh name in a folder this run created: never an existing file or link
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.written[name] = hashlib.sha256(data).hexdigest()
        self._step(f"stage {name}")
        return path

    def outputs(self) -> dict[str, str]:
        """sha256 of every file written so far, by name (sorted)."""
        return dict(sorted(self.written.items()))

    def manifest_bytes(self, manifest: dict[str, Any]) -> bytes:
        """``manifest`` with ``generator`` and the ``outputs`` written so far, as the bytes of manifest.json."""
        full = {"generator": GENERATOR, **manifest, "outputs": self.outputs()}
        return (json.dumps(full, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def commit(self) -> None:
        """Replace the previous run by this one: journal the renames, then do them (manifest.json last)."""
        if self.staging is None or list(self.written)[-1:] != [MANIFEST_NAME]:
            raise InvalidArgumentError(describe("folder", str(self.path), "has no manifest.json written last",
                                                todo="Write manifest.json after every other output."))
        names = list(self.written)
        self.check(names)
        stale = [("remove", n, digest) for n, digest in sorted(self.previous.items())
                 if n not in self.written and self._is_stale(n, digest)]
        journal = Journal(self.path, self.staging, (*[("place", n, self.written[n]) for n in names[:-1]], *stale,
                                                    ("place", MANIFEST_NAME, self.written[MANIFEST_NAME])))
        fsync_dir(self.staging)
        journal.write(GENERATOR)
        self._step("journal")
        try:
            roll_forward(journal, step=self._step)
        except BaseException:
            roll_back(journal)
            journal.remove()
            raise
        journal.remove()
        self._committed = True
        self._step("commit")
        remove_staging(self.staging)
        self.staging = None
        self._step("clean up")

    def _is_stale(self, name: str, digest: str) -> bool:
        """A file of the previous run this run does not write: a name we own, unchanged since it was written."""
        try:
            check_name(name)
        except InvalidArgumentError:
            return False
        path = self.path / name
        return self._owned(name) and is_regular(path) and sha256_file(path) == digest
