"""``optibench run`` and its results folder: where it may write, the lock, damaged files,
a complete folder left untouched, failed runs retried, Ctrl-C, --jobs and the Dask scheduler."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from frames import assert_same_runs
from optibench.cli import main
from optibench.results_folder import LOCK_FILE, FolderError, FolderLock
from optibench.store import ResultStore

EXPERIMENT = """
[experiment]
name = "tiny"
runs = 2
seed = 3
max_evals = 20

[[problems]]
name = "sphere"
instances = [{dim = 2}]

[[algorithms]]
name = "random-search"
params = {pop_size = 5}
label = "RS"
"""


@pytest.fixture
def here(tmp_path, monkeypatch):
    """A fresh current folder holding tiny.toml."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.toml").write_text(EXPERIMENT)
    return tmp_path


def _snapshot(folder) -> dict:
    """Every file below ``folder``: (bytes, modification time in ns)."""
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_complete_folder_is_left_untouched(here, capsys):
    assert main(["run", "tiny.toml", "--jobs", "1"]) == 0
    folder = here / "results" / "tiny"
    before = _snapshot(folder)
    assert {"meta.json", "experiment.toml", "results.parquet", "report.md", "convergence.png"} <= {p.name for p in before}
    capsys.readouterr()
    for again in (["run", "tiny.toml"], ["run", "tiny.toml", "--resume"]):
        assert main(again) == 0
        assert "results/tiny already holds the complete experiment (2 runs); nothing to run" in capsys.readouterr().err
        assert _snapshot(folder) == before


def test_provenance_is_recorded(here):
    assert main(["run", "tiny.toml", "--jobs", "1"]) == 0
    (invocation,) = json.loads((here / "results" / "tiny" / "meta.json").read_text())["invocations"]
    assert invocation["command"] == "optibench run tiny.toml --jobs 1"
    import numpy

    import optibench

    assert invocation["optibench"] == optibench.__version__ and invocation["numpy"] == numpy.__version__
    assert {"python", "numba", "scipy", "pymoo", "cpu", "cores", "started", "ended"} <= set(invocation)
    assert invocation["cores"] == os.cpu_count() and invocation["ended"] >= invocation["started"]
    command = ["git", "-C", os.path.dirname(optibench.__file__), "rev-parse", "HEAD"]
    checkout = subprocess.run(command, capture_output=True, text=True)
    if checkout.returncode == 0:
        assert invocation["git_commit"] == checkout.stdout.strip() and isinstance(invocation["git_dirty"], bool)


def test_a_foreign_folder_is_refused(here, capsys):
    mine = here / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("my own notes")
    assert main(["run", "tiny.toml", "--out", "mine"]) == 2
    assert "mine is not empty and is not an optibench results folder" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["report.md"] and (mine / "report.md").read_text() == "my own notes"


@pytest.mark.parametrize(
    "line, key",
    [
        ('name = "../../x"', "experiment.name"),
        ('output = "../elsewhere"', "experiment.output"),
        ('output = "/tmp/x"', "experiment.output"),
        ('output = "."', "experiment.output"),
    ],
)
def test_an_experiment_file_cannot_write_outside_the_current_folder(here, capsys, line, key):
    (here / "bad.toml").write_text(EXPERIMENT.replace('name = "tiny"', line))
    before = sorted(p.name for p in here.parent.iterdir())
    assert main(["run", "bad.toml"]) == 2
    assert f"bad.toml: {key}: the results folder" in capsys.readouterr().err
    assert sorted(p.name for p in here.parent.iterdir()) == before
    assert sorted(p.name for p in here.iterdir()) == ["bad.toml", "tiny.toml"]


def test_tilde_is_expanded(here, monkeypatch):
    monkeypatch.setenv("HOME", str(here / "home"))
    (here / "home.toml").write_text(EXPERIMENT.replace('name = "tiny"', 'name = "tiny"\noutput = "~/from-file"'))
    assert main(["run", "tiny.toml", "--out", "~/from-command", "--jobs", "1"]) == 0
    assert main(["run", "home.toml", "--jobs", "1"]) == 0
    assert (here / "home" / "from-command" / "results.parquet").exists()
    assert (here / "home" / "from-file" / "results.parquet").exists()
    assert not (here / "~").exists()


def test_a_second_writer_is_refused(here, capsys):
    with FolderLock(here / "results" / "tiny"):
        assert main(["run", "tiny.toml"]) == 2
        err = capsys.readouterr().err
        assert f"results/tiny is in use by optibench process {os.getpid()} on {socket.gethostname()}" in err
        with pytest.raises(FolderError, match="is in use by optibench process"):
            FolderLock(here / "results" / "tiny").__enter__()
    assert not (here / "results" / "tiny").exists()  # made for the lock, removed with it


def test_a_stale_lock_is_taken_over(here, capsys):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    folder = here / "results" / "tiny"
    folder.mkdir(parents=True)
    (folder / LOCK_FILE).write_text(json.dumps({"pid": gone.pid, "host": socket.gethostname(), "since": "earlier"}))
    assert main(["run", "tiny.toml", "--jobs", "1"]) == 0
    assert f"taking over the lock of process {gone.pid}" in capsys.readouterr().err
    assert len(ResultStore(folder).read()) == 2 and not (folder / LOCK_FILE).exists()


@pytest.mark.parametrize("damage", ["truncated", "empty", "foreign", "meta", "no-experiment"])
def test_damaged_files_are_named_then_quarantined(here, capsys, damage):
    assert main(["run", "tiny.toml", "--runs", "1", "--jobs", "1"]) == 0
    folder = here / "results" / "tiny"
    good = ResultStore(folder).read()
    bad = {
        "truncated": folder / "runs" / "x.parquet",
        "empty": folder / "runs" / "y.parquet",
        "foreign": folder / "runs" / "z.parquet",
        "meta": folder / "meta.json",
        "no-experiment": folder / "results.parquet",
    }[damage]
    bad.parent.mkdir(exist_ok=True)
    if damage == "truncated":
        bad.write_bytes((folder / "results.parquet").read_bytes()[:200])
    elif damage == "empty":
        bad.write_bytes(b"")
    elif damage == "foreign":
        pd.DataFrame({"a": [1, 2]}).to_parquet(bad)
    elif damage == "meta":
        bad.write_text("{not json")
    else:
        (folder / "experiment.toml").unlink()
    capsys.readouterr()
    assert main(["run", "tiny.toml", "--resume", "--jobs", "1"]) == 2
    assert f"optibench run: {bad.relative_to(here)}: " in capsys.readouterr().err
    assert main(["run", "tiny.toml", "--resume", "--quarantine", "--jobs", "1"]) == 0
    assert f"moved {bad.name} into results/tiny/quarantine" in capsys.readouterr().err
    moved = folder / "quarantine" / bad.name
    # meta.json, results.parquet: made anew
    assert moved.exists() and (not bad.exists() or bad.read_bytes() != moved.read_bytes())
    final = ResultStore(folder).read()
    assert len(final) == 2  # the file's two runs
    if damage != "no-experiment":  # the stored run was kept, not run again
        kept = final.merge(good[["run", "time_s"]], on=["run", "time_s"])
        assert len(kept) == 1


def test_failed_runs_are_kept_unless_retried(here, capsys):
    assert main(["run", "tiny.toml", "--jobs", "1"]) == 0
    folder = here / "results" / "tiny"
    store = ResultStore(folder)
    clean = store.read()
    failed = clean.iloc[1].to_dict() | {
        "status": "failed",
        "error": "RuntimeError: boom",
        "traceback": "Traceback ...",
        "best_f": np.nan,
        "violation": np.nan,
        "best_x": None,
        "history": np.empty((0, 3)),
    }
    store.write(failed)
    assert store.read()["status"].tolist() == ["ok", "failed"]
    capsys.readouterr()
    assert main(["run", "tiny.toml", "--resume"]) == 0
    err = capsys.readouterr().err
    assert "nothing to run" in err and "1 runs failed" in err and "--resume --retry-failed" in err
    assert store.read()["status"].tolist() == ["ok", "failed"]
    assert main(["run", "tiny.toml", "--resume", "--retry-failed", "--jobs", "1"]) == 0
    assert "1 runs to do, 2 already stored" in capsys.readouterr().err
    assert_same_runs(store.read(), clean)


def test_ctrl_c_says_how_to_resume(here, capsys, monkeypatch):
    import optibench.cli.run as run_command

    real = run_command.run_batch

    def interrupted_after_one_run(trials, n_jobs, backend, scheduler, on_row):
        real(trials[:1], on_row=on_row)
        raise KeyboardInterrupt

    monkeypatch.setattr(run_command, "run_batch", interrupted_after_one_run)
    assert main(["run", "tiny.toml", "--jobs", "1"]) == 130
    err = capsys.readouterr().err
    assert (
        "interrupted; 1 of 2 runs are stored in results/tiny. Continue with:\n"
        "  optibench run tiny.toml --out results/tiny --jobs 1 --resume"
    ) in err
    assert "Traceback" not in err and not (here / "results" / "tiny" / LOCK_FILE).exists()
    monkeypatch.setattr(run_command, "run_batch", real)
    assert main(["run", "tiny.toml", "--out", "results/tiny", "--jobs", "1", "--resume"]) == 0
    assert len(ResultStore(here / "results" / "tiny").read()) == 2


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_jobs_must_be_positive_or_minus_one(here, capsys, jobs):
    assert main(["run", "tiny.toml", "--jobs", jobs]) == 2
    assert f"--jobs must be an integer >= 1, or -1 for one process per CPU; got {jobs}" in capsys.readouterr().err
    assert not (here / "results").exists()


def test_jobs_are_capped_at_the_runs_left(here, monkeypatch):
    import optibench.runner as runner

    sizes = []
    real = runner.get_reusable_executor

    def recording(max_workers, **kwargs):
        sizes.append(max_workers)
        return real(max_workers=max_workers, **kwargs)

    monkeypatch.setattr(runner, "get_reusable_executor", recording)
    assert main(["run", "tiny.toml", "--jobs", "1000"]) == 0
    assert sizes == [2]


def test_scheduler_implies_dask_and_an_unreachable_one_is_one_line(here, capsys, monkeypatch):
    pytest.importorskip("distributed")
    import optibench.runner as runner

    monkeypatch.setattr(runner, "SCHEDULER_TIMEOUT_S", 1.0)
    assert main(["run", "tiny.toml", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    info, error = capsys.readouterr().err.strip().splitlines()
    assert info == "optibench run: --scheduler given: using --backend dask"
    assert error.startswith("optibench run: cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 1 s")
    assert not (here / "results").exists()
    assert main(["run", "tiny.toml", "--backend", "loky", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "--scheduler applies to --backend dask only" in capsys.readouterr().err


def test_consolidation_survives_another_consolidation_meanwhile(here, monkeypatch):
    import optibench.store as store_module

    assert main(["run", "tiny.toml", "--runs", "1", "--jobs", "1"]) == 0
    folder = here / "results" / "tiny"
    rows = ResultStore(folder).read()
    ours, theirs = ResultStore(folder), ResultStore(folder)
    for row in rows.to_dict("records"):
        ours.write(row | {"run": row["run"] + 5})
    real, calls = store_module._read_rows, []

    def read_while_the_other_consolidates(path, columns=None):
        calls.append(path)
        if len(calls) == 1:
            monkeypatch.setattr(store_module, "_read_rows", real)
            theirs.consolidate()  # removes the run files ours has listed
            monkeypatch.setattr(store_module, "_read_rows", read_while_the_other_consolidates)
        return real(path, columns)

    monkeypatch.setattr(store_module, "_read_rows", read_while_the_other_consolidates)
    assert ours.consolidate() == folder / "results.parquet" and len(calls) > 2  # read again after the files changed
    final = ResultStore(folder).read()
    assert sorted(final["run"]) == [0, 5] and ResultStore(folder).files() == [folder / "results.parquet"]
