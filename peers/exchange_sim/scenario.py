"""Scripted market scenarios loaded from a small TOML or JSON file.

```toml
[[step]]
at = 0              # virtual seconds after `apply`
coin = "BTC"
premium_pct = 1.0
[[step]]
at = 10
coin = "BTC"
ramp_premium_pct = 4.0
over = 90
[[step]]
at = 120
coin = "ETH"
jump_pct = -3.0     # also: price (USDT), usdt_krw, usd_krw
```
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peers.exchange_sim.market import MarketModel

_ACTION_KEYS = ("premium_pct", "ramp_premium_pct", "price", "jump_pct", "usdt_krw", "usd_krw")


@dataclass(frozen=True, slots=True)
class ScenarioStep:
    at: float
    coin: str | None
    action: str
    value: float
    over: float = 0.0


class Scenario:
    def __init__(self, steps: list[ScenarioStep]) -> None:
        self.steps = sorted(steps, key=lambda s: s.at)

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        p = Path(path)
        text = p.read_text(encoding="utf-8")
        try:
            data = json.loads(text) if p.suffix == ".json" else tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{p}: not valid {p.suffix or 'TOML'}: {exc}") from exc
        return cls.from_dict(data, str(p))

    @classmethod
    def from_dict(cls, data: Any, where: str = "scenario") -> Scenario:
        raw = data.get("step") if isinstance(data, dict) else data
        if not isinstance(raw, list):
            raise ValueError(f"{where}: expected a list of [[step]] tables")
        steps = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                raise ValueError(f"{where}: step {i} is not a table")
            actions = [k for k in _ACTION_KEYS if k in item]
            if len(actions) != 1:
                raise ValueError(f"{where}: step {i} needs exactly one of {_ACTION_KEYS}")
            action = actions[0]
            coin = item.get("coin")
            if action not in ("usdt_krw", "usd_krw") and not isinstance(coin, str):
                raise ValueError(f"{where}: step {i} ({action}) needs a coin")
            try:
                at = float(item.get("at", 0))
                value = float(item[action])
                over = float(item.get("over", 0))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{where}: step {i}: numbers expected ({exc})") from exc
            steps.append(ScenarioStep(at, coin.upper() if coin else None, action, value, over))
        return cls(steps)

    def apply(self, model: MarketModel) -> None:
        """Schedule every step on the model's virtual time, relative to now."""
        now = model.now_ms()
        for step in self.steps:
            if step.coin is not None and step.coin not in model.coins:
                raise ValueError(f"scenario coin {step.coin!r} is not simulated")
            model.schedule(now + int(step.at * 1000), _action(model, step))


def _action(model: MarketModel, step: ScenarioStep) -> Any:
    def run() -> None:
        coin = step.coin or ""
        if step.action == "premium_pct":
            model.set_premium(coin, step.value)
        elif step.action == "ramp_premium_pct":
            model.ramp_premium(coin, step.value, step.over)
        elif step.action == "price":
            model.set_price(coin, step.value)
        elif step.action == "jump_pct":
            model.jump(coin, step.value)
        elif step.action == "usdt_krw":
            model.set_usdt_krw(step.value)
        else:
            model.set_usd_krw(step.value)

    return run
