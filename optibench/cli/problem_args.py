"""Command-line arguments naming one problem instance: ``PROBLEM --instance KEY=VALUE,...``.

Values are read as int, float, ``true``/``false``, ``none``, or text; numbers
joined by ``/`` are a list (``stations=3/2/28``), any other text with ``/``
stays text (a file path). An item without ``=`` continues the value before
it, so ``ties=8-21,9-15`` is ``{"ties": "8-21,9-15"}``.
"""

from __future__ import annotations


def add_problem_arguments(parser) -> None:
    parser.add_argument("problem", help="registered problem name (see 'optibench list problems')")
    parser.add_argument("--instance", default="", metavar="KEY=VALUE,...", help="instance parameters, e.g. case=1,network=ieee69")


def parse_instance(text: str) -> dict:
    """``"case=1,network=ieee69"`` -> ``{"case": 1, "network": "ieee69"}``."""
    items: list[list[str]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        if sep and key:
            items.append([key.strip(), value])
        elif not sep and items:  # "ties=8-21,9-15": an item without '=' continues the value before it
            items[-1][1] += "," + item
        else:
            raise ValueError(f"--instance: {item!r} is not KEY=VALUE")
    instance = {}
    for key, value in items:
        parts = [_value(v) for v in value.split("/")]
        is_list = len(parts) > 1 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in parts)
        instance[key] = parts if is_list else _value(value)
    return instance


def _value(text: str):
    text = text.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def build_problem(args):
    """The problem instance named by the arguments; errors come back as ValueError with the reason."""
    from optibench.registry import get_problem

    try:
        return get_problem(args.problem, **parse_instance(args.instance))
    except TypeError as exc:  # unknown instance parameter
        raise ValueError(f"{args.problem}: {exc}") from None
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
