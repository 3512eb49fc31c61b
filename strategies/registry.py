"""Which strategy classes exist: the built-ins plus whatever the user strategy folder adds."""

from __future__ import annotations

from collections.abc import Iterable

from strategies.base import Strategy
from strategies.builtin import BUILTINS


class StrategyRegistry:
    def __init__(self, extra: Iterable[type[Strategy]] = ()) -> None:
        self._classes: dict[str, type[Strategy]] = dict(BUILTINS)
        for cls in extra:
            self.add(cls)

    def add(self, cls: type[Strategy]) -> None:
        if not cls.name:
            raise ValueError(f"strategy class {cls.__name__} has no `name`")
        if cls.name in BUILTINS and BUILTINS[cls.name] is not cls:
            raise ValueError(f"strategy name {cls.name!r} is taken by a built-in; rename it")
        self._classes[cls.name] = cls

    def get(self, name: str) -> type[Strategy] | None:
        return self._classes.get(name)

    def names(self) -> list[str]:
        return sorted(self._classes)
