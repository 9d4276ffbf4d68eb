"""Settings for a command that crawls nothing (``newsmd parse``), read without importing Scrapy.

Scrapy's import costs a saved page's whole parse time again, so ``newsmd parse`` reads the same
sources the same way here: the defaults of ``crawler/settings.py``, then ``newsmd.toml``, then
``-s`` and the options, each value read back with Scrapy's ``get*`` conventions.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

PRIORITIES = {"default": 0, "project": 20, "cmdline": 40}
"""Scrapy's priorities for where a value comes from; a higher one wins."""
_TRUE, _FALSE = ("true", "True"), ("false", "False")


class PlainSettings:
    """The part of Scrapy's ``Settings`` interface newsmd's own code reads (``get``, ``getbool``,
    ``getint``, ``getfloat``, ``getlist``, ``getdict``, ``set`` with a priority)."""

    def __init__(self, module: ModuleType) -> None:
        self._values: dict[str, tuple[Any, int]] = {
            name: (getattr(module, name), PRIORITIES["project"]) for name in dir(module) if name.isupper()
        }

    def set(self, name: str, value: Any, priority: str = "project") -> None:
        rank = PRIORITIES[priority]
        if name not in self._values or self._values[name][1] <= rank:
            self._values[name] = (value, rank)

    def get(self, name: str, default: Any = None) -> Any:
        return self._values[name][0] if name in self._values else default

    def getbool(self, name: str, default: bool = False) -> bool:
        value = self.get(name, default)
        try:
            return bool(int(value))
        except ValueError:
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
        raise ValueError(f"{name} is not a boolean: {value!r}")

    def getint(self, name: str, default: int = 0) -> int:
        return int(self.get(name, default))

    def getfloat(self, name: str, default: float = 0.0) -> float:
        return float(self.get(name, default))

    def getlist(self, name: str, default: list[Any] | None = None) -> list[Any]:
        value = self.get(name, default or [])
        if not value:
            return []
        return value.split(",") if isinstance(value, str) else list(value)

    def getdict(self, name: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
        value = self.get(name, default or {})
        if isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, dict):
            raise ValueError(f"{name} is not a dict: {value!r}")
        return dict(value)
