"""MkDocs hook: ``<!-- problem: NAME -->`` in a page becomes the reference of problem family NAME.

The reference is generated from the code and data it documents, so the site
cannot drift from them: the family's class docstring, its instance keys with
their defaults (the constructor's signature), its success tolerance, and the
table of its optima shipped in ``optibench/data/known_optima.json``.
"""

import inspect
import json
import re

from optibench.known_optima import SHIPPED
from optibench.registry import registered

MARKER = re.compile(r"<!-- problem: ([\w-]+) -->")
ROLE = re.compile(r":(?:class|func|meth|data|attr|mod):`~?([^`]+)`")


def on_page_markdown(markdown, page, config, files):
    return MARKER.sub(lambda m: problem_reference(m.group(1)), markdown)


def problem_reference(name: str) -> str:
    """Markdown reference of the registered problem family ``name``."""
    cls = registered("problems", name)
    doc = ROLE.sub(r"`\1`", inspect.getdoc(cls) or "")
    keys = list(inspect.signature(cls.__init__).parameters.values())[1:]
    parts = [f"### `{name}`", f"`{cls.__module__}.{cls.__qualname__}`", doc]
    if keys:
        rows = ["| instance key | default |", "|---|---|"]
        rows += [f"| `{p.name}` | `{p.default!r}` |" for p in keys]
        parts.append("\n".join(rows))
    else:
        parts.append("No instance keys.")
    parts.append(f"Success tolerance (`success_atol`): {cls.success_atol:g} (objective units).")
    parts.append(optima_table(name))
    return "\n\n".join(parts)


def optima_table(name: str) -> str:
    """Markdown table of the shipped optima of ``name``: instance, value, status, method, tolerance."""
    entries = json.loads(SHIPPED.read_text()).get(name)
    if not entries:
        return "No optimum of this family is shipped; `optibench certify` computes one where a method exists."
    rows = ["Shipped known optima:", "", "| instance | value | status | method | tolerance |", "|---|---:|---|---|---|"]
    for key, entry in sorted(entries.items()):
        cells = [f"`{key}`", f"{entry['value']:.10g}", entry["status"], entry.get("method", ""), entry.get("tolerance", "")]
        rows.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(rows)
