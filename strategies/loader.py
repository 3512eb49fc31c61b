"""User strategies: every `*.py` file in the strategies folder (settings.strategies_dir) may
define `Strategy` subclasses with a `name`; they become usable in bot definitions.

    # user_strategies/breakout.py
    from strategies import Candle, Signal, SignalAction, Strategy, StrategyParams

    class BreakoutParams(StrategyParams):
        lookback: int = 20

    class Breakout(Strategy):
        name = "breakout"
        Params = BreakoutParams
        ...

Files starting with `_` are skipped. A file that fails to import is reported with its error;
nothing is half-loaded.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from pathlib import Path

from core.text import Text
from strategies.base import KernelStrategy, Strategy


class StrategyLoadError(Exception):
    """A user strategy file cannot be used. `texts`: one catalog `Text` per problem, naming the
    file (`text()`: all of them, for the app to word); the message reads them as logs do."""

    def __init__(self, problems: list[Text], folder: Path) -> None:
        self.texts = problems
        self.folder = folder
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"user strategies in {folder} could not be loaded:\n{lines}")

    def text(self) -> Text:
        return Text.of("bots.strategies_problems", folder=str(self.folder),
                       problems=tuple(self.texts))  # fmt: skip


def _short_error(path: Path, exc: BaseException) -> Text:
    """Python's own words (the exception) kept as they are: they name the code's mistake."""
    if isinstance(exc, SyntaxError):
        return Text.of("bots.problem.file_syntax", file=path.name, line=exc.lineno or 0,
                       detail=exc.msg)  # fmt: skip
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    line = frames[-1].lineno if frames else 0
    return Text.of("bots.problem.file_error", file=path.name, line=line or "?",
                   detail=f"{type(exc).__name__}: {exc}")  # fmt: skip


def load_user_strategies(folder: Path) -> list[type[Strategy]]:
    """Import every strategy file in `folder` (missing folder: none). Raises StrategyLoadError
    listing every file that failed."""
    if not folder.is_dir():
        return []
    found: list[type[Strategy]] = []
    problems: list[Text] = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        mod_name = f"user_strategies.{path.stem}"
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            problems.append(Text.of("bots.problem.file_import", file=path.name))
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(mod_name, None)
            problems.append(_short_error(path, exc))
            continue
        classes = [
            obj
            for obj in vars(module).values()
            if inspect.isclass(obj)
            and issubclass(obj, Strategy)
            and obj.__module__ == mod_name
            and not inspect.isabstract(obj)
            and obj is not KernelStrategy
        ]
        for cls in classes:
            if not cls.name:
                problems.append(
                    Text.of("bots.problem.file_no_name", file=path.name, cls=cls.__name__)
                )
            else:
                found.append(cls)
        if not classes:
            problems.append(Text.of("bots.problem.file_no_class", file=path.name))
    names = [c.name for c in found]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Text.of("bots.problem.strategy_twice", name=dup))
    if problems:
        raise StrategyLoadError(problems, folder)
    return found
