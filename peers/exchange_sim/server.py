"""`SimExchange`: every simulated venue in-process on free 127.0.0.1 ports.

```python
async with SimExchange(seed=7) as sim:
    sim.urls["UPBIT_REST_URL"]       # http://127.0.0.1:PORT (ccxt appends /v1/...)
    sim.market.ramp_premium("BTC", 4.0, over_seconds=90)
    sim.faults.drop_connections("upbit")
    sim.urls["BITHUMB_WS_URL"]      # Bithumb (API 2.0) on its own port, same wire as Upbit
    sim.set_wallet_state("upbit", "XRP", withdraw=False)   # = sim.wallets.set(...)
```
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol

import orjson
from aiohttp import web
from loguru import logger

from peers.exchange_sim.admin import install_admin
from peers.exchange_sim.binance_futures import BinanceFuturesVenue
from peers.exchange_sim.binance_spot import BinanceVenue
from peers.exchange_sim.bithumb import BithumbVenue
from peers.exchange_sim.clock import SimClock
from peers.exchange_sim.faults import FaultController, rest_fault_middleware
from peers.exchange_sim.key_faults import KeyFaults
from peers.exchange_sim.market import DEFAULT_COINS, CoinSpec, MarketModel
from peers.exchange_sim.matching import SpotEngine
from peers.exchange_sim.scenario import Scenario
from peers.exchange_sim.upbit import UpbitVenue
from peers.exchange_sim.wallets import WalletBook

# Test credentials shaped like real ones: Upbit access and secret keys are 40 characters,
# Binance API keys and secrets 64 (a 16-byte HMAC secret makes PyJWT warn, and tests run
# with warnings as errors).
SIM_API_KEYS: dict[str, tuple[str, str]] = {
    "upbit": (
        "simUpbitAccessMBxeflRCTGWatXxaexfdx6WHxa",
        "simUpbitSecretJwh6V3B0D9Fepxb0PgkJas10CG",
    ),
    "binance": (
        "simBinanceKey3J6m1LWjCiS5NamO2rqbStvqcjjb5xrHPvF4g3OczzykktsMDQy",
        "simBinanceSecretqW6EEVWMUCQ3e87ilbRZiH4EKl5iX4GvUBqiy6Ij5GmuJkYx",
    ),
    # Bithumb API 2.0 keys look like Upbit's (access key and secret, JWT HS256)
    "bithumb": (
        "simBithumbAccessQ8dLr2VwZn4Kc7Tx1Hy5Mb9P",
        "simBithumbSecretF3kN6wRq8Js2Lv5Xc9Zt1Gh4U",
    ),
}
DEFAULT_UPBIT_BALANCES: dict[str, Decimal | str | float] = {"KRW": Decimal("10000000")}
DEFAULT_BITHUMB_BALANCES: dict[str, Decimal | str | float] = {"KRW": Decimal("10000000")}
DEFAULT_BINANCE_BALANCES: dict[str, Decimal | str | float] = {
    "USDT": Decimal("10000"),
    "BTC": Decimal("0.5"),
}


class Venue(Protocol):
    def install(self, app: web.Application) -> None: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def _bind(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


class SimExchange:
    """Async context manager running Upbit, Binance spot, Binance futures, Bithumb and an FX
    feed."""

    def __init__(
        self,
        seed: int = 1,
        coins: list[CoinSpec] | None = None,
        speed: float = 1.0,
        tick_interval: float = 0.05,
        api_keys: dict[str, tuple[str, str]] | None = None,
        scenario: Scenario | str | None = None,
        *,
        start: float | None = None,
        port_base: int | None = None,
        upbit_balances: dict[str, Decimal | str | float] | None = None,
        binance_balances: dict[str, Decimal | str | float] | None = None,
        upbit_options: dict[str, Any] | None = None,
        binance_options: dict[str, Any] | None = None,
        futures_options: dict[str, Any] | None = None,
        bithumb_balances: dict[str, Decimal | str | float] | None = None,
        bithumb_options: dict[str, Any] | None = None,
        paced: bool = False,
    ) -> None:
        # Paced: the market moves at most two tick intervals per tick (see `SimClock`), so a
        # service sharing this event loop is never left minutes behind by a loaded machine.
        max_step = 2 * tick_interval if paced else None
        self.clock = SimClock(start=start, speed=speed, max_step=max_step)
        self.market = MarketModel(seed, list(coins or DEFAULT_COINS), self.clock)
        self.faults = FaultController()
        self.api_keys = dict(SIM_API_KEYS if api_keys is None else api_keys)
        self.tick_interval = tick_interval
        self._port_base = port_base
        self.upbit_engine = SpotEngine(
            "upbit", Decimal("0.0005"), self.clock, self.market, fee_in_quote=True
        )
        self.binance_engine = SpotEngine(
            "binance", Decimal("0.001"), self.clock, self.market, client_id_scope="open"
        )
        # Bithumb's standard fee, 0.25 % (lower with its fee coupons), taken in KRW like Upbit's
        self.bithumb_engine = SpotEngine(
            "bithumb", Decimal("0.0025"), self.clock, self.market, fee_in_quote=True
        )
        if "bithumb" in self.api_keys:
            self.bithumb_engine.open_account(
                self.api_keys["bithumb"][0], dict(bithumb_balances or DEFAULT_BITHUMB_BALANCES)
            )
        if "upbit" in self.api_keys:
            self.upbit_engine.open_account(
                self.api_keys["upbit"][0], dict(upbit_balances or DEFAULT_UPBIT_BALANCES)
            )
        if "binance" in self.api_keys:
            self.binance_engine.open_account(
                self.api_keys["binance"][0], dict(binance_balances or DEFAULT_BINANCE_BALANCES)
            )
        if isinstance(scenario, str):
            scenario = Scenario.load(scenario)
        if scenario is not None:
            scenario.apply(self.market)
        self.wallets = WalletBook(self.market)
        keys, m, c, f, w = self.api_keys, self.market, self.clock, self.faults, self.wallets
        self.upbit = UpbitVenue(
            m, c, f, self.upbit_engine, keys, wallets=w, **(upbit_options or {})
        )
        self.binance = BinanceVenue(
            m, c, f, self.binance_engine, keys, wallets=w, **(binance_options or {})
        )
        self.binance_futures = BinanceFuturesVenue(m, c, f, keys, **(futures_options or {}))
        self.bithumb = BithumbVenue(
            m, c, f, self.bithumb_engine, keys, wallets=w, **(bithumb_options or {})
        )
        self.keys = KeyFaults(f, self.binance_futures)  # what the venues say about the key
        self.urls: dict[str, str] = {}
        # Switch: per FX source ("dunamu", "yahoo", "ecb"), percent off the market USD/KRW.
        self.fx_skew_pct: dict[str, float] = {}
        # Switch: FX sources answering HTTP 503 (faults.rest_error("fx", ...) fails them all).
        self.fx_down: set[str] = set()
        self._runners: list[web.AppRunner] = []
        self._tick_task: asyncio.Task[None] | None = None

    # ----------------------------------------------------------------- lifecycle
    async def __aenter__(self) -> SimExchange:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve(self, name: str, venue: Venue | None, offset: int) -> int:
        middlewares = [rest_fault_middleware(self.faults, name), self.keys.middleware(name)]
        app = web.Application(middlewares=middlewares)
        install_admin(app, self.market, self.faults, self.wallets)
        if venue is not None:
            venue.install(app)
        self.keys.install(app, name, venue)
        if name == "fx":
            app.router.add_get("/fx/latest", self._fx_latest)
            app.router.add_get("/fx/dunamu", self._fx_dunamu)
            app.router.add_get("/fx/yahoo", self._fx_yahoo)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        self._runners.append(runner)
        port = 0 if self._port_base is None else self._port_base + offset
        sock = _bind(port)
        await web.SockSite(runner, sock).start()
        return int(sock.getsockname()[1])

    async def start(self) -> None:
        self.market.warm_up()
        self.market.tick()
        p1 = await self._serve("upbit", self.upbit, 0)
        p2 = await self._serve("binance", self.binance, 1)
        p3 = await self._serve("binance_futures", self.binance_futures, 2)
        p4 = await self._serve("fx", None, 3)
        p5 = await self._serve("bithumb", self.bithumb, 4)
        for venue in (self.upbit, self.binance, self.binance_futures, self.bithumb):
            if venue is not None:
                await venue.start()
        self.urls = {
            "UPBIT_REST_URL": f"http://127.0.0.1:{p1}",
            "UPBIT_WS_URL": f"ws://127.0.0.1:{p1}/websocket/v1",
            "BINANCE_REST_URL": f"http://127.0.0.1:{p2}",
            "BINANCE_WS_URL": f"ws://127.0.0.1:{p2}",
            "BINANCE_FUTURES_REST_URL": f"http://127.0.0.1:{p3}",
            "BINANCE_FUTURES_WS_URL": f"ws://127.0.0.1:{p3}",
            "FX_RATE_URL": f"http://127.0.0.1:{p4}/fx/latest?from=USD&to=KRW",
            "BITHUMB_REST_URL": f"http://127.0.0.1:{p5}",
            "BITHUMB_WS_URL": f"ws://127.0.0.1:{p5}/websocket/v1",
            "BITHUMB_PRIVATE_WS_URL": f"ws://127.0.0.1:{p5}/websocket/v2/private",
        }
        self._tick_task = asyncio.create_task(self._tick_loop(), name="sim-market-tick")

    async def stop(self) -> None:
        if self._tick_task is not None:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
            self._tick_task = None
        for venue in (self.bithumb, self.binance_futures, self.binance, self.upbit):
            if venue is not None:
                async with asyncio.timeout(5):
                    await venue.stop()
        for runner in reversed(self._runners):
            async with asyncio.timeout(5):
                await runner.cleanup()
        self._runners.clear()

    async def _tick_loop(self) -> None:
        prune_every = max(1, int(60 / self.tick_interval))
        n = 0
        while True:
            try:
                self.clock.step()
                self.market.tick()
                n += 1
                if n % prune_every == 0:
                    self.market.prune()
            except Exception:  # a bug in a listener must not stop the market
                logger.exception("simulator market tick failed")
            await asyncio.sleep(self.tick_interval)

    def advance(self, seconds: float) -> None:
        """Jump virtual time forward and let the market (and resting orders) catch up now."""
        self.clock.advance(seconds)
        self.market.tick()

    def set_wallet_state(
        self,
        venue: str,
        coin: str,
        wallet_state: str | None = None,
        *,
        deposit: bool | None = None,
        withdraw: bool | None = None,
        network: str | None = None,
        block_state: str | None = None,
    ) -> dict[str, str]:
        """Suspend or resume `coin`'s deposits/withdrawals on `venue` ("upbit" or "binance"),
        as the wallet status endpoints report them; see `WalletBook.set`."""
        return self.wallets.set(
            venue, coin, wallet_state, deposit=deposit, withdraw=withdraw, network=network,
            block_state=block_state,
        )  # fmt: skip

    # ----------------------------------------------------------------- settings
    def env(self) -> dict[str, str]:
        """Settings that point the service at this simulator (URLs plus the test keys)."""
        env = dict(self.urls)
        # the intraday FX sources beside the ECB-style FX_RATE_URL (not in `urls`, which lists
        # the market-data endpoints plus the one FX URL other tests strip)
        fx = self.urls["FX_RATE_URL"].split("/fx/")[0]
        env["FX_DUNAMU_URL"] = f"{fx}/fx/dunamu?codes=FRX.KRWUSD"
        env["FX_YAHOO_URL"] = f"{fx}/fx/yahoo"
        # the spot WebSocket API (user data) on the spot port; not in `urls`, which lists the
        # market-data endpoints
        env["BINANCE_WS_API_URL"] = self.urls["BINANCE_WS_URL"] + "/ws-api/v3"
        if "upbit" in self.api_keys:
            env["UPBIT_ACCESS_KEY"], env["UPBIT_SECRET_KEY"] = self.api_keys["upbit"]
        if "binance" in self.api_keys:
            env["BINANCE_API_KEY"], env["BINANCE_API_SECRET"] = self.api_keys["binance"]
        if "bithumb" in self.api_keys:
            env["BITHUMB_ACCESS_KEY"], env["BITHUMB_SECRET_KEY"] = self.api_keys["bithumb"]
        return env

    def _fx_rate(self, source: str) -> float:
        return round(self.market.usd_krw * (1 + self.fx_skew_pct.get(source, 0.0) / 100), 2)

    def _fx_unavailable(self, source: str) -> web.Response | None:
        if source not in self.fx_down:
            return None
        return web.Response(status=503, text=f"{source} switched off in the simulator")

    async def _fx_dunamu(self, request: web.Request) -> web.Response:
        """Dunamu's forex quote shape (tests/data/real/fx/dunamu_forex_recent.json), trimmed,
        quoted now on the simulator's clock."""
        if (down := self._fx_unavailable("dunamu")) is not None:
            return down
        now = dt.datetime.fromtimestamp(self.clock.now(), dt.timezone(dt.timedelta(hours=9)))
        row = {
            "code": "FRX.KRWUSD",
            "currencyCode": "USD",
            "date": now.strftime("%Y-%m-%d"),
            "time": now.strftime("%H:%M:%S"),
            "basePrice": self._fx_rate("dunamu"),
            "currencyUnit": 1,
            "provider": "하나은행",
            "timestamp": int(self.clock.now() * 1000),
        }
        return web.Response(body=orjson.dumps([row]), content_type="application/json")

    async def _fx_yahoo(self, request: web.Request) -> web.Response:
        """Yahoo's chart shape (tests/data/real/fx/yahoo_chart_eurusd.json) for KRW=X, meta
        only."""
        if (down := self._fx_unavailable("yahoo")) is not None:
            return down
        meta = {
            "currency": "KRW",
            "symbol": "KRW=X",
            "exchangeName": "CCY",
            "regularMarketTime": int(self.clock.now()),
            "regularMarketPrice": self._fx_rate("yahoo"),
        }
        body = {"chart": {"result": [{"meta": meta}], "error": None}}
        return web.Response(body=orjson.dumps(body), content_type="application/json")

    async def _fx_latest(self, request: web.Request) -> web.Response:
        if (down := self._fx_unavailable("ecb")) is not None:
            return down
        base = request.query.get("from", "USD").upper()
        to = request.query.get("to", "KRW").upper()
        if base != "USD" or to != "KRW":
            body = {"message": f"not found: only USD->KRW is simulated, got {base}->{to}"}
            return web.Response(
                status=404, body=orjson.dumps(body), content_type="application/json"
            )
        day = _ecb_reference_day(self.clock.now()).isoformat()
        body2 = {
            "amount": 1.0,
            "base": "USD",
            "date": day,
            "rates": {"KRW": self._fx_rate("ecb")},
        }
        return web.Response(body=orjson.dumps(body2), content_type="application/json")


def _ecb_reference_day(now: float) -> dt.date:
    """The newest ECB reference day published by `now`: rates come out around 16:00 CET on
    working days, so before that (and at weekends) the answer carries an earlier date, as the
    real source's does. A date of today before 16:00 would be a quote from the future."""
    from zoneinfo import ZoneInfo

    local = dt.datetime.fromtimestamp(now, ZoneInfo("Europe/Berlin"))
    day = local.date() if local.time() >= dt.time(16, 0) else local.date() - dt.timedelta(days=1)
    while day.weekday() >= 5:  # no fixing on Saturday or Sunday
        day -= dt.timedelta(days=1)
    return day
