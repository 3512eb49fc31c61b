"""The live pre-flight check: `python -m bot doctor`, `/doctor`, and the gate before live
trading starts. `run_checks` gathers the venues' probes (`exchanges/<venue>/doctor.py`), the
Telegram check and the bots file into one list of `core.doctor.Check`; `render` words it."""

from bot.doctor.checks import run_checks
from bot.doctor.render import render

__all__ = ["render", "run_checks"]
