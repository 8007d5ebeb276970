"""Regenerate the shipped optima of ``dg-placement`` (optibench/data/known_optima.json).

Usage::

    python scripts/certify_dg_placement.py [--network NAME ...] [--store PATH]

Certifies 1, 2 and 3 units on ieee33, ieee33mg and ieee69 without voltage
limits (the default, classic instance) and 1 and 2 units with limits of
0.95-1.05 p.u., each with :meth:`DgPlacement.certify` (a cone bound for every
bus set closed by the AC power flow, see ``optibench.problems.dg_certify``),
and writes each result as it is found. IEEE 69 with three units (50,116 bus
sets) takes about five minutes of one core; the rest well under two.
"""

from __future__ import annotations

import argparse
import os

NETWORKS = ("ieee33", "ieee33mg", "ieee69")
INSTANCES = [dict(units=units) for units in (1, 2, 3)] + [dict(units=units, vmin=0.95, vmax=1.05) for units in (1, 2)]
"""Instance parameters certified on every network (the network added)."""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", action="append", choices=NETWORKS, help="only these networks (repeatable)")
    parser.add_argument("--store", metavar="PATH", help="write to PATH instead of the shipped file")
    args = parser.parse_args(argv)
    # one thread: the solves are sequential and the power flows small (set before numba is imported)
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    import optibench
    from optibench.known_optima import SHIPPED, certify, store

    path = args.store or SHIPPED
    for network in args.network or NETWORKS:
        for params in INSTANCES:
            problem = optibench.get_problem("dg-placement", network=network, **params)
            optimum, stats = certify(problem)
            store(problem.name, problem.instance, optimum, path)
            print(
                f"{network} {params}: {optimum.status} {optimum.value:.6f} kW at {optimum.solution} "
                f"({stats['power_flows']:,} power flows, {stats['time_s']:.0f} s)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
