"""Number formats chosen per column, and tables as Markdown and LaTeX."""

import importlib.util
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from optibench.formatting import column_format, format_table, latex_escape, percent

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("values", "significant", "expected"),
    [
        ([225.068, 225.103, 225.0731], 6, ["225.068", "225.103", "225.073"]),  # 6 digits of the smallest value
        ([3000.0, 50000.0], 6, ["3000", "50000"]),  # whole numbers stay whole
        ([0.00890105, 0.0, 6.56371e-14], 6, ["8.90105e-03", "0", "6.56371e-14"]),  # one notation, never mixed
        ([0.00942822, 0.156733, 8.95787], 3, ["0.00943", "0.15673", "8.95787"]),  # decimals of the smallest value
        ([1.00001, 1.00003], 2, ["1.00001", "1.00003"]),  # 2 digits of the spread need 6 decimals, less the common 0
        ([1.000001, 1.000003], 2, ["1e+00", "1e+00"]),  # 7 would be more than 6: scientific
        ([105.52, 0.28, 6.0], 6, ["105.52", "0.28", "6.00"]),  # trailing zeros common to the column dropped
        ([2.5e6 + 0.5, 1.25], 3, ["2.50e+06", "1.25e+00"]),  # at or above 1e6: scientific
    ],
)
def test_one_format_per_column(values, significant, expected):
    fmt = column_format(values, significant)
    assert [fmt(v) for v in values] == expected


def test_missing_and_infinite_values_do_not_choose_the_format():
    fmt = column_format([1.5, math.nan, math.inf, 2.25])
    assert [fmt(v) for v in (1.5, math.nan, math.inf, -math.inf)] == ["1.50", "–", "inf", "-inf"]
    assert percent(0.8333) == "83%" and percent(math.nan) == "–"


def test_markdown_aligns_numbers_written_as_text_right():
    df = pd.DataFrame({"name": ["a", "b"], "runs": ["28/2/30", "30/0/30"], "mean ± std": ["1.5 ± 0.1", "2.0 ± 0.3"]})
    assert format_table(df, "markdown").splitlines()[:2] == ["| name | runs | mean ± std |", "|:---|---:|---:|"]


def test_latex_booktabs_escaped_and_scaled_to_the_line():
    df = pd.DataFrame({"name": ["a_b", "c%"], "x": [1.5, math.nan], "success": [0.5, 1.0]})
    assert format_table(df, "latex", {"success": percent}, key_columns=1).splitlines() == [
        "\\begin{center}",
        "\\footnotesize",
        "\\setlength{\\tabcolsep}{4pt}",
        "\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%",
        "\\begin{tabular}{lrr}",
        "\\toprule",
        "name & x & success \\\\",
        "\\midrule",
        "a\\_b & 1.5 & 50\\% \\\\",
        "c\\% & -- & 100\\% \\\\",
        "\\bottomrule",
        "\\end{tabular}}",
        "\\end{center}",
    ]
    assert latex_escape("GW^2 {x} ± 1 \\") == "GW\\^{}2 \\{x\\} $\\pm$ 1 \\textbackslash{}"


def test_a_wide_latex_table_is_split_repeating_its_key_columns():
    values = {f"c{i}": [float(i)] for i in range(25)}
    df = pd.DataFrame({"case": ["p"], "algorithm": ["A"], **values})
    headers = [line for line in format_table(df, "latex").splitlines() if line.startswith("case & algorithm & ")]
    # 25 columns beside the 2 key columns, at most 6 a tabular: 7 tabulars, balanced (not six of 4 and one of 1)
    assert [h.count("&") - 1 for h in headers] == [4, 4, 4, 4, 3, 3, 3]
    shown = [name for h in headers for name in h.removesuffix(" \\\\").split(" & ")[2:]]
    assert shown == list(values)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed (Debian: texlive-latex-recommended)")
def test_the_example_report_compiles_with_no_table_wider_than_the_page(tmp_path):
    spec = importlib.util.spec_from_file_location("compile_latex_report", ROOT / "scripts" / "compile_latex_report.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for layout in ("long", "paper"):
        pdf, overfull = script.compile_report(ROOT / "results" / "example", layout, tmp_path)
        assert pdf.stat().st_size > 10_000 and overfull == []
