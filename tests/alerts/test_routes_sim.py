"""The transfer-aware executable premium against the exchange simulator: the venues' wallet
status per network (signed endpoints), their order books over public REST, and the route,
fee and net premium the app computes from them.

The simulator runs with an hour between market steps, so the books it serves hold still for
the test; the hand computation below walks the same books as the venues serve them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from alerts.executable import Direction, Route, TransferView
from alerts.premium import Fees
from alerts.routes import RouteBook
from alerts.wallet import WalletGate
from alerts.withdraw_fees import FeeCache
from bot.commands import CommandContext, CommandRegistry
from bot.commands.kimp import register_kimp
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.features.kimp import make_service
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core import numbers
from core.clock import ManualClock, SystemClock
from core.events import EventBus
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Venue
from exchanges.binance.wallet import BinanceWallets
from exchanges.depth import BINANCE_LEVELS, DepthClient
from exchanges.upbit.wallet import UpbitWallets
from peers.exchange_sim.server import SimExchange

D = Decimal


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=3, tick_interval=3600.0) as exchange:
        yield exchange


def _fees(sim: SimExchange) -> Fees:
    """The simulator's own taker fees (its matching engines charge these)."""
    return Fees(float(sim.upbit_engine.fee_rate), float(sim.binance_engine.fee_rate))


def _parts(sim: SimExchange, session: aiohttp.ClientSession) -> tuple[WalletGate, RouteBook]:
    clock = SystemClock()
    up = UpbitWallets(sim.urls["UPBIT_REST_URL"], sim.api_keys["upbit"], session)
    bn = BinanceWallets(sim.urls["BINANCE_REST_URL"], sim.api_keys["binance"], clock, session)
    gate = WalletGate(
        clock, {}, networks={Venue.UPBIT: up.fetch_networks, Venue.BINANCE_SPOT: bn.fetch_networks}
    )
    depth = DepthClient(sim.urls["UPBIT_REST_URL"], sim.urls["BINANCE_REST_URL"], clock, session)
    # As the installer wires it: Upbit's fees from GET /v1/withdraws/chance, when needed.
    upbit_fees = {Venue.UPBIT: FeeCache(up.withdraw_fee, clock)}
    return gate, RouteBook(depth.fetch, _fees(sim), 1_000_000.0, lambda: gate, upbit_fees)


async def _view(book: RouteBook, coin: str) -> TransferView:
    view = await book.view(coin)
    assert isinstance(view, TransferView), view
    return view


async def test_suspension_on_one_side_drops_that_route(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as session:
        gate, book = _parts(sim, session)
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        # Both directions take Arbitrum: 0.00004 ETH against 0.0008 on Ethereum.
        assert view.forward.route == Route("ARBITRUM", D("0.00004"), D("0.0008"))
        assert view.forward.pct is not None and view.forward.note is None

        # Withdrawals over Arbitrum suspended on Binance only: forward moves to Ethereum,
        # the reverse (Upbit withdraws, Binance receives) keeps Arbitrum.
        sim.wallets.set("binance", "ETH", withdraw=False, network="ARBITRUM")
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        assert view.forward.route == Route("ETH", D("0.0008"), D("0.0016"))
        assert view.reverse.route == Route("ARBITRUM", D("0.00004"), D("0.0008"))

        # Deposits over Ethereum suspended on Upbit too: nothing is left forward.
        sim.wallets.set("upbit", "ETH", deposit=False, network="ETH")
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        assert view.forward.route is None and view.forward.pct is None
        assert view.forward.why is not None and view.forward.why.key == "exec.why_no_route"
        assert view.reverse.route is not None and view.reverse.route.network == "ARBITRUM"


async def test_usdt_leg_follows_its_own_network_status(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as session:
        gate, book = _parts(sim, session)
        # Forward sends USDT from Upbit to Binance. SOL withdrawals shut on Upbit: it moves
        # over TRX (same fee); the reverse (Binance sends it back to Upbit) keeps SOL.
        sim.wallets.set("upbit", "USDT", withdraw=False, network="SOL")
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        assert view.forward.cash_route == Route("TRX", D("1"), D("10"))
        assert view.reverse.cash_route == Route("SOL", D("1"), D("10"))
        # Every USDT network shut on Upbit for withdrawal: forward cannot be done at all.
        sim.wallets.set("upbit", "USDT", withdraw=False)
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        assert view.forward.pct is None and view.forward.why is not None
        assert view.forward.why.key == "exec.why_no_cash_route"
        assert view.reverse.pct is not None


def _buy(levels: list[tuple[D, D]], spend: D) -> D:
    """Coins bought with `spend` of quote walking ask `levels` (best first)."""
    got = D(0)
    for price, qty in levels:
        take = min(spend, price * qty)
        got += take / price
        spend -= take
        if spend == 0:
            return got
    raise AssertionError("book too thin for the test size")


def _sell(levels: list[tuple[D, D]], qty: D) -> D:
    """Quote received selling `qty` into bid `levels` (best first)."""
    got = D(0)
    for price, size in levels:
        take = min(qty, size)
        got += take * price
        qty -= take
        if qty == 0:
            return got
    raise AssertionError("book too thin for the test size")


async def _served(sim: SimExchange, session: aiohttp.ClientSession, coin: str) -> dict[str, list]:
    """The books as the venues serve them, in Decimal."""
    url = f"{sim.urls['UPBIT_REST_URL']}/v1/orderbook?markets=KRW-{coin},KRW-USDT"
    async with session.get(url) as resp:
        upbit = {ob["market"]: ob["orderbook_units"] for ob in await resp.json()}
    url = f"{sim.urls['BINANCE_REST_URL']}/api/v3/depth?symbol={coin}USDT&limit={BINANCE_LEVELS}"
    async with session.get(url) as resp:
        binance = await resp.json()

    def units(market: str, side: str) -> list[tuple[D, D]]:
        rows = upbit[market]
        return [(D(str(u[f"{side}_price"])), D(str(u[f"{side}_size"]))) for u in rows]

    return {
        "up_bids": units(f"KRW-{coin}", "bid"), "up_asks": units(f"KRW-{coin}", "ask"),
        "t_bids": units("KRW-USDT", "bid"), "t_asks": units("KRW-USDT", "ask"),
        "bn_bids": [(D(p), D(q)) for p, q in binance["bids"]],
        "bn_asks": [(D(p), D(q)) for p, q in binance["asks"]],
    }  # fmt: skip


@pytest.mark.parametrize("size", [1_000_000, 10_000_000])
async def test_net_premium_matches_hand_computation(sim: SimExchange, size: int) -> None:
    async with aiohttp.ClientSession() as session:
        gate, book = _parts(sim, session)
        assert await gate.fetch_once()
        book.size_krw = float(size)
        view = await _view(book, "ETH")
        b = await _served(sim, session, "ETH")
    fu, fb = sim.upbit_engine.fee_rate, sim.binance_engine.fee_rate
    fee = D("0.00004")  # Binance's Arbitrum withdrawal fee for ETH, as the simulator serves it
    # USDT moves over SOL both ways: 1 USDT on either venue (TRX costs the same; SOL sorts
    # first), minimum 10, as the simulator's wallet tables serve them.
    cash_fee = D("1")
    krw = D(size)

    # Forward: KRW -> USDT on Upbit, withdraw the USDT to Binance, USDT -> ETH on Binance,
    # withdraw, ETH -> KRW on Upbit.
    usdt = _buy(b["t_asks"], krw) * (1 - fu) - cash_fee
    bought = _buy(b["bn_asks"], usdt) * (1 - fb)
    forward = (_sell(b["up_bids"], bought - fee) * (1 - fu) / krw - 1) * 100
    assert view.forward.pct == pytest.approx(float(forward), abs=1e-9)
    # The fee is really in it: without it the same books give visibly more.
    no_fee = (_sell(b["up_bids"], bought) * (1 - fu) / krw - 1) * 100
    assert float(no_fee - forward) > 1e-4
    # So is the USDT leg's: 1 USDT of 1M KRW (~700 USDT) is ~0.14 %, of 10M ~0.014 %.
    bought_all = _buy(b["bn_asks"], _buy(b["t_asks"], krw) * (1 - fu)) * (1 - fb)
    no_cash = (_sell(b["up_bids"], bought_all - fee) * (1 - fu) / krw - 1) * 100
    assert float(no_cash - forward) > (0.01 if size == 1_000_000 else 0.001)
    assert view.forward.cash_route == Route("SOL", cash_fee, D("10"))

    # Reverse: KRW -> ETH on Upbit, withdraw over Arbitrum (Upbit's fee, from its withdrawal
    # information), ETH -> USDT on Binance, withdraw the USDT to Upbit, USDT -> KRW on Upbit.
    eth = _buy(b["up_asks"], krw) * (1 - fu) - fee
    usdt = _sell(b["bn_bids"], eth) * (1 - fb) - cash_fee
    reverse = (_sell(b["t_bids"], usdt) * (1 - fu) / krw - 1) * 100
    assert view.reverse.pct == pytest.approx(float(reverse), abs=1e-9)
    assert view.reverse.route == Route("ARBITRUM", fee, D("0.0008"))
    assert view.reverse.cash_route == Route("SOL", cash_fee, D("10"))
    assert view.forward.note is None and view.reverse.note is None
    assert view.forward.direction is Direction.FORWARD


@pytest.mark.parametrize("language", ["en", "ko"])
async def test_kimp_coin_and_net_commands(sim: SimExchange, tmp_path: Path, language: str) -> None:
    """`/kimp ETH` shows each direction's route, fee and net premium; `/kimp net` ranks the
    coins shown by their better direction; both worded in the configured language."""
    settings = load_settings(env_file=None, db_path=tmp_path / "k.db", language=language)
    clock = ManualClock(time.time())
    async with Database.open(tmp_path / "k.db") as db, aiohttp.ClientSession() as session:
        gate, book = _parts(sim, session)
        assert await gate.fetch_once()
        k = settings.kimp
        svc = make_service(k, settings.market_data, settings.core, db, clock, _drop, _fees(sim))
        await svc.load()
        coins = ("BTC", "ETH", "XRP")
        svc.set_coins(set(coins))
        for coin in coins:
            svc.monitor.update_price(Venue.UPBIT, coin, sim.market.upbit_mid(coin), clock.now())
            bn_mid = sim.market.binance_mid(coin)
            svc.monitor.update_price(Venue.BINANCE_SPOT, coin, bn_mid, clock.now())
        svc.wallets, svc.routes = gate, book
        facade = ServiceFacade(
            settings, db, EventBus(), Supervisor(),
            Notifier(Outbox(db), settings.notify, language), "t",
        )  # fmt: skip
        facade.kimp = svc
        registry = CommandRegistry()
        register_kimp(registry)
        ctx = CommandContext(facade, 1, 1, "console")
        eth = await _view(book, "ETH")
        detail = (await registry.dispatch("/kimp ETH", ctx)).text
        ranked = (await registry.dispatch("/kimp net", ctx)).text
        views = await book.views(coins)

    assert eth.forward.pct is not None and eth.reverse.pct is not None
    fwd, rev = (f"{numbers.percent(p)}%" for p in (eth.forward.pct, eth.reverse.pct))
    if language == "en":
        cash = " + USDT via SOL (fee 1 USDT)"
        assert f"Binance → Upbit via ARBITRUM (fee 0.00004 ETH, min 0.0008){cash}: {fwd}" in detail
        assert f"Upbit → Binance via ARBITRUM (fee 0.00004 ETH, min 0.0008){cash}: {rev}" in detail
        assert "After transfer at 1,000,000 KRW" in detail
    else:
        cash = " + USDT SOL 네트워크 (수수료 1 USDT)"
        assert (
            f"바이낸스 → 업비트 ARBITRUM 네트워크 (수수료 0.00004 ETH, 최소 0.0008){cash}: {fwd}"
            in detail
        )
        assert (
            f"업비트 → 바이낸스 ARBITRUM 네트워크 (수수료 0.00004 ETH, 최소 0.0008){cash}: {rev}"
            in detail
        )
    # Ranked by the better direction, highest first: the order the views' figures give.
    best = sorted(views, key=lambda v: -(v.best or -1e9))
    rows = [line.split()[0] for line in ranked.splitlines() if line.split()[0] in coins]
    assert rows == [v.coin for v in best]
    assert f"ETH    {fwd:>10} {rev:>10}" in ranked


async def _drop(note: object) -> None:
    return None
