"""Tables of the faithfulness check: per-run values -> statistics, tests and verdicts in Markdown.

Per algorithm and function: the paper's mean and standard deviation, ours and the reference port's (sample
standard deviation, ddof = 1, as MATLAB's ``std``), Welch's t-test of ours against the paper from summary
statistics (``scipy.stats.ttest_ind_from_stats``, the paper's run count as its sample size) and the two-sided
Mann-Whitney U test of ours against the port, and a verdict by :data:`RULE`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

FINDINGS = Path(__file__).resolve().parent / "findings.md"
"""Text on the causes of the differences, read into the README after the outcome lines."""
ALPHA = 0.01
AT_OPTIMUM = 1e-8
RULE = (
    f"A comparison (ours against the paper's table, ours against the reference port) agrees when its test does not "
    f"reject equality at alpha = {ALPHA} (two-sided, one test per function, no correction for the number of "
    f"functions), or when both means are within {AT_OPTIMUM:g} of the function's minimum f_min (then the tests only "
    f"compare rounding-level values). The verdict is **match** when every available comparison agrees, "
    f"**match at f_min** when one agrees only by the f_min clause, and otherwise names the comparison that "
    f"disagrees. Tests: Welch's t-test from the paper's mean, std and run count against ours; two-sided "
    f"Mann-Whitney U of our runs against the port's runs. Identical samples (e.g. all runs exactly 0) count as a p-value of 1."
)


def summary(values) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof = 1) of ``values``."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1))


def welch_p(mean1: float, std1: float, n1: int, mean2: float, std2: float, n2: int) -> float:
    """Two-sided p-value of Welch's t-test from summary statistics; 1 when both samples are constant and equal."""
    if std1 == 0 and std2 == 0:
        return 1.0 if mean1 == mean2 else 0.0
    return float(stats.ttest_ind_from_stats(mean1, std1, n1, mean2, std2, n2, equal_var=False).pvalue)


def mann_whitney_p(a, b) -> float:
    """Two-sided p-value of the Mann-Whitney U test of samples ``a`` and ``b``; 1 when all values are equal."""
    both = np.concatenate([a, b])
    if np.all(both == both[0]):
        return 1.0
    return float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def agreement(p: float, mean_a: float, mean_b: float, f_min: float) -> str:
    """``"agrees"``, ``"agrees at f_min"`` or ``"differs"`` for one comparison, by :data:`RULE`."""
    if p >= ALPHA:
        return "agrees"
    if mean_a - f_min < AT_OPTIMUM and mean_b - f_min < AT_OPTIMUM:
        return "agrees at f_min"
    return "differs"


def verdict(paper: str | None, reference: str | None) -> str:
    """The row's verdict from the two comparisons' outcomes (None: not available)."""
    outcomes = {"paper": paper, "reference": reference}
    differs = [k for k, v in outcomes.items() if v == "differs"]
    if differs:
        return "differs from " + " and ".join(differs)
    if all(v is None for v in outcomes.values()):
        return "no comparison"
    return "match at f_min" if "agrees at f_min" in outcomes.values() else "match"


def _g(x: float | None) -> str:
    return "" if x is None else f"{x:.3g}"


def rows_of(spec, rows: list[dict], function_names) -> list[dict]:
    """One dict per function with the runs of ``spec``, in F1..F13 order: per implementation present, the final
    values and the evaluations of its runs, and the paper's (mean, std) or None."""
    out = []
    for fname in function_names:
        entry = {"function": fname, "paper": spec.published.get(fname)}
        for impl in ("ours", "reference"):
            mine = [r for r in rows if (r["algorithm"], r["function"], r["implementation"]) == (spec.name, fname, impl)]
            entry[impl] = np.array([r["value"] for r in mine]) if mine else None
            entry[f"{impl}_evaluations"] = np.array([r["evaluations"] for r in mine]) if mine else None
        if entry["ours"] is not None:
            out.append(entry)
    return out


def compare(spec, entry: dict, f_min: float) -> dict:
    """Statistics, p-values and verdict of one function's row."""
    ours_mean, ours_std = summary(entry["ours"])
    row = {"function": entry["function"], "n": len(entry["ours"]), "ours": (ours_mean, ours_std), "paper": entry["paper"]}
    row["reference"] = row["p_paper"] = row["p_reference"] = None
    paper_outcome = reference_outcome = None
    if entry["paper"] is not None:
        mean, std = entry["paper"]
        row["p_paper"] = welch_p(ours_mean, ours_std, row["n"], mean, std, spec.runs)
        paper_outcome = agreement(row["p_paper"], ours_mean, mean, f_min)
    if entry["reference"] is not None:
        row["reference"] = summary(entry["reference"])
        row["p_reference"] = mann_whitney_p(entry["ours"], entry["reference"])
        reference_outcome = agreement(row["p_reference"], ours_mean, row["reference"][0], f_min)
    row["verdict"] = verdict(paper_outcome, reference_outcome)
    row["evaluations"] = [
        None if e is None else float(np.mean(e)) for e in (entry["ours_evaluations"], entry["reference_evaluations"])
    ]
    return row


def algorithm_markdown(spec, compared: list[dict], functions, command: str) -> str:
    """``<name>.md``: the protocol, the sources and the table of one algorithm."""
    n_runs = sorted({r["n"] for r in compared})
    lines = [
        f"# Faithfulness of `{spec.algorithm}`" + (f" (`{spec.name}`)" if spec.name != spec.algorithm else ""),
        "",
        f"Paper: {spec.citation}.  ",
        f"Published table: {spec.table or 'none used'}.  ",
        f"Reference code: {spec.reference_code}; port: "
        + (f"`benchmarks/faithfulness/reference/{spec.reference.name}`." if spec.reference else "none."),
        "",
        f"Protocol: {spec.pop_size} agents, {spec.max_iter} iterations "
        f"({spec.pop_size * spec.max_iter} evaluations per run), dimension {spec.dim}, "
        f"the paper's {spec.runs} runs; here {', '.join(map(str, n_runs))} runs per implementation and function. "
        f"optibench's parameters: `{spec.params or 'defaults'}`.",
    ]
    if spec.note:
        lines += ["", f"Note: {spec.note}"]
    lines += [
        "",
        "| function | f_min | paper mean | paper std | ours mean | ours std | reference mean | reference std "
        "| Welch p (ours vs paper) | Mann-Whitney p (ours vs reference) | verdict | evaluations per run (ours / reference) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in compared:
        paper = r["paper"] or (None, None)
        ref = r["reference"] or (None, None)
        cells = [
            r["function"],
            _g(functions[r["function"]].f_min),
            _g(paper[0]),
            _g(paper[1]),
            _g(r["ours"][0]),
            _g(r["ours"][1]),
            _g(ref[0]),
            _g(ref[1]),
            _g(r["p_paper"]),
            _g(r["p_reference"]),
            r["verdict"],
            " / ".join(f"{e:.0f}" for e in r["evaluations"] if e is not None),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Verdict rule: {RULE}", "", f"Made by `{command}`; per-run values in `runs.csv`.", ""]
    return "\n".join(lines)


def one_line(spec, compared: list[dict]) -> str:
    """The README's line for one algorithm: whether it matches, where it does not, and where only at f_min."""
    differs = [
        f"{r['function']} ({r['verdict'].removeprefix('differs from ')})" for r in compared if r["verdict"].startswith("differs")
    ]
    at_optimum = [r["function"] for r in compared if r["verdict"] == "match at f_min"]
    against = " and ".join(
        x
        for x, present in (
            (f"the paper's table ({len(spec.published)} functions)", spec.published),
            ("the port of the authors' code", spec.reference),
        )
        if present
    )
    status = "matches on all" if not differs else f"differs on {len(differs)} of"
    where = f": {', '.join(differs)}" if differs else ""
    line = f"- [`{spec.name}`]({spec.name}.md): {status} {len(compared)} functions against {against or 'nothing'}{where}"
    if at_optimum:
        line += f"; {', '.join(at_optimum)} agree only at f_min (a test rejects, both means within {AT_OPTIMUM:g} of it)"
    return line + "."


def readme(lines: list[str], findings: str, command: str, elapsed: float, n_runs: int) -> str:
    """``README.md`` of the results folder; ``findings`` (Markdown, may be empty) explains the differences."""
    return "\n".join(
        [
            "# Faithfulness of optibench's algorithms to their papers and the authors' code",
            "",
            "Each native algorithm runs its paper's protocol (agents, iterations, dimension 30; the paper's run "
            "count unless `--runs` sets another, see the last line and each table) on the "
            "classic test functions F1-F13 (Yao, Liu and Lin 1999, as coded by the GWO/EO authors; "
            "`benchmarks/faithfulness/functions.py`). Its mean and standard deviation stand beside the paper's "
            "published values where its `benchmarks/faithfulness/published/<name>.toml` transcribes them, and "
            "beside a direct port of the authors' reference code (`benchmarks/faithfulness/reference/`) run here "
            "with the same number of runs.",
            "",
            f"Made by this command ({n_runs} runs, {elapsed / 60:.1f} min); rerunning it reproduces every value bit "
            "for bit, whatever `--jobs`, and without `--runs` each algorithm gets its paper's run count:",
            "",
            "```bash",
            command,
            "```",
            "",
            "Protocol: optibench's implementation runs through `optibench.minimize` with the budget "
            "`pop_size * max_iter` evaluations; the port runs `pop_size` agents for `max_iter` iterations, and "
            "its calls of the objective are counted (the tables' last column), so a port that spends more "
            "evaluations than optibench's budget shows. F7's "
            "noise comes from a generator of its own per run. Each run's seed (column `seed` of `runs.csv`) is "
            "`optibench.runner.run_seed(1999, owner, function, run)`, the owner being the algorithm's name for "
            "optibench's runs and `reference/<port>` for the port's (two algorithms compared with one port share "
            "its runs); it is spawned into the streams of the algorithm and of the noise. `runs.csv` holds every "
            "run's final best value in full precision.",
            "",
            f"Verdict rule: {RULE}",
            "",
            "## Outcome",
            "",
            *lines,
            "",
            *([findings.strip(), ""] if findings.strip() else []),
        ]
    )


def write_all(
    out: Path, rows: list[dict], specs: dict, functions, command: str, elapsed: float, n_runs: int, updated: set
) -> list[Path]:
    """Write ``<name>.md`` for the names in ``updated`` and ``README.md`` for every spec (name -> Spec) with rows.

    ``command``, ``elapsed`` (s) and ``n_runs`` describe the invocation that wrote them. Returns the paths written.
    """
    written = []
    lines = []
    for name in sorted(specs):
        spec = specs[name]
        compared = [compare(spec, e, functions[e["function"]].f_min) for e in rows_of(spec, rows, functions)]
        if not compared:
            continue
        if name in updated:
            path = out / f"{name}.md"
            path.write_text(algorithm_markdown(spec, compared, functions, command))
            written.append(path)
        lines.append(one_line(spec, compared))
    path = out / "README.md"
    findings = FINDINGS.read_text() if FINDINGS.is_file() else ""
    path.write_text(readme(lines, findings, command, elapsed, n_runs))
    written.append(path)
    return written
