"""optibench: metaheuristic benchmarks on power distribution networks."""

from .minimize import Result, minimize
from .network import Network, NetworkDataError, available_networks, load_network
from .registry import algorithm_names, get_algorithm, get_problem, problem_names
from .runner import run_trials

__version__ = "0.1.0"

__all__ = [
    "Network",
    "NetworkDataError",
    "Result",
    "algorithm_names",
    "available_networks",
    "get_algorithm",
    "get_problem",
    "load_network",
    "minimize",
    "problem_names",
    "run_trials",
    "__version__",
]
