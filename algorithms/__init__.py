"""Built-in optimizers (installed as ``optibench.algorithms``).

Each module is imported only when one of its algorithms is asked for (see
:mod:`optibench.registry`); a new algorithm adds its name here.
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
