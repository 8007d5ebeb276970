"""Numbers and tables as text: one number format per column, Markdown and LaTeX (booktabs).

A column's format is chosen from all its values (:func:`column_format`), so
a column never mixes notations: fixed-point with as many decimals as its
smallest non-zero value needs for ``significant`` digits and its spread (the
largest minus the smallest value) for two, or scientific notation for the
whole column when a non-zero value lies below 1e-3 or at or above 1e6 or
when more than :data:`MAX_DECIMALS` decimals would be needed. Trailing
digits that are zero in every value of the column are dropped (105.52 and
0.28 stay ``105.52`` and ``0.28``, not ``105.520000``). Whole numbers stay
whole numbers.

LaTeX tables use booktabs rules and are never wider than the line: a
table with many columns is split into several tabulars that repeat its key
columns, long text (a decoded solution) wraps in a paragraph column, and each
tabular is scaled down to ``\\linewidth`` if it is still wider (graphicx's
``\\resizebox``). They need the packages of :data:`LATEX_PREAMBLE`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

SIGNIFICANT = 6
"""Default significant digits of a column's smallest non-zero value."""
SPREAD_DIGITS = 2
"""Significant digits given to a column's spread (largest minus smallest value)."""
MAX_DECIMALS = 6
"""Most decimals of fixed-point notation; a column that needs more is written in scientific notation."""
FIXED_RANGE = (1e-3, 1e6)
"""Non-zero magnitudes written in fixed-point notation; any value outside makes the column scientific."""
MISSING = "–"
"""Cell of a missing (NaN) value."""
LATEX_MAX_COLUMNS = 6
"""Most columns of one LaTeX tabular, key columns included; a wider table is split."""
LATEX_WRAP_CHARS = 40
"""A text column with a longer cell is set as a paragraph column (wrapped, 45 % of the line)."""
LATEX_PREAMBLE = ("\\usepackage{booktabs}", "\\usepackage{graphicx}", "\\usepackage{array}")
"""The packages the LaTeX tables need."""

Formatter = Callable[[float], str]
"""A number (float) -> its text in a table."""


def column_format(values: ArrayLike, significant: int = SIGNIFICANT) -> Formatter:
    """The formatter of a column holding ``values`` (any shape; NaN and inf are ignored when choosing).

    Examples (``significant`` 6): 225.068, 225.103 -> ``"225.068"``, ``"225.103"``;
    3000, 50000 -> ``"3000"``, ``"50000"``; 3.1e-13, 38940.5 -> ``"3.10630e-13"``, ``"3.89405e+04"``.
    The formatter writes NaN as :data:`MISSING` and infinities as ``"inf"`` / ``"-inf"``.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    nonzero = np.abs(v[v != 0])
    if not len(nonzero) or (np.all(v == np.round(v)) and nonzero.max() < 1e15):
        return lambda x: _special(x) or f"{x:.0f}"
    decimals = significant - 1 - math.floor(math.log10(nonzero.min()))
    spread = float(v.max() - v.min())
    if spread > 0:
        decimals = max(decimals, SPREAD_DIGITS - 1 - math.floor(math.log10(spread)))
    low, high = FIXED_RANGE
    if nonzero.min() < low or nonzero.max() >= high or decimals > MAX_DECIMALS:
        digits = _fewest_digits(v, significant - 1, "e")
        return lambda x: _special(x) or ("0" if x == 0 else f"{x:.{digits}e}")
    decimals = _fewest_digits(v, max(decimals, 0), "f")
    return lambda x: _special(x) or f"{x:.{decimals}f}"


def _fewest_digits(values: np.ndarray, digits: int, notation: str) -> int:
    """The fewest digits (after the point, ``notation`` "f" or "e") that write every one of ``values``
    as ``digits`` digits do, so a column loses its common trailing zeros and nothing else."""
    full = [float(f"{x:.{digits}{notation}}") for x in values]
    for fewer in range(digits):
        if all(float(f"{x:.{fewer}{notation}}") == y for x, y in zip(values, full)):
            return fewer
    return digits


def percent(value: float) -> str:
    """A rate in 0..1 as a whole percentage: 0.8333 -> ``"83%"``."""
    return _special(value) or f"{100 * value:.0f}%"


def _special(value: float) -> str:
    """The text of NaN and of infinities, else the empty string."""
    if math.isnan(value):
        return MISSING
    return "" if math.isfinite(value) else ("inf" if value > 0 else "-inf")


_NUMBER = r"[-+]?(\d+(\.\d*)?(e[-+]?\d+)?%?|inf)"
_NUMERIC_CELL = re.compile(rf"{_NUMBER}( ± {_NUMBER})?|\d+/\d+(/\d+)?|{MISSING}")
"""A cell that holds a number as text: ``225.068``, ``3.1e-13``, ``83%``, ``225.073 ± 0.009``, ``28/2/30``."""


def is_numeric(column: pd.Series) -> bool:
    """Whether a column holds numbers, or numbers written as text (:data:`_NUMERIC_CELL`): aligned right."""
    if pd.api.types.is_numeric_dtype(column):
        return True
    return all(not isinstance(v, str) or _NUMERIC_CELL.fullmatch(v) for v in column)


def format_cells(df: pd.DataFrame, formats: Mapping[str, Formatter] | None = None) -> pd.DataFrame:
    """``df`` with every cell as text: ``formats[column]`` where given, else :func:`column_format` of the column.

    Strings stay as they are; missing values become :data:`MISSING`.
    """
    formats = dict(formats or {})
    out = {}
    for name in df.columns:
        column = df[name]
        numbers = pd.to_numeric(column.where(column.map(_is_number)), errors="coerce").astype(np.float64)
        fmt = formats.get(name) or column_format(numbers.to_numpy())
        out[name] = [_text(value, fmt) for value in column]
    return pd.DataFrame(out, index=df.index, columns=df.columns)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _text(value: Any, fmt: Formatter) -> str:
    if isinstance(value, str):
        return value
    if value is None or (not _is_number(value) and pd.isna(value)):
        return MISSING
    return fmt(float(value))


def format_table(df: pd.DataFrame, fmt: str, formats: Mapping[str, Formatter] | None = None, key_columns: int = 2) -> str:
    """``df`` as a Markdown table or a LaTeX (booktabs) table, numbers formatted by :func:`format_cells`.

    LaTeX: a ``center`` block in ``\\footnotesize`` (not a float, so that a
    long table may continue on the next page); a table with more than
    :data:`LATEX_MAX_COLUMNS` columns is split into several tabulars, each
    repeating the first ``key_columns`` columns; each tabular is scaled down
    to the line width when it is wider.
    """
    cells = format_cells(df, formats)
    numeric = [is_numeric(df[c]) for c in df.columns]
    if fmt == "latex":
        return _latex(cells, numeric, key_columns)
    if fmt != "markdown":
        raise ValueError(f"table format must be markdown or latex, got {fmt!r}")
    header = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"
    return "\n".join([header, rule, *("| " + " | ".join(row) + " |" for row in cells.itertuples(index=False))])


def _latex(cells: pd.DataFrame, numeric: list[bool], key_columns: int) -> str:
    keys = list(range(min(key_columns, cells.shape[1])))
    rest = list(range(len(keys), cells.shape[1]))
    n_groups = max(math.ceil(len(rest) / max(LATEX_MAX_COLUMNS - len(keys), 1)), 1)
    # balanced: 25 columns, 4 at most, in 4, 4, 4, 4, 3, 3, 3 rather than six of 4 and one of 1
    groups = [keys + list(part) for part in np.array_split(np.array(rest, dtype=int), n_groups)]
    lines = ["\\begin{center}", "\\footnotesize", "\\setlength{\\tabcolsep}{4pt}"]
    for n, group in enumerate(groups):
        if n:
            lines.append("\\par\\medskip")
        spec = "".join(_latex_column(cells.iloc[:, i], numeric[i]) for i in group)
        lines += [
            "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%",
            f"\\begin{{tabular}}{{{spec}}}",
            "\\toprule",
            " & ".join(latex_escape(str(cells.columns[i])) for i in group) + " \\\\",
            "\\midrule",
            *(" & ".join(latex_escape(row[i]) for i in group) + " \\\\" for row in cells.itertuples(index=False)),
            "\\bottomrule",
            "\\end{tabular}}",
        ]
    lines.append("\\end{center}")
    return "\n".join(lines)


def _latex_column(cells: pd.Series, numeric: bool) -> str:
    """The tabular column type of a column of text cells: ``r``, ``l``, or a wrapped paragraph for long text."""
    if numeric:
        return "r"
    long = max((len(c) for c in cells), default=0) > LATEX_WRAP_CHARS
    return ">{\\raggedright\\arraybackslash}p{0.45\\linewidth}" if long else "l"


def latex_escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (``%``, ``_``, ``^``, ``±``, the en dash ...)."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


_LATEX_SPECIAL = {
    "\\": "\\textbackslash{}",
    "&": "\\&",
    "%": "\\%",
    "_": "\\_",
    "#": "\\#",
    "$": "\\$",
    "{": "\\{",
    "}": "\\}",
    "^": "\\^{}",
    "~": "\\textasciitilde{}",
    "–": "--",
    "±": "$\\pm$",
    "…": "\\dots{}",
}
