"""Registry of problems and algorithms, built-in and third-party.

Each built-in name is declared once: the packages ``optibench.problems``
and ``optibench.algorithms`` list theirs in ``BUILTIN`` (name ->
``"module:Class"``), and the registry sets the class's ``name`` when it
first resolves it. A family's module, and the libraries it needs (cvxpy for
the exact baselines, say), is imported only when that family is used: a
worker process running EO on a placement problem never loads the
cone-program code.

A third-party package registers through an entry point in its own
``pyproject.toml``::

    [project.entry-points."optibench.algorithms"]
    my-pso = "my_package.pso:MyPSO"

(and likewise the group ``optibench.problems``); the entry point's name is
the registry name and its object the class (or factory) to call.

Built-ins are imported on first use. Plug-ins are loaded when first used or
listed: one that fails to load is left out of every listing and lookup, with
one warning naming it and the error, so a broken plug-in cannot break the
built-ins. Each name has one declaration: a plug-in whose name is a
built-in's, or another plug-in's, is refused: using or listing that kind
raises :class:`NameCollision` naming both sources (rename the entry point in
the plug-in's ``pyproject.toml``). The same entry point found twice (one
distribution seen on two paths) is one declaration.

A name family is declared once by its prefix: ``PREFIXES`` of a built-in
package maps a prefix to the module that resolves the names starting with
it (``"ng:"`` -> the nevergrad adapter: ``ng:CMA`` is nevergrad's CMA). The
module gives ``resolve(rest)``, the class (or factory) of one name without
its prefix, raising KeyError for an unknown one, and ``names()``, every
name it resolves. Such names are resolved when used and are not part of
:func:`algorithm_names`: listing them (:func:`family_names`) imports the
library behind them.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .optimizer import Optimizer
    from .problem import Problem

KINDS = ("problems", "algorithms")
_REGISTRY: dict[str, dict[str, Callable[..., Any]]] = {kind: {} for kind in KINDS}
"""Names resolved so far, with their class (or factory)."""
_PENDING: dict[str, dict[str, str | EntryPoint]] = {kind: {} for kind in KINDS}
"""Names known but not imported yet: a ``"module:attr"`` string or an entry point."""
_COLLISIONS: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
"""Names declared more than once, with every source declaring them."""
_FAMILIES: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
"""Name families: prefix -> module resolving the names that start with it."""
_listed = False


class NameCollision(ValueError):
    """Two sources (built-in or plug-ins) declare the same registry name."""


def _source(target: str | EntryPoint) -> str:
    """Where a declaration comes from, in words: a built-in's target or a plug-in's entry point and distribution."""
    if isinstance(target, str):
        return f"built-in {target}"
    dist = getattr(target, "dist", None)
    package = f" of package {dist.name!r}" if dist is not None else ""
    return f"plugin entry point {target.name!r} = {target.value}{package} (group {target.group})"


def _list_all() -> None:
    """Collect the built-in names and the installed plug-ins' entry points, importing none of them."""
    global _listed
    if _listed:
        return
    _listed = True
    for kind in KINDS:
        package = importlib.import_module(f"optibench.{kind}")
        _PENDING[kind].update(package.BUILTIN)
        _FAMILIES[kind].update(getattr(package, "PREFIXES", {}))
        for ep in entry_points(group=f"optibench.{kind}"):
            known = _PENDING[kind].get(ep.name)
            if known is None:
                _PENDING[kind][ep.name] = ep
            elif isinstance(known, str) or known.value != ep.value:
                sources = _COLLISIONS[kind].setdefault(ep.name, [_source(known)])
                sources.append(_source(ep))


def _refuse_collisions(kind: str, names: Iterable[str]) -> None:
    """NameCollision for the first of ``names`` declared by more than one source."""
    for name in names:
        if name in _COLLISIONS[kind]:
            raise NameCollision(
                f"{kind[:-1]} name {name!r} is declared more than once: "
                f"{'; '.join(_COLLISIONS[kind][name])}. Each name has one declaration: "
                f"rename the plugin's entry point"
            )


def _resolve(kind: str, name: str) -> Callable[..., Any] | None:
    """Import a pending entry and name it; None (with a warning) for a plug-in that fails to load."""
    target = _PENDING[kind][name]
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        obj = getattr(importlib.import_module(module), attr)
    else:
        try:
            obj = target.load()
        except Exception as exc:  # a broken plug-in must not take the built-ins down with it
            warnings.warn(
                f"optibench: plugin {name!r} ({target.value}, group optibench.{kind}) "
                f"could not be loaded and is left out: {type(exc).__name__}: {exc}",
                stacklevel=3,
            )
            _PENDING[kind].pop(name)
            return None
    _REGISTRY[kind][name] = obj
    del _PENDING[kind][name]
    if isinstance(obj, type):
        obj.name = name  # type: ignore[attr-defined]  # a class of any base: Problem, Optimizer or a plug-in's own
    return obj


def _lookup(kind: str, name: str) -> Callable[..., Any]:
    _list_all()
    _refuse_collisions(kind, [name])
    if name in _REGISTRY[kind]:
        return _REGISTRY[kind][name]
    if name in _PENDING[kind]:
        obj = _resolve(kind, name)
        if obj is not None:
            return obj
    for prefix, module in _FAMILIES[kind].items():
        if name.startswith(prefix):
            return importlib.import_module(module).resolve(name.removeprefix(prefix))
    known = ", ".join(_names(kind))
    raise KeyError(f"unknown {kind[:-1]} {name!r}; registered {kind}: {known}")


def _names(kind: str) -> list[str]:
    """Every usable name of ``kind``: plug-ins are loaded here, so that one failing to load is left out."""
    _list_all()
    _refuse_collisions(kind, sorted(_COLLISIONS[kind]))
    for name, target in list(_PENDING[kind].items()):
        if not isinstance(target, str):
            _resolve(kind, name)
    return sorted(set(_REGISTRY[kind]) | set(_PENDING[kind]))


def get_problem(name: str, **instance: Any) -> Problem:
    """A problem instance: ``get_problem("sphere", dim=10)``."""
    return _lookup("problems", name)(**instance)


def get_algorithm(name: str, **params: Any) -> Optimizer:
    """An optimizer with parameters: ``get_algorithm("eo", pop_size=30)``."""
    return _lookup("algorithms", name)(**params)


def problem_names() -> list[str]:
    """Every registered problem family, built-in and plug-in (plug-ins are loaded, built-ins are not)."""
    return _names("problems")


def algorithm_names() -> list[str]:
    """Every registered algorithm, built-in and plug-in (plug-ins are loaded, built-ins are not)."""
    return _names("algorithms")


def name_families(kind: str) -> dict[str, str]:
    """The name families of ``kind``: prefix (``"ng:"``) -> module resolving its names; imports neither."""
    _list_all()
    return dict(_FAMILIES[kind])


def family_names(kind: str, prefix: str) -> list[str]:
    """Every name of the family ``prefix`` of ``kind``, prefix included (imports the library behind it)."""
    return [prefix + name for name in importlib.import_module(name_families(kind)[prefix]).names()]


def registered(kind: str, name: str) -> Callable[..., Any]:
    """The registered class (or factory) of ``kind`` (``"problems"``/``"algorithms"``) named ``name``."""
    return _lookup(kind, name)
