"""Where ``optibench run`` may write, and one writer per results folder at a time.

* :func:`output_folder`: the results folder of an experiment. ``--out`` on
  the command line is the user's explicit choice and may be anywhere (``~``
  expanded). An ``output`` written in the experiment file, or the default
  ``results/<name>``, must resolve to a sub-folder of the current folder:
  an experiment file cannot make ``optibench run`` write elsewhere.
* :func:`check_folder`: an existing folder is written to only when it is
  empty or already an optibench results folder.
* :class:`FolderLock`: an exclusive lock file ``OUTDIR/.optibench.lock``
  (created with ``O_EXCL``, holding the PID, host and start time), removed
  on exit. A lock left by a process of this host that is no longer running
  is taken over with a message; any other lock refuses a second writer.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .provenance import now

if TYPE_CHECKING:
    from .experiment import Experiment

LOCK_FILE = ".optibench.lock"
"""Name of the lock file in a results folder."""
MARKERS = ("meta.json", "experiment.toml", "runs", "results.parquet", LOCK_FILE)
"""Entries of which at least one marks a folder as an optibench results folder."""
UNREADABLE_LOCK_AGE_S = 10.0
"""A lock file without a readable holder is stale once it is this old (s): its writer died while creating it."""


class FolderError(ValueError):
    """A results folder that may not be written; the message names the folder or key."""


def output_folder(experiment: Experiment, out: str | os.PathLike[str] | None, where: str, root: Path | None = None) -> Path:
    """The results folder: ``out`` when given, else the experiment's ``output``, ``~`` expanded.

    Args:
        experiment: an :class:`~optibench.experiment.Experiment`.
        out: the folder given on the command line, or None.
        where: the experiment file's name, for errors.
        root: the folder that a folder named in the experiment file must lie
            inside (default: the current folder).

    Raises:
        FolderError: the experiment's folder is not a sub-folder of ``root``.
    """
    if out is not None:
        return Path(out).expanduser()
    folder = Path(experiment.output).expanduser()
    root = (Path.cwd() if root is None else Path(root)).resolve()
    resolved = (root / folder).resolve()
    if resolved == root or not resolved.is_relative_to(root):
        key = "experiment.name" if Path(experiment.output) == Path("results") / experiment.name else "experiment.output"
        raise FolderError(
            f"{where}: {key}: the results folder {str(folder)!r} is not a sub-folder of the current folder {root}; "
            "an experiment file may only write below the current folder (give --out to choose a folder yourself)"
        )
    return folder


def check_folder(folder: Path) -> None:
    """FolderError when ``folder`` exists and is not a folder, or is a non-empty folder that no optibench run made."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise FolderError(f"{folder} exists and is not a folder; choose another results folder with --out")
    if any(folder.iterdir()) and not any((folder / m).exists() for m in MARKERS):
        raise FolderError(
            f"{folder} is not empty and is not an optibench results folder (it holds none of "
            f"{', '.join(MARKERS[:4])}); choose another results folder with --out"
        )


class FolderLock:
    """Exclusive use of a results folder, as a context manager (the folder is created if missing,
    and the folders it made are removed again on exit if they are still empty).

    Args:
        folder: the results folder.
        notify: called with a message when a stale lock is taken over.

    Raises:
        FolderError: another live process holds the lock.
    """

    def __init__(
        self, folder: str | os.PathLike[str], notify: Callable[[str], None] = lambda message: print(message, file=sys.stderr)
    ) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE
        self.notify = notify
        self.created: list[Path] = []
        self.holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": now()}

    def __enter__(self) -> FolderLock:
        self.created = [p for p in (self.folder, *self.folder.parents) if not p.exists()]  # deepest first
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._acquire()
        except BaseException:
            self._remove_created_folder()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if _read_holder(self.path) == self.holder:
            self.path.unlink(missing_ok=True)
        self._remove_created_folder()

    def _remove_created_folder(self) -> None:
        for folder in self.created:
            try:
                folder.rmdir()
            except OSError:  # not empty: the folder holds results now
                return

    def _acquire(self) -> None:
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _read_holder(self.path)
                if not self._stale(holder):
                    raise FolderError(_in_use(self.path, holder)) from None
                self._take_over(holder)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self.holder, f)
            return
        raise FolderError(_in_use(self.path, _read_holder(self.path)))

    def _stale(self, holder: dict | None) -> bool:
        """Is the lock's holder gone: a dead process of this host, or a lock unreadable for too long?"""
        if holder is None:
            try:
                return time.time() - self.path.stat().st_mtime > UNREADABLE_LOCK_AGE_S
            except FileNotFoundError:
                return True
        return holder.get("host") == self.holder["host"] and not _alive(holder.get("pid"))

    def _take_over(self, holder: dict | None) -> None:
        """Remove the stale lock, unless another process replaced it meanwhile (then it stays)."""
        aside = self.path.with_name(f"{LOCK_FILE}.{os.getpid()}.stale")
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return
        if _read_holder(aside) != holder:  # a fresh lock was taken between reading and moving: put it back
            try:
                os.link(aside, self.path)
            except FileExistsError:
                pass
        else:
            left_by = (
                "an unreadable lock"
                if holder is None
                else f"the lock of process {holder.get('pid')} on {holder.get('host')}, which is no longer running"
            )
            self.notify(f"optibench: taking over {left_by} ({self.path})")
        aside.unlink(missing_ok=True)


def _read_holder(path: Path) -> dict | None:
    """The holder recorded in a lock file, or None when it is absent or unreadable."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def _alive(pid: object) -> bool:
    """Does a process with this PID run on this host?"""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _in_use(path: Path, holder: dict | None) -> str:
    who = (
        "another process"
        if holder is None
        else f"optibench process {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}"
    )
    return (
        f"{path.parent} is in use by {who} (lock file {path}); wait until it finishes, "
        "or delete the lock file if that process is gone"
    )
