"""``optibench powerflow NETWORK``: one power flow, as a table or JSON."""

from __future__ import annotations

import argparse
import math
import sys

from .output import to_json


def add_parser(parser) -> None:
    parser.add_argument("network", help="shipped network name (see 'optibench networks') or a network folder")
    parser.add_argument(
        "--load-scale",
        type=load_scale,
        default=1.0,
        metavar="S",
        help="multiply every load by S, a finite number >= 0 (default 1)",
    )
    parser.add_argument("--voltages", action="store_true", help="also print every bus voltage")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.epilog = "Exit status 1 when the power flow does not converge (the output says so)."


def load_scale(text: str) -> float:
    """``--load-scale``: a finite number >= 0 (NaN, inf and negative loads are bad arguments, not a collapse)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def run(args) -> int:
    from optibench.network import NetworkDataError, load_network
    from optibench.powerflow import solve

    try:
        net = load_network(args.network)
    except NetworkDataError as exc:
        print(f"optibench powerflow: {exc}", file=sys.stderr)
        return 2
    res = solve(net, load_scale=args.load_scale)
    summary = {
        "network": net.name,
        "load_scale": args.load_scale,
        "converged": bool(res.converged[0]),
        "iterations": int(res.iterations[0]),
        "loss_kw": float(res.loss_kw[0]),
        "loss_kvar": float(res.loss_kvar[0]),
        "vmin_pu": float(res.vmin_pu[0]),
        "vmin_bus": int(res.vmin_bus[0]) if res.converged[0] else None,
        "vmax_pu": float(res.vmax_pu[0]),
        "load_kw": float(net.p_kw.sum() * args.load_scale),
        "load_kvar": float(net.q_kvar.sum() * args.load_scale),
    }
    buses = [
        {"bus": int(b), "vm_pu": float(vm), "va_deg": float(va)} for b, vm, va in zip(net.bus_ids, res.vm_pu[0], res.va_deg[0])
    ]
    if args.json:
        if args.voltages:
            summary["buses"] = buses
        print(to_json(summary))
        return 0 if summary["converged"] else 1
    state = "converged" if summary["converged"] else "DID NOT CONVERGE: no solution (voltage collapse, or raise the sweep limit)"
    print(
        f"{net.name}: {net.n_bus} buses, load {summary['load_kw']:.1f} kW + j{summary['load_kvar']:.1f} kvar "
        f"(scale {args.load_scale:g})"
    )
    print(f"power flow {state} after {summary['iterations']} sweeps")
    if not summary["converged"]:
        return 1
    print(f"{'total loss':<14} {summary['loss_kw']:12.4f} kW {summary['loss_kvar']:12.4f} kvar")
    print(f"{'V min':<14} {summary['vmin_pu']:12.6f} p.u. at bus {summary['vmin_bus']}")
    print(f"{'V max':<14} {summary['vmax_pu']:12.6f} p.u.")
    if args.voltages:
        print(f"\n{'bus':>5} {'|V| p.u.':>10} {'angle deg':>10}")
        for b in buses:
            print(f"{b['bus']:>5} {b['vm_pu']:>10.6f} {b['va_deg']:>10.4f}")
    return 0 if summary["converged"] else 1
