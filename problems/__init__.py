"""Built-in problem families (installed as ``optibench.problems``); importing registers them."""
from . import hosting_capacity, placement, sanity  # noqa: F401
