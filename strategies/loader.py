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

from strategies.base import KernelStrategy, Strategy


class StrategyLoadError(Exception):
    """A user strategy file cannot be used; the message names the file and the error."""


def _short_error(path: Path, exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"{path.name}: syntax error on line {exc.lineno}: {exc.msg}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"{path.name}{where}: {type(exc).__name__}: {exc}"


def load_user_strategies(folder: Path) -> list[type[Strategy]]:
    """Import every strategy file in `folder` (missing folder: none). Raises StrategyLoadError
    listing every file that failed."""
    if not folder.is_dir():
        return []
    found: list[type[Strategy]] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        mod_name = f"user_strategies.{path.stem}"
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            problems.append(f"{path.name}: cannot be imported")
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
                problems.append(f"{path.name}: class {cls.__name__} needs a `name`")
            else:
                found.append(cls)
        if not classes:
            problems.append(f"{path.name}: defines no Strategy subclass")
    names = [c.name for c in found]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"strategy name '{dup}' is defined twice")
    if problems:
        raise StrategyLoadError(
            f"user strategies in {folder} could not be loaded:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return found
