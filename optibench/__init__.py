"""optibench: metaheuristic benchmarks on power distribution networks."""
from .network import Network, NetworkDataError, available_networks, load_network

__version__ = "0.1.0"

__all__ = ["Network", "NetworkDataError", "available_networks", "load_network", "__version__"]
