"""Built-in optimizers (installed as ``optibench.algorithms``).

``BUILTIN`` is the one declaration of each built-in name (name ->
``"module:Class"``); the registry imports a module only when one of its
algorithms is asked for and sets the class's ``name`` then (see
:mod:`optibench.registry`). A new algorithm adds its name here.
"""

BUILTIN = {
    "random-search": "optibench.algorithms.random_search:RandomSearch",
    "eo": "optibench.algorithms.eo:EquilibriumOptimizer",
    "wso": "optibench.algorithms.wso:WarStrategyOptimization",
    "ga": "optibench.algorithms.pymoo_adapter:PymooGA",
    "de": "optibench.algorithms.pymoo_adapter:PymooDE",
    "pso": "optibench.algorithms.pymoo_adapter:PymooPSO",
    "cmaes": "optibench.algorithms.pymoo_adapter:PymooCMAES",
    "nsga2": "optibench.algorithms.pymoo_adapter:PymooNSGA2",
}
