"""Results store: atomic run files, Parquet round trip, and a killed batch resumed to the same table."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from frames import assert_same_runs, plain
from optibench import __version__, run_trials
from optibench.experiment import parse_experiment
from optibench.runner import KEY_COLUMNS, row_key
from optibench.store import SCHEMA, ResultStore, StoreError


@pytest.fixture(scope="module")
def runs():
    """Two small batches: 3 single-objective runs and 2 multi-objective ones."""
    single = run_trials("g06", "random-search", runs=3, max_evals=200, seed=2, params={"pop_size": 40})
    multi = run_trials("zdt1", "random-search", runs=2, max_evals=100, seed=2, instance={"dim": 4}, params={"pop_size": 25})
    return pd.concat([single, multi], ignore_index=True)


def test_round_trip_keeps_every_column_exactly(tmp_path, runs):
    store = ResultStore(tmp_path / "out")
    for row in runs.to_dict("records"):
        store.write(row)
    assert len(list((tmp_path / "out" / "runs").glob("*.parquet"))) == 5
    assert not list((tmp_path / "out" / "runs").glob(".*"))  # no temporary file left
    back = store.read()
    assert list(back.columns) == SCHEMA.names
    expected = runs.sort_values(["problem", "instance", "label", "run"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(plain(back), plain(expected), check_exact=True)
    assert back["history"][0].shape[1] == 3
    assert back["front_f"][0] is None and back["front_f"][3].shape[1] == 2
    assert np.isnan(back["best_f"][3])
    assert store.stored_keys() == {row_key(r) for r in runs.to_dict("records")}


def test_missing_strings_in_any_pandas_form_are_stored_as_null(tmp_path, runs):
    """pandas 3 keeps a missing string as NaN (pandas 2: None) in ``to_dict``; both, and pd.NA, store as null."""
    store = ResultStore(tmp_path / "out")
    for row, missing in zip(runs.head(3).to_dict("records"), (None, float("nan"), pd.NA)):
        store.write({**row, "error": missing, "traceback": missing, "optimum_method": missing})
    store.consolidate()
    back = store.read()
    assert back[["error", "traceback", "optimum_method"]].isna().all().all() and len(back) == 3


def test_plain_pandas_reads_the_run_files(tmp_path, runs):
    store = ResultStore(tmp_path)
    for row in runs.to_dict("records"):
        store.write(row)
    df = pd.concat([pd.read_parquet(f) for f in sorted((tmp_path / "runs").glob("*.parquet"))])
    assert sorted(df["best_f"].dropna()) == sorted(runs["best_f"].dropna())
    assert sorted(len(h) for h in df["history"]) == sorted(len(h) for h in runs["history"])


def test_consolidate_then_more_runs_then_duplicates(tmp_path, runs):
    store = ResultStore(tmp_path)
    first, rest = runs.iloc[:2].to_dict("records"), runs.iloc[2:].to_dict("records")
    for row in first:
        store.write(row)
    store.consolidate()
    assert store.files() == [tmp_path / "results.parquet"] and not (tmp_path / "runs").exists()
    for row in rest + first[:1]:  # the first run again, as after a kill during consolidation
        store.write(row)
    both = store.read()
    assert len(both) == 5
    assert both.duplicated(subset=list(KEY_COLUMNS)).sum() == 0
    assert_same_runs(both, ResultStore(tmp_path).read())


def test_unfinished_temporary_file_is_ignored(tmp_path, runs):
    store = ResultStore(tmp_path)
    store.write(runs.iloc[0].to_dict())
    (tmp_path / "runs" / ".g06-r0001-0123456789abcdef.parquet.999.tmp").write_bytes(b"PAR1 half a file")
    assert len(store.read()) == 1


def test_invocations_are_recorded(tmp_path):
    exp = parse_experiment(
        '[experiment]\nname = "demo"\ndescription = "d"\nmax_evals = 5\n'
        '[[problems]]\nname = "sphere"\n[[algorithms]]\nname = "random-search"\n'
    )
    store = ResultStore(tmp_path / "o")
    store.record_invocation(exp, "optibench run demo.toml", __version__)
    store.record_invocation(exp, "optibench run demo.toml --resume", __version__)
    assert store.experiment_file.read_text() == exp.source
    meta = json.loads(store.meta_file.read_text())
    assert meta["experiment"] == "demo" and meta["description"] == "d"
    assert [i["command"] for i in meta["invocations"]] == ["optibench run demo.toml", "optibench run demo.toml --resume"]
    assert meta["invocations"][0]["optibench"] == __version__


SLOW_EXPERIMENT = """
[experiment]
name = "slow"
runs = 4
seed = 17
max_evals = 40000

[[problems]]
name = "sphere"
instances = [{dim = 1000}]

[[algorithms]]
name = "random-search"
params = {pop_size = 50}

[[algorithms]]
name = "random-search"
params = {pop_size = 100}
label = "rs100"
"""


def _optibench(*args, **popen):
    command = [sys.executable, "-c", "import sys; from optibench.cli import main; sys.exit(main())", *map(str, args)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def test_killed_batch_resumes_to_the_uninterrupted_table(tmp_path):
    experiment = tmp_path / "slow.toml"
    experiment.write_text(SLOW_EXPERIMENT)
    interrupted, straight = tmp_path / "interrupted", tmp_path / "straight"
    runs_dir = interrupted / "runs"

    batch = _optibench("run", experiment, "--out", interrupted, "--jobs", 1)
    deadline = time.monotonic() + 120
    while len(list(runs_dir.glob("*.parquet"))) < 2:
        assert batch.poll() is None and time.monotonic() < deadline, batch.communicate()
        time.sleep(0.01)
    os.kill(batch.pid, signal.SIGKILL)
    batch.communicate()
    assert batch.returncode == -signal.SIGKILL

    store = ResultStore(interrupted)
    before = store.read()
    assert 2 <= len(before) < 8
    assert not (interrupted / "results.parquet").exists() and not (interrupted / "report.md").exists()

    resumed = _optibench("run", experiment, "--out", interrupted, "--jobs", 2, "--resume")
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert f"{8 - len(before)} runs to do, {len(before)} already stored" in err
    uninterrupted = _optibench("run", experiment, "--out", straight, "--jobs", 1)
    _, err = uninterrupted.communicate(timeout=120)
    assert uninterrupted.returncode == 0, err

    final = store.read()
    assert len(final) == 8 and store.files() == [interrupted / "results.parquet"]
    assert_same_runs(final, ResultStore(straight).read())
    # the runs stored before the kill were kept, not run again (same wall times)
    kept = final.merge(before[list(KEY_COLUMNS) + ["time_s"]], on=list(KEY_COLUMNS), suffixes=("", "_before"))
    assert len(kept) == len(before) and (kept["time_s"] == kept["time_s_before"]).all()
    commands = [i["command"] for i in store.meta()["invocations"]]
    assert len(commands) == 2 and "--jobs 2" in commands[-1] and commands[-1].endswith("--resume")
    assert (interrupted / "report.md").exists() and (interrupted / "convergence.png").stat().st_size > 10_000


def test_resume_refuses_another_experiment(tmp_path, runs):
    from argparse import Namespace

    from optibench.cli.run import _trials_to_do
    from optibench.experiment import ExperimentError

    original = parse_experiment(SLOW_EXPERIMENT)
    store = ResultStore(tmp_path)
    store.record_invocation(original, "optibench run slow.toml", __version__)
    store.write(runs.iloc[0].to_dict())
    args = Namespace(experiment="slow.toml", runs=None, resume=True)
    trials, n_stored = _trials_to_do(args, parse_experiment(SLOW_EXPERIMENT.replace("runs = 4", "runs = 7")), store)
    assert (len(trials), n_stored) == (14, 1)  # the stored G06 run belongs to no trial of this experiment
    expected = "slow.toml defines other runs than .*experiment.toml; --resume needs the same experiment"
    with pytest.raises(ExperimentError, match=expected):
        _trials_to_do(args, parse_experiment(SLOW_EXPERIMENT.replace("seed = 17", "seed = 18")), store)
    with pytest.raises(ExperimentError, match="already holds 1 runs; add --resume"):
        _trials_to_do(Namespace(experiment="slow.toml", runs=None, resume=False), original, store)
    with pytest.raises(ExperimentError, match="--runs must be at least 1, got 0"):
        _trials_to_do(Namespace(experiment="slow.toml", runs=0, resume=True), original, store)


def test_empty_folder_is_refused(tmp_path, capsys):
    from optibench.cli import main

    with pytest.raises(FileNotFoundError, match="holds no stored runs"):
        ResultStore(tmp_path).read()
    assert ResultStore(tmp_path).stored_keys() == set()
    for command in ("report", "plot"):
        assert main([command, str(tmp_path)]) == 2
        assert f"optibench {command}: {tmp_path} holds no stored runs" in capsys.readouterr().err


def test_a_rerun_replaces_a_failed_row_even_after_consolidation(tmp_path, runs):
    store = ResultStore(tmp_path)
    ok = runs.iloc[0].to_dict()
    failed = ok | {
        "status": "failed",
        "error": "RuntimeError: boom",
        "traceback": "Traceback ...",
        "best_f": np.nan,
        "violation": np.nan,
        "n_evals": 40,
        "best_x": None,
        "history": np.empty((0, 3)),
    }
    store.write(failed)
    store.consolidate()
    assert store.stored_status() == {row_key(ok): "failed"}
    back = store.read().iloc[0]
    assert back["error"] == "RuntimeError: boom" and back["best_x"] is None and back["history"].shape == (0, 3)
    store.write(ok)
    assert store.stored_status() == {row_key(ok): "ok"}
    pd.testing.assert_frame_equal(plain(store.read()), plain(runs.iloc[:1]), check_exact=True)


def test_files_written_before_the_new_columns_are_read(tmp_path, runs):
    legacy = runs.iloc[:3].drop(
        columns=[
            "status",
            "error",
            "traceback",
            "n_nonfinite",
            "optimum_status",
            "optimum_method",
            "success_atol",
            "optibench_version",
        ]
    )
    legacy["optimum_is_bound"] = [True, False, False]
    legacy["optimum"] = [1.0, 2.0, np.nan]
    store = ResultStore(tmp_path)
    as_lists = legacy.assign(best_x=[x.tolist() for x in legacy["best_x"]], history=[h.tolist() for h in legacy["history"]])
    as_lists.to_parquet(store.results_file)
    back = store.read()
    assert list(back.columns) == SCHEMA.names
    assert back["status"].tolist() == ["ok"] * 3 and back["optimum_status"].tolist()[:2] == ["bound", "best-known"]
    assert pd.isna(back["optimum_status"][2])
    assert back["error"].isna().all() and back["optibench_version"].isna().all() and back["success_atol"].isna().all()
    assert back["best_f"].tolist() == legacy["best_f"].tolist()


def test_unreadable_and_foreign_files_are_named(tmp_path, runs):
    store = ResultStore(tmp_path)
    store.write(runs.iloc[0].to_dict())
    (tmp_path / "runs" / "empty.parquet").write_bytes(b"")
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "runs" / "foreign.parquet")
    (tmp_path / "meta.json").write_text("[1, 2")
    problems = [(p.path.name, p.reason) for p in store.problems()]
    assert [name for name, _ in problems[:3]] == ["meta.json", "empty.parquet", "foreign.parquet"]
    assert problems[0][1].startswith("not valid JSON") and problems[1][1].startswith("not a readable Parquet file")
    columns = "problem, instance, algorithm, params, label, run, seed, best_f"
    assert problems[2][1] == f"not an optibench results file (no column {columns})"
    # no experiment.toml: every file with rows is unattributable
    assert [name for name, _ in problems[3:]] == sorted(p.name for p in (tmp_path / "runs").glob("*.parquet"))
    assert all(reason.endswith("experiment.toml is missing, so they belong to no known experiment") for _, reason in problems[3:])
    with pytest.raises(StoreError, match="empty.parquet: not a readable Parquet file"):
        store.read()
