"""Built-in optimizers (installed as ``optibench.algorithms``); importing registers them."""
from . import random_search  # noqa: F401
