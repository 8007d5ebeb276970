"""Registry of problems and algorithms, built-in and third-party.

Built-in modules register with the decorators below. A third-party package
registers through an entry point in its own ``pyproject.toml``::

    [project.entry-points."optibench.algorithms"]
    my-pso = "my_package.pso:MyPSO"

(and likewise the group ``optibench.problems``); the entry point's name is
the registry name and its object the class (or factory) to call.
"""
from __future__ import annotations

import warnings
from importlib.metadata import entry_points

_REGISTRY: dict[str, dict[str, object]] = {"problems": {}, "algorithms": {}}
_loaded = False


def register_problem(name: str):
    """Class decorator: make a problem family available as ``get_problem(name, **instance)``."""
    return _register("problems", name)


def register_algorithm(name: str):
    """Class decorator: make an optimizer available as ``get_algorithm(name, **params)``."""
    return _register("algorithms", name)


def _register(kind: str, name: str):
    def decorator(obj):
        _REGISTRY[kind][name] = obj
        if isinstance(obj, type):
            obj.name = name
        return obj

    return decorator


def _load_all() -> None:
    """Import the built-in families and the installed plugins once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import optibench.algorithms  # noqa: F401  (registers built-ins)
    import optibench.problems  # noqa: F401

    for kind in ("problems", "algorithms"):
        for ep in entry_points(group=f"optibench.{kind}"):
            if ep.name in _REGISTRY[kind]:
                continue
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plugin must not take the built-ins down with it
                warnings.warn(f"optibench: plugin {ep.name!r} ({ep.value}, group optibench.{kind}) "
                              f"could not be loaded and is skipped: {exc}", stacklevel=2)
                continue
            _register(kind, ep.name)(obj)


def _lookup(kind: str, name: str):
    _load_all()
    try:
        return _REGISTRY[kind][name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY[kind]))
        raise KeyError(f"unknown {kind[:-1]} {name!r}; registered {kind}: {known}") from None


def get_problem(name: str, **instance):
    """A problem instance: ``get_problem("sphere", dim=10)``."""
    return _lookup("problems", name)(**instance)


def get_algorithm(name: str, **params):
    """An optimizer with parameters: ``get_algorithm("eo", pop_size=30)``."""
    return _lookup("algorithms", name)(**params)


def problem_names() -> list[str]:
    _load_all()
    return sorted(_REGISTRY["problems"])


def algorithm_names() -> list[str]:
    _load_all()
    return sorted(_REGISTRY["algorithms"])


def registered(kind: str, name: str):
    """The registered class (or factory) of ``kind`` (``"problems"``/``"algorithms"``) named ``name``."""
    return _lookup(kind, name)
