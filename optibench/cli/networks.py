"""``optibench networks``: the shipped test systems."""

from __future__ import annotations

from typing import Any

from .output import to_json


def add_parser(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args) -> int:
    from optibench.network import available_networks, load_network

    rows: list[dict[str, Any]] = []
    for name in available_networks():
        net = load_network(name)
        rows.append(
            {
                "network": name,
                "buses": net.n_bus,
                "tie_lines": len(net.ties),
                "load_kw": round(float(net.p_kw.sum()), 3),
                "load_kvar": round(float(net.q_kvar.sum()), 3),
                "base_kv": net.base_kv,
                "source": net.source,
            }
        )
    if args.json:
        print(to_json(rows))
        return 0
    print(f"{'network':<10} {'buses':>5} {'ties':>4} {'load kW':>9} {'load kvar':>9}  source")
    for r in rows:
        print(
            f"{r['network']:<10} {r['buses']:>5} {r['tie_lines']:>4} {r['load_kw']:>9.1f} {r['load_kvar']:>9.1f}  "
            f"{r['source'][:70]}"
        )
    return 0
