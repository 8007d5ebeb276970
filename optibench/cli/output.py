"""Printing a command's result: JSON, or one ``key value`` line per entry.

Every JSON document a command prints goes through :func:`to_json`: NaN and
infinities (no solution, a diverged power flow) become ``null``, so the
output is strict JSON that any parser reads.
"""

from __future__ import annotations

import json
import math
import os
import sys
from contextlib import contextmanager


def json_safe(value):
    """``value`` with NaN / inf floats replaced by None, and NumPy scalars and arrays as Python numbers and lists."""
    if isinstance(value, dict):
        return {key: json_safe(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # NumPy array or scalar
        return json_safe(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(value, indent: int | None = 2) -> str:
    """Strict JSON text of ``value`` (see :func:`json_safe`); raises if anything non-finite were left."""
    return json.dumps(json_safe(value), indent=indent, allow_nan=False)


def print_result(result: dict, as_json: bool, key_width: int = 22) -> None:
    """Print ``result`` as indented JSON, or as aligned ``key value`` lines for a person."""
    if as_json:
        print(to_json(result))
        return
    for key, value in result.items():
        print(f"{key:<{key_width}} {value}")


@contextmanager
def solver_output_to_stderr():
    """Send what runs inside to stderr at the file-descriptor level, so stdout holds only the result.

    Solver libraries (HiGHS' banner, say) write to file descriptor 1 directly,
    bypassing ``sys.stdout``; a ``--json`` document must not be mixed with them.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
