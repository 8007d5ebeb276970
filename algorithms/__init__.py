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
    "gwo": "optibench.algorithms.gwo:GreyWolfOptimizer",
    "woa": "optibench.algorithms.woa:WhaleOptimizationAlgorithm",
    "sca": "optibench.algorithms.sca:SineCosineAlgorithm",
    "wso-authors": "optibench.algorithms.wso:WarStrategyOptimizationAuthors",
    "hho": "optibench.algorithms.hho:HarrisHawksOptimization",
    "tlbo": "optibench.algorithms.tlbo:TeachingLearningBasedOptimization",
    "jaya": "optibench.algorithms.jaya:Jaya",
    "ga": "optibench.algorithms.pymoo_adapter:PymooGA",
    "de": "optibench.algorithms.pymoo_adapter:PymooDE",
    "pso": "optibench.algorithms.pymoo_adapter:PymooPSO",
    "cmaes": "optibench.algorithms.pymoo_adapter:PymooCMAES",
    "nsga2": "optibench.algorithms.pymoo_adapter:PymooNSGA2",
}

PREFIXES = {"ng:": "optibench.algorithms.nevergrad_adapter"}
"""Name families resolved when used, not listed one by one: ``ng:<name>`` is the optimizer ``<name>``
of nevergrad's registry (``ng:NGOpt``, ``ng:CMA``, ``ng:TwoPointsDE``...), which needs nevergrad
(the ``nevergrad`` extra). Each module gives ``resolve(name)`` and ``names()`` (for the registry),
``installed()`` and ``INSTALL`` (for ``optibench list``); importing it imports no third-party library."""
