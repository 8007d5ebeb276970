"""Exact convex baselines: branch-flow models of a feeder, solved by conic and linear solvers.

:class:`BranchFlowModel` builds the DistFlow equations over a horizon (cone
relaxation or LinDistFlow), devices from :mod:`optibench.exact.devices`
(and units sited by binaries, :mod:`optibench.exact.placement`) attach to
it, and every :class:`Solution` carries an :class:`ACRecheck` of
its injections by the AC power flow. :class:`SwitchingModel`
(:mod:`optibench.exact.switches`) makes every branch of a meshed feeder a
switch, with radiality constraints, for minimum-loss reconfiguration.
"""

from .devices import Device, PhotovoltaicUnit, ScaledLoad, StaticVarGenerator, Storage
from .model import BranchFlowModel, Solution
from .placement import PlacedUnits
from .recheck import ACRecheck, ac_recheck
from .sop import SoftOpenPoint
from .switches import SwitchingModel

__all__ = [
    "ACRecheck",
    "BranchFlowModel",
    "Device",
    "PhotovoltaicUnit",
    "PlacedUnits",
    "ScaledLoad",
    "SoftOpenPoint",
    "Solution",
    "StaticVarGenerator",
    "Storage",
    "SwitchingModel",
    "ac_recheck",
]
