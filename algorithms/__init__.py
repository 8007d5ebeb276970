"""Built-in optimizers (installed as ``optibench.algorithms``); importing registers them."""
from . import eo, pymoo_adapter, random_search, wso  # noqa: F401
