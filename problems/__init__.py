"""Built-in problem families (installed as ``optibench.problems``); importing registers them."""
from . import ev_scheduling, hosting_capacity, placement, sanity, sop_operation, station_siting  # noqa: F401
