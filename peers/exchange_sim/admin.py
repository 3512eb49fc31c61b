"""`/__sim/...` admin routes mounted on every venue port, to drive a standalone simulator."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from peers.exchange_sim.faults import FaultController
from peers.exchange_sim.market import MarketModel
from peers.exchange_sim.wallets import WalletBook


def install_admin(
    app: web.Application,
    market: MarketModel,
    faults: FaultController,
    wallets: WalletBook | None = None,
) -> None:
    book = wallets or WalletBook(market)

    async def post_faults(request: web.Request) -> web.Response:
        try:
            payload = orjson.loads(await request.read())
            commands = payload if isinstance(payload, list) else [payload]
            results = [faults.apply(c) for c in commands]
        except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
            return _json({"ok": False, "error": str(exc)}, 400)
        return _json(results if isinstance(payload, list) else results[0])

    async def post_market(request: web.Request) -> web.Response:
        try:
            cmd = orjson.loads(await request.read())
            result = _market_command(market, cmd)
        except (orjson.JSONDecodeError, TypeError, ValueError, KeyError) as exc:
            return _json({"ok": False, "error": str(exc)}, 400)
        return _json({"ok": True, "result": result})

    async def post_wallet(request: web.Request) -> web.Response:
        try:
            payload = orjson.loads(await request.read())
            commands = payload if isinstance(payload, list) else [payload]
            results = [book.apply(c) for c in commands]
        except (orjson.JSONDecodeError, TypeError, ValueError) as exc:
            return _json({"ok": False, "error": str(exc)}, 400)
        return _json(results if isinstance(payload, list) else results[0])

    async def get_state(request: web.Request) -> web.Response:
        return _json(
            {
                "time_ms": market.clock.now_ms(),
                "market_time_ms": market.now_ms(),
                "speed": market.clock.speed,
                "usdt_krw": market.usdt_krw,
                "usd_krw": market.usd_krw,
                "coins": {
                    b: {
                        "binance": market.binance_mid(b),
                        "upbit": market.upbit_mid(b),
                        "bithumb": market.bithumb_mid(b),
                        "futures_mark": market.futures_mark(b),
                        "premium_pct": market.premium_pct(b),
                    }
                    for b in market.coins
                },
                "faults": faults.state(),
                "wallets": book.state(),
            }
        )

    app.router.add_post("/__sim/faults", post_faults)
    app.router.add_post("/__sim/market", post_market)
    app.router.add_post("/__sim/wallet", post_wallet)
    app.router.add_get("/__sim/state", get_state)


def _market_command(market: MarketModel, cmd: Any) -> Any:
    if not isinstance(cmd, dict):
        raise ValueError("expected a JSON object")
    action = cmd.get("action")
    base = str(cmd.get("base", "")).upper()
    if action == "set_premium":
        market.set_premium(base, float(cmd["pct"]))
    elif action == "ramp_premium":
        market.ramp_premium(base, float(cmd["to_pct"]), float(cmd["over_seconds"]))
    elif action == "set_price":
        market.set_price(base, float(cmd["usdt_price"]))
    elif action == "jump":
        market.jump(base, float(cmd["pct"]))
    elif action == "set_bithumb_offset":  # Bithumb's price over Upbit's, percent
        market.set_bithumb_offset(base, float(cmd["pct"]))
    elif action == "set_usdt_krw":
        market.set_usdt_krw(float(cmd["rate"]))
    elif action == "set_usd_krw":
        market.set_usd_krw(float(cmd["rate"]))
    elif action == "schedule_delisting":
        day = cmd.get("day")
        market.schedule_delisting(
            str(cmd["venue"]), str(cmd["market"]), None if day is None else str(day)
        )
    elif action == "set_market_state":
        market.set_market_state(str(cmd["venue"]), str(cmd["market"]), str(cmd["state"]))
    elif action == "advance":
        market.clock.advance(float(cmd["seconds"]))
        market.tick()
    else:
        raise ValueError(f"unknown market action {action!r}")
    return None


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")
