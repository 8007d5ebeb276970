"""The code passes the project's lint and format checks (ruff, with the rule set explained in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_check_is_clean():
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", "."]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_leaves_the_code_unchanged():
    command = [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, "run `ruff format .`:\n" + done.stdout + done.stderr
