"""nevergrad's optimizers behind optibench's contract: ``ng:<name>`` (algorithms/nevergrad_adapter.py).

Needs nevergrad, which the ``test`` extra installs; without it this module is
skipped (``pip install "optibench[nevergrad]"`` runs it). nevergrad spends
0.1 to 1 ms of its own per evaluation, so the contract's two long checks
(better than random search: 10 runs of 20,000 evaluations; near g06's
optimum: 3 runs of 10,000) are marked slow, and so are all of NGOpt's and
CMA's checks (about 30,000 evaluations each even without the long ones):
the default run checks TwoPointsDE's contract, and
``python -m pytest -m slow tests/test_nevergrad_adapter.py`` the rest.
NGOpt's checks whose runs reach nevergrad's MetaModel are strict expected
failures under NumPy >= 2.4, a fault of nevergrad's (``NGOPT_METAMODEL``).
"""

import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

ng = pytest.importorskip("nevergrad")

from optibench import algorithm_names, get_algorithm, get_problem, minimize  # noqa: E402
from optibench.algorithms.nevergrad_adapter import LOSS_CEILING, SEED_BOUND  # noqa: E402
from optibench.problem import Evaluation, Problem  # noqa: E402
from optibench.registry import family_names, registered  # noqa: E402
from optibench.testing import Recorder, parametrize_with_checks  # noqa: E402
from optibench.variables import Distinct, Integer, Real, VariableSpace  # noqa: E402

CONTRACT = ("ng:NGOpt", "ng:CMA", "ng:TwoPointsDE")
CHECKED_BY_DEFAULT = "ng:TwoPointsDE"
LONG_CHECKS = ("check_beats_random_search", "check_finds_feasible_point_near_the_constrained_optimum")
NUMPY_2_4 = tuple(int(part) for part in np.__version__.split(".")[:2]) >= (2, 4)
NGOPT_METAMODEL = pytest.mark.xfail(
    NUMPY_2_4,
    raises=TypeError,
    strict=True,
    reason="NGOpt picks nevergrad's MetaModel here (e.g. 5 variables, 1,000-1,500 evaluations), whose surrogate step "
    "calls float() on a one-element array: a TypeError since NumPy 2.4 (nevergrad 1.0.12)",
)
NGOPT_FAILURES = ("check_budget_spent_exactly", "check_threads_equal_runs_alone", "check_beats_random_search")


def _long_runs_slow(mark):
    """The contract's parametrization with the long checks, and every check of all but CHECKED_BY_DEFAULT, marked slow."""
    argnames, params = mark.args
    marked = []
    for p in params:
        optimizer, check = p.values
        slow = [pytest.mark.slow] if check.__name__ in LONG_CHECKS or optimizer.name != CHECKED_BY_DEFAULT else []
        broken = [NGOPT_METAMODEL] if optimizer.name == "ng:NGOpt" and check.__name__ in NGOPT_FAILURES else []
        marked.append(pytest.param(optimizer, check, id=p.id, marks=[*p.marks, *slow, *broken]))
    return pytest.mark.parametrize(argnames, marked)


@_long_runs_slow(parametrize_with_checks([registered("algorithms", name) for name in CONTRACT]))
def test_contract(optimizer, check):
    check(optimizer)


class Logged(Recorder):
    """A Recorder that also keeps every population evaluated."""

    def __init__(self, inner):
        super().__init__(inner)
        self.populations = []

    def evaluate(self, X):
        self.populations.append(np.array(X, dtype=np.float64))
        return super().evaluate(X)


class Linear(Problem):
    """f(x) = sum(x) on [-1, 2]^3: the optimum is the lower corner, on every bound."""

    name = "linear"

    def __init__(self):
        super().__init__(VariableSpace([Real(f"x{i}", -1.0, 2.0) for i in range(3)]))

    def _evaluate(self, Z):
        return Evaluation(F=Z.sum(axis=1)[:, None], G=np.empty((len(Z), 0)))


class Mixed(Problem):
    """An integer n in 0..6 and two distinct buses of (5, 10, 15, 20, 25); f = (n - 4)^2 + |bus 1 - 20| / 5 + |bus 2 - 5| / 5."""

    name = "mixed"

    def __init__(self):
        super().__init__(VariableSpace([Integer("n", 0, 6), Distinct("buses", 2, (5, 10, 15, 20, 25))]))

    def _evaluate(self, Z):
        f = (Z[:, 0] - 4) ** 2 + np.abs(Z[:, 1] - 20) / 5 + np.abs(Z[:, 2] - 5) / 5
        return Evaluation(F=f[:, None], G=np.empty((len(Z), 0)))


def test_budget_exact_when_the_population_does_not_divide_it():
    """pop_size 7, budget 100: 14 populations of 7 and one of 2; nevergrad asked and told exactly 100 points."""
    problem = Logged(get_problem("rastrigin", dim=5))
    opt = get_algorithm("ng:TwoPointsDE", pop_size=7)
    result = minimize(problem, opt, max_evals=100, seed=1)
    assert [len(X) for X in problem.populations] == [7] * 14 + [2]
    assert problem.n_evals == result.n_evals == 100
    assert opt._optimizer.num_ask == opt._optimizer.num_tell == 100
    assert opt._optimizer.num_workers == 7


def test_seeded_runs_identical_with_a_population():
    problem = get_problem("rastrigin", dim=4)
    runs = [minimize(problem, get_algorithm("ng:CMA", pop_size=6), max_evals=240, seed=s).history for s in (2, 2, 3)]
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_pop_size_1_asks_what_nevergrads_own_loop_asks():
    """From the seed the adapter draws, nevergrad's minimize on ng.p.Array(lower=, upper=) evaluates the same points."""
    inner = get_problem("rastrigin", dim=4)
    problem = Logged(inner)
    minimize(problem, get_algorithm("ng:CMA"), max_evals=200, seed=9)
    parametrization = ng.p.Array(shape=(4,), lower=inner.xl, upper=inner.xu)
    parametrization.random_state = np.random.RandomState(int(np.random.default_rng(9).integers(SEED_BOUND)))
    own = []

    def objective(x):
        own.append(x.copy())
        return float(inner.evaluate(x).F[0, 0])

    ng.optimizers.registry["CMA"](parametrization, budget=200).minimize(objective)
    assert np.array_equal(np.vstack(problem.populations), np.array(own))


def test_bounds_respected_and_reached():
    """Every point asked lies in the box, and CMA gets within 1e-3 of the lower corner (bouncing, not arctan)."""
    problem = Recorder(Linear())
    result = minimize(problem, get_algorithm("ng:CMA", pop_size=4), max_evals=800, seed=3)
    assert problem.outside == 0
    assert np.all(result.x_box >= -1.0) and np.all(result.x_box - (-1.0) < 1e-3)


def test_integer_and_distinct_variables_decode_to_the_enumerated_optimum():
    """optibench's decoding: the best point is an integer and two distinct buses, the optimum of all 7 x 20 solutions."""
    problem = Mixed()
    grid = np.array([(n, a, b) for n in range(7) for a in (5, 10, 15, 20, 25) for b in (5, 10, 15, 20, 25) if a != b], float)
    best = grid[np.argmin(problem._evaluate(grid).F[:, 0])]
    assert best.tolist() == [4, 20, 5]
    result = minimize(problem, get_algorithm("ng:TwoPointsDE", pop_size=10), max_evals=600, seed=4)
    assert result.x.tolist() == best.tolist() and result.f == 0.0


def test_losses_put_feasible_first_over_the_run():
    opt = get_algorithm("ng:CMA").setup(get_problem("g06"), np.random.default_rng(0), max_evals=10)
    first = opt._losses(np.array([3.0, 8.0, -2.0]), np.array([[0.0, -1.0], [0.5, 0.25], [-1.0, 0.0]]))
    assert first.tolist() == [3.0, 8.75, -2.0]  # the infeasible point: the first population's largest objective (8) + violation
    later = opt._losses(np.array([1.0, 2.0, np.nan, 4.0]), np.array([[0.1, 0.0], [0.0, 0.0], [0.0, 0.0], [np.inf, 0.0]]))
    assert later.tolist() == [8.1, 2.0, LOSS_CEILING, LOSS_CEILING]  # non-finite values: nevergrad's largest loss
    assert opt._losses(np.array([100.0]), np.array([[1.0, 0.0]])).tolist() == [9.0]  # an infeasible objective moves nothing
    assert opt._losses(np.array([20.0, 5.0]), np.array([[0.0, 0.0], [2.0, 0.0]])).tolist() == [
        20.0,
        22.0,
    ]  # a worse feasible one does


def test_multi_objective_refused():
    with pytest.raises(ValueError, match=r"^ng:CMA handles 1 objective\(s\); zdt1 has 2$"):
        minimize(get_problem("zdt1", dim=5), get_algorithm("ng:CMA"), max_evals=10, seed=0)


def test_unknown_name_names_the_closest_ones():
    with pytest.raises(KeyError) as caught:
        get_algorithm("ng:cma")
    message = caught.value.args[0]
    assert message.startswith(f"unknown algorithm 'ng:cma': nevergrad {ng.__version__} has no optimizer 'cma' (closest: ng:CMA, ")
    with pytest.raises(KeyError, match="no close name"):
        get_algorithm("ng:NoSuchOptimizerAtAll")
    with pytest.raises(ValueError, match=r"^algorithm 'ng:CMA' has no parameter 'sigma'; its parameters: pop_size$"):
        get_algorithm("ng:CMA", sigma=0.3)


def test_optimizers_pickle_and_stay_out_of_the_plain_listing():
    opt = get_algorithm("ng:TwoPointsDE", pop_size=9)
    copy = pickle.loads(pickle.dumps(opt))
    assert type(copy) is type(opt) and copy.params == {"pop_size": 9} and copy.name == "ng:TwoPointsDE"
    assert not any(name.startswith("ng:") for name in algorithm_names())
    every = family_names("algorithms", "ng:")
    assert {"ng:NGOpt", "ng:CMA", "ng:TwoPointsDE", "ng:TBPSA"} <= set(every)
    assert len(every) == len(ng.optimizers.registry)


def _cli(*args: str) -> subprocess.CompletedProcess:
    """``optibench ARGS`` in a new process; its last line of output says whether nevergrad was imported."""
    code = "import sys; from optibench.cli import main; c = main(sys.argv[1:]); print('nevergrad' in sys.modules); sys.exit(c)"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_list_algorithms_mentions_the_family_without_importing_nevergrad():
    plain = _cli("list", "algorithms")
    assert plain.returncode == 0, plain.stderr
    *table, imported = plain.stdout.splitlines()
    assert imported == "False"
    assert table[-1] == (
        "  ng:<name>  nevergrad's optimizers under optibench's ask / tell, budget and seeding "
        "(`optibench list algorithms --all` lists them)"
    )
    assert not any(line.startswith("ng:") for line in table)
    full = _cli("list", "algorithms", "--all", "--json")
    assert full.returncode == 0, full.stderr
    *text, imported = full.stdout.splitlines()
    listed = [row["name"] for row in json.loads("\n".join(text))]
    assert listed[-len(ng.optimizers.registry) :] == ["ng:" + name for name in sorted(ng.optimizers.registry)]
    assert imported == "True"


EXPERIMENT = """
[experiment]
name = "ng"
max_evals = 60
runs = 2

[[problems]]
name = "sphere"
instances = [{{dim = 3}}]

[[algorithms]]
name = "{name}"
params = {{pop_size = 7}}
"""


def test_experiment_files_take_ng_names_and_name_the_key_of_an_unknown_one():
    from optibench.experiment import ExperimentError, parse_experiment
    from optibench.runner import experiment_trials, run_batch

    experiment = parse_experiment(EXPERIMENT.format(name="ng:TwoPointsDE"), "ng.toml")
    rows = run_batch(experiment_trials(experiment), 1)
    assert [(r["algorithm"], r["status"], r["n_evals"]) for r in rows] == [("ng:TwoPointsDE", "ok", 60)] * 2
    with pytest.raises(
        ExperimentError, match=r"^ng.toml: algorithms\[0\].name: unknown algorithm 'ng:TwoPointDE': .*ng:TwoPointsDE"
    ):
        parse_experiment(EXPERIMENT.format(name="ng:TwoPointDE"), "ng.toml")
