"""The commit journal of a report folder: a commit that was cut short is finished (or undone) by the next run.

A run stages its files in ``.consensus-nlp-staging-…/`` and, once every file is there
(written and flushed to disk), writes the journal ``.consensus-nlp-journal.json`` in one
atomic rename. The journal lists the steps of the commit in order: ``place`` each new
file (the old one at that name moved to ``.consensus-nlp-staging-…/.previous/``),
``remove`` each leftover of the previous run (moved there too), ``manifest.json`` placed
last. Every step is one rename, and :func:`roll_forward` skips the steps already done,
so the commit can be replayed from any point. The journal is deleted when the last step
is done, then the staging folder (the old files with it).

- No journal: nothing in the folder was touched; the staging folder of a killed run is
  removed and the previous run is the folder's run.
- A journal: the commit was decided; the next run replays it (:func:`recover`). If a
  file it needs is gone (someone removed a staged file), it moves the old files back
  instead (:func:`roll_back`), and the previous run is the folder's run.

Every name in a journal must be a name the writer owns (``owns``); a journal that names
anything else, or points outside the folder, is refused and nothing is moved.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidArgumentError, describe

logger = logging.getLogger(__name__)

__all__ = ["Journal", "JOURNAL_NAME", "STAGING_PREFIX", "BACKUP_NAME", "recover", "roll_forward", "roll_back",
           "sha256_file", "is_regular", "check_name", "fsync_dir"]

JOURNAL_NAME = ".consensus-nlp-journal.json"
STAGING_PREFIX = ".consensus-nlp-staging-"
BACKUP_NAME = ".previous"  # inside the staging folder; outputs never start with "."
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Inconsistent(Exception):
    """The folder no longer matches the journal: the commit cannot be finished."""


def check_name(name: str) -> str:
    """An output name must be a plain file name: no folder part, not hidden, not ``.``/``..``."""
    if (not isinstance(name, str) or not name or name != os.path.basename(name) or "/" in name or "\\" in name
            or name.startswith(".") or "\0" in name):
        raise InvalidArgumentError(describe("name", name, "is not a plain file name for an output",
                                            accepted="a name without '/', '\\' or a leading '.'"))
    return name


def is_regular(path: Path) -> bool:
    """A regular file (not a symbolic link, not a folder)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def sha256_file(path: Path) -> str:
    """sha256 of a regular file, opened without following a symbolic link."""
    import hashlib

    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(folder: Path) -> None:
    """Make the folder's renames durable (where the platform can)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Journal:
    """The steps of one commit: ``(action, name, sha256)`` with action ``place`` or ``remove``."""

    folder: Path
    staging: Path
    steps: tuple[tuple[str, str, str], ...]

    @property
    def backup(self) -> Path:
        return self.staging / BACKUP_NAME

    def write(self, generator: str) -> None:
        """Write the journal in one atomic rename (the commit is decided from here on)."""
        data = {"generator": generator, "staging": self.staging.name, "steps": [list(s) for s in self.steps]}
        tmp = self.folder / f"{JOURNAL_NAME}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(data, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.folder / JOURNAL_NAME)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(self.folder)

    @classmethod
    def read(cls, folder: Path, *, generator: str, owns: Callable[[str], bool]) -> Journal | None:
        """The folder's journal, ``None`` if there is none; refused if it names what the writer does not own."""
        path = folder / JOURNAL_NAME
        if not os.path.lexists(path):
            return None
        try:
            if not is_regular(path):
                raise ValueError("not a regular file")
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
            with os.fdopen(fd, "rb") as fh:
                data = json.loads(fh.read().decode("utf-8"))
            staging = data["staging"]
            if data.get("generator") != generator or not isinstance(staging, str) or not staging.startswith(STAGING_PREFIX) \
                    or os.path.basename(staging) != staging or (os.path.lexists(folder / staging) and not _is_dir(folder / staging)):
                raise ValueError("not a journal of consensus-nlp")
            steps = []
            for action, name, digest in data["steps"]:
                if action not in ("place", "remove") or not _SHA256.fullmatch(str(digest)):
                    raise ValueError(f"bad step {action!r}")
                check_name(name)
                if not owns(name):
                    raise ValueError(f"names {name!r}, which consensus-nlp does not write")
                steps.append((action, name, digest))
            if len({name for _, name, _ in steps}) != len(steps):
                raise ValueError("names a file twice")
        except (OSError, ValueError, KeyError, TypeError, InvalidArgumentError) as exc:
            raise InvalidArgumentError(describe(
                "out_dir", str(folder), f"holds a commit journal consensus-nlp cannot use ({path}: {exc})",
                todo="Move that file away (nothing was changed) and run again.")) from None
        return cls(folder, folder / staging, tuple(steps))

    def remove(self) -> None:
        """Delete the journal: the commit is over (the staging folder, old files with it, can go next)."""
        (self.folder / JOURNAL_NAME).unlink(missing_ok=True)
        fsync_dir(self.folder)


def _is_dir(path: Path) -> bool:
    return stat.S_ISDIR(os.lstat(path).st_mode)


def remove_staging(staging: Path) -> None:
    """Remove a staging folder (never through a symbolic link)."""
    if os.path.lexists(staging) and _is_dir(staging):
        shutil.rmtree(staging)


def roll_forward(journal: Journal, *, step: Callable[[str], None] = lambda label: None) -> None:
    """Do the steps of the journal not done yet; ``step`` is called after each rename.

    Raises:
        Inconsistent: a file needed to go on is missing or changed.
    """
    backup = journal.backup
    if not os.path.lexists(backup):
        backup.mkdir()
    for action, name, digest in journal.steps:
        target, staged, old = journal.folder / name, journal.staging / name, backup / name
        if action == "remove":
            if is_regular(target) and not os.path.lexists(old) and sha256_file(target) == digest:
                os.replace(target, old)
                step(f"remove {name}")
            continue
        if not is_regular(staged):
            if not (is_regular(target) and sha256_file(target) == digest):
                raise Inconsistent(f"{name} is neither staged nor in place")
            continue  # placed before the interruption
        if os.path.lexists(target):
            if not is_regular(target) or os.path.lexists(old):
                raise Inconsistent(f"{name} in the folder is not the file the commit replaces")
            os.replace(target, old)
            step(f"set aside {name}")
        os.replace(staged, target)
        step(f"place {name}")


def roll_back(journal: Journal) -> None:
    """Undo the steps done: put every old file back, remove the new files that had no old one."""
    backup = journal.backup
    for action, name, digest in reversed(journal.steps):
        target, staged, old = journal.folder / name, journal.staging / name, backup / name
        if is_regular(old):
            os.replace(old, target)
        elif action == "place" and not os.path.lexists(staged) and is_regular(target) and sha256_file(target) == digest:
            target.unlink()


def recover(folder: Path, *, generator: str, owns: Callable[[str], bool]) -> None:
    """Finish the commit a killed run left in ``folder`` (or undo it when it cannot be finished)."""
    journal = Journal.read(folder, generator=generator, owns=owns)
    if journal is None:
        return
    try:
        roll_forward(journal)
        logger.warning("finished the commit of a run that was stopped while replacing the files of %s", folder)
    except Inconsistent as exc:
        roll_back(journal)
        logger.warning("undid the commit of a run that was stopped while replacing the files of %s (%s); "
                       "the previous run's files are back", folder, exc)
    journal.remove()
    remove_staging(journal.staging)
