"""Printing a command's result: JSON, or one ``key value`` line per entry."""
from __future__ import annotations

import json


def print_result(result: dict, as_json: bool, key_width: int = 22) -> None:
    """Print ``result`` as indented JSON, or as aligned ``key value`` lines for a person."""
    if as_json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:<{key_width}} {value}")
