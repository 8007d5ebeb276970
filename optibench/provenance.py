"""Provenance of a results folder: which code, dependencies and machine made it.

:func:`provenance` is recorded once per ``optibench run`` invocation in the
folder's ``meta.json``.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

DEPENDENCIES = ("numpy", "numba", "scipy", "pymoo")
"""Packages whose versions are recorded (their distribution names)."""
GIT_TIMEOUT_S = 2.0
"""Longest wait for one ``git`` command (s)."""


def provenance(command: str, version: str) -> dict:
    """The command, the optibench version and git state, the Python and dependency versions,
    the machine, and the start time (UTC, ISO 8601 to the second)."""
    return {
        "command": command,
        "optibench": version,
        **git_state(),
        "python": platform.python_version(),
        **{name: _version(name) for name in DEPENDENCIES},
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "started": now(),
    }


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def git_state() -> dict:
    """``{"git_commit": sha, "git_dirty": bool}`` when optibench runs from a git checkout of itself, else {}.

    Each ``git`` call is bounded by :data:`GIT_TIMEOUT_S`; a missing ``git`` or
    a slow one gives {}.
    """
    source = Path(__file__).resolve().parent.parent
    top = _git(source, "rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != source:
        return {}
    commit = _git(source, "rev-parse", "HEAD")
    status = _git(source, "status", "--porcelain", "--untracked-files=no")
    if commit is None or status is None:
        return {}
    return {"git_commit": commit, "git_dirty": bool(status)}


def _git(folder: Path, *args: str) -> str | None:
    """Stripped stdout of ``git -C folder args``, or None when it fails or times out."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def cpu_model() -> str:
    """The CPU model name (from /proc/cpuinfo on Linux), else ``platform.processor()`` or "unknown"."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
