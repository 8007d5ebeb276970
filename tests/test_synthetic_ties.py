"""Synthetic feeders with tie lines: names, the tie rule, the unchanged base case, and reconfiguration on them."""

import itertools

import numpy as np
import pytest

import optibench
from optibench.network import Network, NetworkDataError, load_network
from optibench.powerflow import solve_batch
from optibench.switching import SwitchGraph
from optibench.synthetic import synthetic_feeder

TINY = "synthetic20t2"
"""20 buses, 2 tie lines: 210 pairs of open branches, 30 of them radial (counted by hand below, by brute force)."""
SMALL = "synthetic60t5"
FEEDER_FIELDS = ("bus_ids", "p_kw", "q_kvar", "parent", "order", "r_ohm", "x_ohm")


def rows(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every branch as data-file rows (from_bus, to_bus, r_ohm, x_ohm, in_service): the tree in bus order, then the ties."""
    child = np.flatnonzero(net.parent >= 0)
    ids = net.bus_ids
    return (
        np.concatenate([ids[net.parent[child]], net.ties[:, 0].astype(np.int64)]),
        np.concatenate([ids[child], net.ties[:, 1].astype(np.int64)]),
        np.concatenate([net.r_ohm[child], net.ties[:, 2]]),
        np.concatenate([net.x_ohm[child], net.ties[:, 3]]),
        np.arange(len(child) + len(net.ties)) < len(child),
    )


def with_open(net: Network, open_rows: tuple[int, ...]) -> Network:
    """``net`` with the branches of ``open_rows`` (0-based rows of :func:`rows`) open and every other one closed.

    Network.from_arrays runs its own tree search: NetworkDataError when the result has a loop or an island.
    """
    from_bus, to_bus, r, x, _ = rows(net)
    in_service = np.ones(len(from_bus), dtype=bool)
    in_service[list(open_rows)] = False
    return Network.from_arrays(
        net.name,
        net.bus_ids,
        net.p_kw,
        net.q_kvar,
        from_bus,
        to_bus,
        r,
        x,
        in_service,
        base_kv=net.base_kv,
        base_mva=net.base_mva,
    )


def root_path(net: Network, bus: int) -> set[int]:
    """Bus indices from ``bus`` up to, not including, the slack: each names the branch feeding it."""
    path, i = set(), bus
    while net.parent[i] >= 0:
        path.add(i)
        i = int(net.parent[i])
    return path


def drawing_order_leaves(net: Network) -> list[int]:
    """Leaves of the tree by a recursive depth-first walk, children in bus order."""
    children = {i: sorted(np.flatnonzero(net.parent == i).tolist()) for i in range(net.n_bus)}

    def walk(i: int) -> list[int]:
        if not children[i]:
            return [i]
        return [leaf for c in children[i] for leaf in walk(c)]

    return walk(net.slack)


def test_names_load_the_seeded_feeder_with_its_ties():
    net = load_network("synthetic200t5")
    same = synthetic_feeder(200, 0, n_ties=5)
    assert net.name == "synthetic200t5-seed0" and len(net.ties) == 5
    for field in (*FEEDER_FIELDS, "ties"):
        assert np.array_equal(getattr(net, field), getattr(same, field))
    seeded = load_network("synthetic200t5-seed3")
    assert seeded.source == "optibench.synthetic.synthetic_feeder(n_bus=200, seed=3, n_ties=5)"
    assert not np.array_equal(seeded.parent, net.parent)
    assert np.array_equal(load_network(seeded.name).ties, seeded.ties)  # the full name loads the feeder again
    plain = load_network("synthetic200")
    assert plain.name == "synthetic200-seed0" and len(plain.ties) == 0
    assert np.array_equal(load_network("synthetic200t3").ties, net.ties[:3])  # fewer ties: the first of the same draw


def test_synthetic_name_never_means_a_local_folder(tmp_path, monkeypatch):
    """A folder ./synthetic3t0 does not replace the generated feeder; given as a path, it loads."""
    local = tmp_path / "synthetic3t0"
    local.mkdir()
    (local / "network.json").write_text('{"name": "mine", "base_kv": 12.66, "base_mva": 10}')
    (local / "buses.csv").write_text("bus,p_kw,q_kvar\n1,0,0\n2,100,50\n")
    (local / "branches.csv").write_text("from_bus,to_bus,r_ohm,x_ohm\n1,2,0.5,0.3\n")
    monkeypatch.chdir(tmp_path)
    assert load_network("synthetic3t0").n_bus == 3 and load_network("./synthetic3t0").name == "mine"


@pytest.mark.parametrize(
    "name, message",
    [
        ("synthetic1", "network 'synthetic1': a synthetic feeder has 2 to 999999 buses, got 1"),
        ("synthetic20t7", "network 'synthetic20t7': n_ties=7 is more than this feeder offers: its 7 leaves make 6 pairs"),
    ],
)
def test_synthetic_names_without_a_feeder_are_refused_naming_the_network(name, message):
    with pytest.raises(NetworkDataError, match=message):
        load_network(name)
    with pytest.raises(ValueError, match=message):
        optibench.get_problem("reconfiguration", network=name)
    with pytest.raises(ValueError, match="n_ties must be >= 0, got n_ties=-1"):
        synthetic_feeder(20, n_ties=-1)


def test_ties_join_neighbouring_leaves_with_feeder_like_impedances():
    """Each tie joins two leaves (never parent and child) adjacent in the depth-first order of the tree; r and x are
    drawn like a line's: r in [0.05, 1] ohm, x / r in [0.3, 1.3]."""
    net = load_network("synthetic200t12-seed4")
    leaves = drawing_order_leaves(net)
    place = {leaf: k for k, leaf in enumerate(leaves)}
    for a, b, r, x in net.ties:
        i, j = net.index_of(int(a)), net.index_of(int(b))
        assert i in place and j in place and net.parent[i] != j and net.parent[j] != i
        assert abs(place[i] - place[j]) == 1
        assert 0.05 <= r <= 1.0 and 0.3 <= x / r <= 1.3
    assert len({frozenset(map(int, t[:2])) for t in net.ties}) == 12


def test_every_tie_closes_its_own_loop():
    """A tie closes the loop of its own end buses' paths to the slack (their symmetric difference), every loop is a
    different set of branches, and closing any one tie makes the network meshed (Network.from_arrays refuses it)."""
    net = load_network("synthetic200t12-seed4")
    graph = SwitchGraph(net)
    loops = []
    for t, (a, b) in enumerate(net.ties[:, :2].astype(int)):
        tree_part = root_path(net, net.index_of(a)) ^ root_path(net, net.index_of(b))
        expected = sorted([i - 1 for i in tree_part] + [net.n_bus - 1 + t])  # branch index: bus index - 1, then ties
        assert graph.loops[t].tolist() == expected and len(expected) >= 3
        loops.append(frozenset(expected))
    assert len(set(loops)) == len(loops)
    ties = range(net.n_bus - 1, net.n_bus - 1 + len(net.ties))
    for t in ties:
        with pytest.raises(NetworkDataError, match="in-service branches form a loop"):
            with_open(net, tuple(s for s in ties if s != t))


@pytest.mark.parametrize("n_bus, seed, n_ties", [(20, 0, 2), (200, 4, 12), (1000, 1, 30)])
def test_base_case_is_radial_and_unchanged_by_the_ties(n_bus, seed, n_ties):
    """The same tree, loads and impedances with or without ties, the same power flow, and the tie version's base
    configuration (every tie open) solved by the changing-topology kernel gives it too."""
    plain = synthetic_feeder(n_bus, seed)
    tied = synthetic_feeder(n_bus, seed, n_ties=n_ties)
    for field in FEEDER_FIELDS:
        assert np.array_equal(getattr(plain, field), getattr(tied, field))
    a = solve_batch(plain, plain.p_kw[None, :], plain.q_kvar[None, :])
    b = solve_batch(tied, tied.p_kw[None, :], tied.q_kvar[None, :])
    assert a.converged[0] and np.array_equal(a.vm_pu, b.vm_pu) and a.loss_kw[0] == b.loss_kw[0]
    graph = SwitchGraph(tied)
    assert graph.radial(graph.base_open[None, :])[0]
    c = graph.solve(graph.base_open[None, :], tied.p_kw[None, :], tied.q_kvar[None, :])
    assert np.abs(c.vm_pu - a.vm_pu).max() < 1e-9 and c.loss_kw[0] == pytest.approx(a.loss_kw[0], rel=1e-9)


def test_radial_count_matches_kirchhoff_and_brute_force():
    """Kirchhoff's matrix-tree theorem on a Laplacian built from the network's own arrays, and on the tiny feeder every
    pair of open branches tried by Network.from_arrays, agree with SwitchGraph's count and list."""
    for name in (TINY, SMALL, "synthetic200t5"):
        net = load_network(name)
        from_bus, to_bus, *_ = rows(net)
        ends = np.array([[net.index_of(int(f)), net.index_of(int(t))] for f, t in zip(from_bus, to_bus)])
        lap = np.zeros((net.n_bus, net.n_bus))
        for i, j in ends:
            lap[i, i] += 1
            lap[j, j] += 1
            lap[i, j] -= 1
            lap[j, i] -= 1
        kirchhoff = round(np.linalg.det(lap[1:, 1:]))
        graph = SwitchGraph(net)
        assert graph.count_radial() == kirchhoff
        assert sum(len(block) for block in graph.radial_configurations()) == kirchhoff
    net = load_network(TINY)
    radial = 0
    for pair in itertools.combinations(range(net.n_bus + 1), 2):
        try:
            with_open(net, pair)
        except NetworkDataError:
            continue
        radial += 1
    assert radial == SwitchGraph(net).count_radial() == 30


def test_brute_force_optimum_of_the_tiny_feeder_equals_certify():
    """Every pair of open branches of the 20-bus feeder: those Network.from_arrays accepts solved by the fixed-topology
    kernel; the least loss and its open branches are what Reconfiguration.certify proves."""
    net = load_network(TINY)
    losses = {}
    for pair in itertools.combinations(range(net.n_bus + 1), 2):
        try:
            config = with_open(net, pair)
        except NetworkDataError:
            continue
        res = solve_batch(config, config.p_kw[None, :], config.q_kvar[None, :])
        assert res.converged[0]
        losses[pair] = float(res.loss_kw[0])
    best, second = sorted(losses.values())[:2]
    assert second - best > 1e-3  # a unique optimum, so the open branches must agree too
    best_pair = min(losses, key=losses.__getitem__)
    for encoding in ("loop", "spanning-tree"):
        problem = optibench.get_problem("reconfiguration", network=TINY, encoding=encoding)
        fields, solved = problem.certify()
        assert solved == len(losses) == 30 and fields["status"] == "proven"
        assert fields["value"] == pytest.approx(best, abs=1e-6)
        assert fields["solution"] == ",".join(str(b + 1) for b in best_pair)


@pytest.mark.parametrize("encoding", ["loop", "spanning-tree"])
def test_reconfiguration_runs_on_a_synthetic_feeder_through_both_encodings(encoding):
    """Random candidates of each encoding decode to radial configurations whose loss is that of the network rebuilt
    with those branches open (fixed-topology kernel), and a seeded search reaches the tiny feeder's proven optimum."""
    problem = optibench.get_problem("reconfiguration", network=SMALL, encoding=encoding)
    assert problem.network.name == "synthetic60t5-seed0" and problem.known_optimum is None
    X = np.random.default_rng(2).uniform(problem.xl, problem.xu, (12, problem.n_var))
    ev = problem.evaluate(X)
    for f, g, numbers in zip(ev.F[:, 0], ev.G, ev.extras["open_branches"]):
        config = with_open(problem.network, tuple(int(b) - 1 for b in numbers))
        res = solve_batch(config, config.p_kw[None, :], config.q_kvar[None, :])
        assert (g <= 0).all() and f == pytest.approx(res.loss_kw[0], rel=1e-9)
    tiny = optibench.get_problem("reconfiguration", network=TINY, encoding=encoding)
    optimum, _ = tiny.certify()
    result = optibench.minimize(tiny, optibench.get_algorithm("eo", pop_size=10), max_evals=300, seed=1)
    assert result.f == pytest.approx(optimum["value"], abs=tiny.success_atol)
    assert tiny.evaluate_values(tiny.parse_solution(optimum["solution"])[None, :]).F[0, 0] == pytest.approx(optimum["value"])
