"""Built-in problem families (installed as ``optibench.problems``).

``BUILTIN`` is the one declaration of each built-in name (name ->
``"module:Class"``); the registry imports a module only when one of its
problems is asked for and sets the class's ``name`` then (see
:mod:`optibench.registry`). A new family adds its names here.
"""

BUILTIN = {
    "sphere": "optibench.problems.sanity:Sphere",
    "rastrigin": "optibench.problems.sanity:Rastrigin",
    "rosenbrock": "optibench.problems.sanity:Rosenbrock",
    "ackley": "optibench.problems.sanity:Ackley",
    "g06": "optibench.problems.sanity:G06",
    "zdt1": "optibench.problems.sanity:ZDT1",
    "evcs-placement": "optibench.problems.placement:EvcsPlacement",
    "res-placement": "optibench.problems.placement:ResPlacement",
    "dg-placement": "optibench.problems.placement:DgPlacement",
    "hosting-capacity": "optibench.problems.hosting_capacity:HostingCapacity",
    "sop-operation": "optibench.problems.sop_operation:SopOperation",
    "sop-siting": "optibench.problems.sop_siting:SopSiting",
    "ev-load-levelling": "optibench.problems.ev_scheduling:EvLoadLevelling",
    "ev-res-support": "optibench.problems.ev_scheduling:EvResSupport",
    "ev-res-network": "optibench.problems.ev_res_network:EvResNetwork",
    "ev-station-siting": "optibench.problems.station_siting:EvStationSiting",
    "reconfiguration": "optibench.problems.reconfiguration:Reconfiguration",
}
