"""``optibench report OUTDIR``: tables and statistical tests of a results folder."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

REPORT_FILE = "report.md"
HTML_REPORT_FILE = "report.html"
_OPTIONS = ("rtol", "atol", "alpha")


def add_parser(parser) -> None:
    parser.add_argument("outdir", help="results folder written by 'optibench run'")
    parser.add_argument(
        "--format",
        default="markdown",
        help="markdown (default), csv (the summary table only), latex (booktabs) or html "
        "(one self-contained page with the figures, written to OUTDIR/report.html unless -o is given)",
    )
    parser.add_argument(
        "--layout",
        default="long",
        help="long (default): a row per instance and algorithm; "
        "paper: rows best/worst/mean/std/median/feasible/runs per algorithm, a column per instance",
    )
    parser.add_argument(
        "--atol",
        type=float,
        help="success: absolute tolerance to the optimum or best-known value, in objective units "
        "(default: each problem's declared tolerance)",
    )
    parser.add_argument(
        "--rtol", type=float, help="success: relative tolerance, times |optimum|, added to the absolute one (default: 0)"
    )
    parser.add_argument(
        "--alpha", type=float, help="significance level of the tests (default: optibench.statistics.DEFAULT_ALPHA)"
    )
    parser.add_argument("-o", "--output", help="write to this file instead of printing")
    parser.epilog = (
        "Failed runs are counted (runs done/failed/planned) and left out of the statistics. "
        "Gaps are named by the reference's status: gap to optimum (proven), to best known, or to bound; "
        "success is not defined against a bound. The report states the tolerances and significance level it used."
    )


def run(args) -> int:
    from optibench.report import summary, unequal_runs_warnings
    from optibench.store import ResultStore

    options = {k: getattr(args, k) for k in _OPTIONS if getattr(args, k) is not None}
    for name, value in options.items():
        valid, wanted = (0 < value < 1, "between 0 and 1") if name == "alpha" else (0 <= value < math.inf, "a finite number >= 0")
        if not valid:
            print(f"optibench report: --{name} must be {wanted}, got {value}", file=sys.stderr)
            return 2
    if args.format == "html":
        return _html_report(args, options)
    try:
        store = ResultStore(args.outdir)
        text = folder_report(store, args.format, args.layout, **options)
        if args.format == "csv":  # the table has the run counts but no prose: the warnings go to stderr
            results = store.read()
            planned, labels, _ = planned_runs(store, results)
            warnings = unequal_runs_warnings(summary(with_labels(results, labels), planned=planned))
        else:
            warnings = []
    except (FileNotFoundError, ValueError) as exc:
        print(f"optibench report: {exc}", file=sys.stderr)
        return 2
    for line in warnings:
        print(f"optibench report: {line}", file=sys.stderr)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def planned_runs(store, results) -> tuple[dict[tuple[str, str], int] | None, dict[tuple[str, str], str], str]:
    """Planned runs per (case name, label) and instance labels from the folder's ``experiment.toml``, and a note.

    A planned instance is matched to the stored one of the same problem whose
    parameters include those the experiment gives (so rows written by a version
    that resolved instances differently still count); one without stored runs
    is named as this version resolves it. The case name is the instance's
    ``label`` where the experiment gives one, else its default name
    (:func:`optibench.cases.case_name`); the labels map (problem, stored
    instance JSON) to the label. The planned runs are None and the labels
    empty when the file is absent or no longer valid (an experiment written
    for another version, a plug-in no longer installed); the note then says
    so and why, and the reports count the stored rows instead.
    """
    from optibench.cases import case_name
    from optibench.experiment import ExperimentError, load_experiment
    from optibench.registry import get_problem
    from optibench.runner import canonical_json

    if not store.experiment_file.exists():
        return None, {}, f"Planned runs: the stored ones ({store.experiment_file} is absent)."
    try:
        experiment = load_experiment(store.experiment_file)
    except ExperimentError as exc:
        return None, {}, f"Planned runs: the stored ones ({exc})."
    stored = set(zip(results["problem"], results["instance"]))
    planned, labels = {}, {}
    for (name, given), label in zip(experiment.problems, experiment.instance_labels):
        resolved = canonical_json(get_problem(name, **given).instance)
        matches = [i for p, i in stored if p == name and _includes(json.loads(i), given)]
        instance = resolved if resolved in matches or len(matches) != 1 else matches[0]
        if label is not None:
            labels[(name, instance)] = label
        for spec in experiment.algorithms:
            planned[(label or case_name(name, instance), spec.label)] = experiment.runs
    return planned, labels, f"Planned runs: {experiment.runs} per instance and configuration ({store.experiment_file})."


def with_labels(results, labels: dict[tuple[str, str], str]):
    """``results`` with the column :data:`optibench.cases.LABEL_COLUMN`: each row's instance label, or null."""
    from optibench.cases import LABEL_COLUMN

    return results.assign(**{LABEL_COLUMN: [labels.get(key) for key in zip(results["problem"], results["instance"])]})


def _includes(instance: dict, given: dict) -> bool:
    """Whether ``instance`` holds every parameter of ``given`` with the same value."""
    return all(key in instance and instance[key] == value for key, value in given.items())


def folder_report(store, fmt: str = "markdown", layout: str = "long", **options) -> str:
    """The report of a results folder (a ResultStore), with the commands that made it and regenerate it.

    Planned runs come from the folder's ``experiment.toml`` (:func:`planned_runs`), which the notes name.
    ``options``: ``rtol``, ``atol``, ``alpha`` of :func:`optibench.report.report_text`.
    """
    from optibench.report import report_text

    meta = store.meta()
    notes = [meta["description"]] if meta.get("description") else []
    notes += [
        f"Made by `{i['command']}` (optibench {i['optibench']}, Python {i['python']}, {i['machine']}, {i['started']})."
        for i in meta.get("invocations", [])
    ]
    notes.append(
        f"Regenerate this report with `optibench report {store.folder}` and the figures with `optibench plot {store.folder}`."
    )
    results = store.read()
    planned, labels, planned_note = planned_runs(store, results)
    notes.append(planned_note)
    results = with_labels(results, labels)
    title = f"Results: {meta.get('experiment', store.folder.name)}"
    return report_text(results, fmt, layout, title=title, notes=tuple(notes), planned=planned, **options)


def _html_report(args, options: dict) -> int:
    """Write the HTML page of ``args.outdir`` (:func:`optibench.html_report.html_report`) and print its path."""
    from optibench.html_report import html_report
    from optibench.store import StoreError

    try:
        page = html_report(args.outdir, args.layout, **options)
    except (FileNotFoundError, StoreError, ValueError) as exc:
        print(f"optibench report: {exc}", file=sys.stderr)
        return 2
    path = Path(args.output) if args.output else Path(args.outdir) / HTML_REPORT_FILE
    path.write_text(page, encoding="utf-8")
    print(path)
    return 0
