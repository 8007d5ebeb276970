"""The code passes the project's type check (mypy, with the configuration in pyproject.toml's [tool.mypy])."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean():
    # the checked files, strictness flags and per-library exceptions come from [tool.mypy];
    # the cache in .mypy_cache makes a repeated run take a few seconds
    command = [sys.executable, "-m", "mypy"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, "mypy found type errors:\n" + done.stdout + done.stderr
