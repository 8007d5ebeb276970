"""Network files: loading, the literature's base cases, and bad data named precisely."""

import json
import shutil

import numpy as np
import pytest

from optibench import NetworkDataError, available_networks, load_network
from optibench.network import NETWORKS_DIR
from optibench.powerflow import solve


def test_shipped_networks():
    assert {"ieee33", "ieee33mg", "ieee69", "case118zh", "case136ma"} <= set(available_networks())


@pytest.mark.parametrize(
    "name, n_bus, load_kw, loss_kw, vmin, vmin_bus",
    [
        # Baran & Wu (1989): 3715 kW, loss 202.7 kW, V_min 0.9131 p.u. at bus 18
        ("ieee33", 33, 3715.0, 202.68, 0.9131, 18),
        # Baran & Wu (1989) 69-bus: 3802.1 kW; loss ~225.0 kW, V_min 0.9092 p.u. at bus 65
        ("ieee69", 69, 3802.1, 224.99, 0.9092, 65),
    ],
)
def test_base_cases_match_literature(name, n_bus, load_kw, loss_kw, vmin, vmin_bus):
    net = load_network(name)
    res = solve(net)
    assert net.n_bus == n_bus
    assert net.p_kw.sum() == pytest.approx(load_kw, abs=0.01)
    assert res.loss_kw[0] == pytest.approx(loss_kw, abs=0.01)
    assert res.vmin_pu[0] == pytest.approx(vmin, abs=1e-4)
    assert res.vmin_bus[0] == vmin_bus


def test_topology_arrays():
    net = load_network("ieee33")
    assert net.bus_ids[net.slack] == 1
    assert len(net.ties) == 5
    position = np.empty(net.n_bus, dtype=int)
    position[net.order] = np.arange(net.n_bus)
    child = net.order[1:]
    assert np.all(position[net.parent[child]] < position[child])
    assert net.bus_ids[net.parent[net.index_of(23)]] == 3
    with pytest.raises(ValueError):
        net.p_kw[0] = 1.0  # immutable


def test_load_by_path_equals_load_by_name(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(NETWORKS_DIR / "ieee33", folder)
    a, b = load_network("ieee33"), load_network(folder / "network.json")
    assert np.array_equal(a.r_ohm, b.r_ohm) and np.array_equal(a.p_kw, b.p_kw)


@pytest.fixture
def user_network(tmp_path):
    """A writable copy of ieee33 and a function that edits one line of one of its files."""
    folder = tmp_path / "feeder"
    shutil.copytree(NETWORKS_DIR / "ieee33", folder)

    def edit(file, old, new):
        path = folder / file
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        return folder

    return edit


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        (
            "branches.csv",
            "21,8,2,2,0",
            "21,8,2,2,1",
            r"form a loop: 2-3 \(row 2\), .*7-8 \(row 7\), 2-19 \(row 18\), 19-20 \(row 19\), 20-21 \(row 20\), 21-8 \(row 33\);",
        ),
        ("branches.csv", "2,19,0.164,0.1565,1", "2,19,0.164,0.1565,0", r"buses \[19, 20, 21, 22\] are not connected"),
        ("buses.csv", "\n5,60,30\n", "\n4,60,30\n", r"bus 4 is listed twice"),
        ("branches.csv", "32,33,0.341,0.5302,1", "32,34,0.341,0.5302,1", r"branch 32-34 .* missing bus 34"),
        ("branches.csv", "7,8,0.7114,0.2351,1", "7,8,0,0.2351,1", r"branch 7-8 .* non-positive or non-finite resistance"),
        ("branches.csv", "7,8,0.7114,0.2351,1", "7,8,inf,0.2351,1", r"branch 7-8 .* resistance r_ohm = inf"),
        ("branches.csv", "7,8,0.7114,0.2351,1", "7,8,0.7114,nan,1", r"branch 7-8 .* reactance x_ohm = nan"),
        ("buses.csv", "\n7,200,100\n", "\n7,nan,100\n", r"bus 7 has a non-finite load p_kw"),
        ("buses.csv", "\n7,200,100\n", "\n7,2OO,100\n", r"buses.csv, line 8: column 'p_kw' is not a number: '2OO'"),
        ("buses.csv", "bus,p_kw,q_kvar", "bus,p_mw,q_kvar", r"buses.csv: missing column\(s\) \['p_kw'\]"),
        (
            "network.json",
            '"base_kv": 12.66',
            '"base_kv": -12.66',
            r"network.json: base_kv must be a finite number > 0, got -12.66",
        ),
        # bus numbers index lookup tables: a negative one would alias another bus, a huge one exhaust memory
        ("buses.csv", "\n5,60,30\n", "\n-5,60,30\n", r"bus -5 \(buses row 5\) must be a number from 1 to 999999"),
        ("buses.csv", "\n5,60,30\n", "\n100000000000,60,30\n", r"bus 100000000000 \(buses row 5\) must be a number from 1 to"),
        ("buses.csv", "\n5,60,30\n", "\n5,60,3,0\n", r"buses.csv, line 6: 4 fields but the header has 3 .*decimal comma"),
        (
            "network.json",
            '"base_kv": 12.66',
            '"base_kv": "abc"',
            r"network.json: base_kv must be a finite number > 0, got 'abc' \(str\)",
        ),
        (
            "network.json",
            '"slack_bus": 1,',
            '"slack_bus": 1.7,',
            r"network.json: slack_bus must be an integer >= 1 .*got 1.7 \(float\)",
        ),
        (
            "network.json",
            '"slack_voltage_pu": 1.0',
            '"slack_voltage_pu": 5',
            r"network.json: slack_voltage_pu must be a finite number >= 0.8 and <= 1.2, got 5",
        ),
    ],
)
def test_bad_data_is_named(user_network, file, old, new, message):
    folder = user_network(file, old, new)
    with pytest.raises(NetworkDataError, match=message) as err:
        load_network(folder)
    assert "feeder" in str(err.value)  # the folder is named


def test_unknown_network_name():
    with pytest.raises(NetworkDataError, match=r"unknown network 'ieee34'.*ieee33"):
        load_network("ieee34")


def test_bad_json_is_named(user_network):
    folder = user_network("network.json", "{", "{{")
    with pytest.raises(NetworkDataError, match=r"network.json: not valid JSON"):
        load_network(folder)
    json.loads((NETWORKS_DIR / "ieee33" / "network.json").read_text())  # shipped file untouched


def test_non_utf8_file_is_named(user_network):
    folder = user_network("buses.csv", "\n7,200,100\n", "\n7,200,100 \u00e9\n")
    path = folder / "buses.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))  # the same text, saved as Latin-1
    with pytest.raises(NetworkDataError, match=r"feeder.buses.csv: not UTF-8 text \(byte 0xe9"):
        load_network(folder)


def test_shipped_name_never_means_a_local_folder(tmp_path, monkeypatch):
    """A folder ./ieee69 with other data does not replace ieee69 (nor inherit its stored optimum); ./ieee69 loads it."""
    import optibench

    local = tmp_path / "ieee69"
    shutil.copytree(NETWORKS_DIR / "ieee69", local)
    buses = (local / "buses.csv").read_text().replace("\n61,1244,888\n", "\n61,2488,1776\n")
    (local / "buses.csv").write_text(buses)
    monkeypatch.chdir(tmp_path)
    shipped, mine = load_network("ieee69"), load_network("./ieee69")
    assert shipped.p_kw.sum() == pytest.approx(3802.1, abs=0.01)
    assert mine.p_kw.sum() == pytest.approx(3802.1 + 1244, abs=0.01)
    on_shipped = optibench.get_problem("evcs-placement", case=1, network="ieee69")
    on_mine = optibench.get_problem("evcs-placement", case=1, network="./ieee69")
    assert on_shipped.network.p_kw.sum() == shipped.p_kw.sum()
    assert on_shipped.known_optimum is not None
    assert on_mine.known_optimum is None
