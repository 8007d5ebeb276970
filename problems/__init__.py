"""Built-in problem families (installed as ``optibench.problems``); importing registers them."""
from . import sanity  # noqa: F401
