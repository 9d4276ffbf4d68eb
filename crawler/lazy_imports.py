"""Modules that newsmd's dependencies import at start-up but newsmd seldom uses, loaded on first use."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any

DEFERRED = ("soupsieve",)
"""``bs4`` imports soupsieve for its CSS selectors, a tenth of a second of regular expressions
compiled at every start; newsmd selects with lxml, so only a caller of ``select()`` pays for it."""


class _Deferred(ModuleType):
    """Stands in ``sys.modules`` for a module until one of its attributes is read, then imports it
    and answers from it. Unlike ``importlib.util.LazyLoader``, an ``import`` statement reads only
    ``__spec__`` here, which does not load the module."""

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def defer(name: str) -> None:
    """Put a stand-in for ``name`` in ``sys.modules``; nothing when it is loaded already or missing."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


for _name in DEFERRED:
    defer(_name)
