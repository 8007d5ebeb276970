"""Trial runner: one row per run, seeds that depend only on the run's identity, any n_jobs or backend."""

import numpy as np
import pytest

import optibench
from frames import assert_same_runs
from optibench import get_algorithm, get_problem, minimize, run_trials
from optibench.runner import canonical_json, make_trials, row_key, run_batch, run_seed

ALGORITHMS = [("random-search", {"pop_size": 20}), ("eo", {"pop_size": 20})]


@pytest.mark.parametrize("algorithm, params", ALGORITHMS)
def test_rows_and_seed_column_reproduce_each_run(algorithm, params):
    df = run_trials("sphere", algorithm, runs=4, max_evals=230, seed=5, instance={"dim": 4}, params=params)
    assert list(df["run"]) == [0, 1, 2, 3]
    assert set(df["problem"]) == {"sphere"} and set(df["instance"]) == {'{"dim":4}'}
    assert set(df["algorithm"]) == {algorithm} and set(df["label"]) == {algorithm}
    assert (df["n_evals"] == 230).all() and (df["violation"] == 0).all() and (df["time_s"] > 0).all()
    assert df["seed"].nunique() == 4
    assert (df["optimum"] == 0.0).all() and set(df["optimum_status"]) == {"proven"}
    assert set(df["status"]) == {"ok"} and df["error"].isna().all() and (df["n_nonfinite"] == 0).all()
    assert set(df["optibench_version"]) == {optibench.__version__}
    assert set(df["success_atol"]) == {get_problem("sphere").success_atol}
    for row in df.itertuples():
        result = minimize(get_problem("sphere", dim=4), get_algorithm(algorithm, **params), 230, seed=row.seed)
        assert result.f == row.best_f
        np.testing.assert_array_equal(result.history, row.history)
        np.testing.assert_array_equal(result.x, row.best_x)
        assert row.history.shape == (int(np.ceil(230 / 20)), 3)
        assert row.history[-1, 1] == row.best_f
        assert row.best_f == pytest.approx(np.sum(row.best_x**2), rel=1e-12)


@pytest.mark.parametrize("algorithm, params", ALGORITHMS)
def test_results_do_not_depend_on_n_jobs(algorithm, params):
    kwargs = dict(runs=6, max_evals=400, seed=3, instance={"dim": 5}, params=params)
    one = run_trials("sphere", algorithm, n_jobs=1, **kwargs)
    two = run_trials("sphere", algorithm, n_jobs=2, **kwargs)
    assert_same_runs(one, two)
    assert one["best_f"].nunique() == 6


def test_results_do_not_depend_on_order_or_batch():
    problem, optimizer = get_problem("sphere", dim=3), get_algorithm("random-search", pop_size=10)
    trials = make_trials(problem, optimizer, "rs", runs=5, max_evals=100, seed=9)
    forward = run_batch(trials)
    backward = run_batch(trials[::-1])
    assert [r["run"] for r in backward] == [4, 3, 2, 1, 0]
    for row in forward:
        alone = run_batch([t for t in trials if t.identity["run"] == row["run"]])[0]
        same_in_reverse = next(r for r in backward if r["run"] == row["run"])
        for other in (alone, same_in_reverse):
            assert other["seed"] == row["seed"] and other["best_f"] == row["best_f"]
            np.testing.assert_array_equal(other["history"], row["history"])


def test_objects_and_names_give_the_same_runs():
    by_name = run_trials("sphere", "random-search", runs=3, max_evals=60, seed=1, instance={"dim": 2}, params={"pop_size": 7})
    by_object = run_trials(get_problem("sphere", dim=2), get_algorithm("random-search", pop_size=7), runs=3, max_evals=60, seed=1)
    assert_same_runs(by_name, by_object)


def test_seed_depends_on_every_part_of_the_key():
    base = ("sphere", '{"dim":2}', "eo", '{"pop_size":30}', "EO")
    seed = run_seed(1, *base, 0)
    assert seed == run_seed(1, *base, 0)
    assert 0 <= seed < 2**63
    variants = [run_seed(2, *base, 0), run_seed(1, *base, 1)]
    variants += [run_seed(1, *base[:i], base[i] + "x", *base[i + 1 :], 0) for i in range(5)]
    assert len({seed, *variants}) == 8
    # spawned from SeedSequence(master, spawn_key=(hashes..., run)), not a sequential draw
    assert run_seed(1, *base, 1) != seed + 1


def test_dask_backend_matches_local_processes():
    distributed = pytest.importorskip("distributed")
    kwargs = dict(runs=5, max_evals=300, seed=4, instance={"dim": 3}, params={"pop_size": 20})
    local = run_trials("sphere", "eo", n_jobs=2, **kwargs)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = run_trials("sphere", "eo", backend="dask", scheduler=cluster.scheduler_address, **kwargs)
    assert_same_runs(local, remote)


def test_local_dask_dashboard_listens_on_loopback_only():
    pytest.importorskip("distributed")
    from optibench.runner import dask_client

    with dask_client(None) as client:
        assert client.dashboard_link.startswith("http://127.0.0.1:")


def test_quiet_when_not_a_terminal(capsys):
    run_trials("sphere", "random-search", runs=2, max_evals=10, instance={"dim": 2})
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_label_is_part_of_the_identity():
    problem, optimizer = get_problem("sphere", dim=2), get_algorithm("random-search", pop_size=5)
    a, b = (make_trials(problem, optimizer, label, runs=2, max_evals=10, seed=0) for label in ("A", "B"))
    assert [t.identity["label"] for t in a + b] == ["A", "A", "B", "B"]
    assert len({t.seed for t in a + b}) == 4
    assert {row_key(t.identity) for t in a}.isdisjoint(row_key(t.identity) for t in b)
    # params are the optimizer's full resolved set, defaults included
    assert a[0].identity["params"] == canonical_json(optimizer.params)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown backend 'spark'; choose one of loky, dask"):
        run_trials("sphere", "random-search", runs=1, max_evals=10, backend="spark")
    for n_jobs in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match=f"n_jobs must be an integer >= 1, or -1 for one process per CPU; got {n_jobs!r}"):
            run_trials("sphere", "random-search", runs=1, max_evals=10, n_jobs=n_jobs)
    with pytest.raises(ValueError, match="instance applies to a problem given by name"):
        run_trials(get_problem("sphere", dim=2), "random-search", runs=1, max_evals=10, instance={"dim": 3})
