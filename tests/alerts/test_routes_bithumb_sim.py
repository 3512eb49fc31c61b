"""The transfer-aware executable premium on Bithumb against the exchange simulator: Bithumb's
wallet status per network (its signed `GET /v1/status/wallet`) and Binance's, Bithumb's books
(KRW-coin and its own KRW-USDT) and Binance's over public REST, and the route, fee and net
premium the app computes from them; then `/kimp bithumb <coin>` and `/kimp net bithumb` over
the command layer, in English and Korean.

The simulator runs with an hour between market steps, so the books it serves hold still for
the test; the hand computation walks the same books as the venues serve them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from alerts.executable import Route, TransferView
from alerts.premium import Fees
from alerts.routes import RouteBook
from alerts.service import KimpService
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
from core.fills import FEE_RATES
from core.storage import Database
from core.supervisor import Supervisor
from core.symbols import Venue
from exchanges.binance.wallet import BinanceWallets
from exchanges.bithumb.wallet import BithumbWallets
from exchanges.depth import BINANCE_LEVELS, DepthClient
from peers.exchange_sim.server import SimExchange

D = Decimal
SIZE = 1_000_000.0
BITHUMB = Fees.from_rates(FEE_RATES, Venue.BITHUMB)  # as the installer wires it


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    async with SimExchange(seed=3, tick_interval=3600.0) as exchange:
        yield exchange


def _parts(sim: SimExchange, session: aiohttp.ClientSession) -> tuple[WalletGate, RouteBook]:
    clock = SystemClock()
    bt = BithumbWallets(sim.urls["BITHUMB_REST_URL"], sim.api_keys["bithumb"], session)
    bn = BinanceWallets(sim.urls["BINANCE_REST_URL"], sim.api_keys["binance"], clock, session)
    nets = {Venue.BITHUMB: bt.fetch_networks, Venue.BINANCE_SPOT: bn.fetch_networks}
    gate = WalletGate(clock, {}, networks=nets)
    depth = DepthClient(
        sim.urls["UPBIT_REST_URL"], sim.urls["BINANCE_REST_URL"], clock, session,
        bithumb_url=sim.urls["BITHUMB_REST_URL"],
    )  # fmt: skip
    # As the installer wires it: Bithumb's fees from GET /v1/withdraws/chance, when needed.
    fees = {Venue.BITHUMB: FeeCache(bt.withdraw_fee, clock)}
    upbit = Fees.from_rates(FEE_RATES)
    book = RouteBook(depth.fetch, upbit, SIZE, lambda: gate, fees, {Venue.BITHUMB: BITHUMB})
    return gate, book


async def _view(book: RouteBook, coin: str) -> TransferView:
    view = await book.view(coin, Venue.BITHUMB)
    assert isinstance(view, TransferView), view
    return view


def test_the_simulator_charges_bithumbs_fee() -> None:
    """The hand computation below uses the fee table's rate; the simulator's Bithumb charges
    the same, so the figures are what a round there would really cost."""
    assert BITHUMB.upbit == float(D("0.0025"))


async def test_bithumbs_wallet_status_picks_the_route(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as session:
        gate, book = _parts(sim, session)
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        assert view.krw is Venue.BITHUMB
        assert view.forward.route == Route("ARBITRUM", D("0.00004"), D("0.0008"))
        # Bithumb's own fee for the reverse, from its withdrawal information.
        assert view.reverse.route == Route("ARBITRUM", D("0.00004"), D("0.0008"))

        # Deposits over Arbitrum suspended on Bithumb: forward moves to Ethereum (Binance's
        # 0.0008 ETH), the reverse (Bithumb withdraws, Binance receives) keeps Arbitrum.
        sim.wallets.set("bithumb", "ETH", deposit=False, network="ARBITRUM")
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        assert view.forward.route == Route("ETH", D("0.0008"), D("0.0016"))
        assert view.reverse.route is not None and view.reverse.route.network == "ARBITRUM"

        # Every ETH network shut for withdrawal on Bithumb: nothing is left in reverse.
        sim.wallets.set("bithumb", "ETH", withdraw=False)
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        assert view.reverse.route is None and view.reverse.pct is None
        assert view.reverse.why is not None and view.reverse.why.key == "exec.why_no_route"
        # Upbit's status is not polled here: a view on Upbit has no networks, and says so.
        upbit = await book.view("ETH")
        assert isinstance(upbit, TransferView) and upbit.forward.note is not None
        assert upbit.forward.note.key == "exec.note_no_networks"


def _buy(levels: list[tuple[D, D]], spend: D) -> D:
    got = D(0)
    for price, qty in levels:
        take = min(spend, price * qty)
        got += take / price
        spend -= take
        if spend == 0:
            return got
    raise AssertionError("book too thin for the test size")


def _sell(levels: list[tuple[D, D]], qty: D) -> D:
    got = D(0)
    for price, size in levels:
        take = min(qty, size)
        got += take * price
        qty -= take
        if qty == 0:
            return got
    raise AssertionError("book too thin for the test size")


async def _served(sim: SimExchange, session: aiohttp.ClientSession, coin: str) -> dict[str, list]:
    """Bithumb's and Binance's books as the venues serve them, in Decimal."""
    url = f"{sim.urls['BITHUMB_REST_URL']}/v1/orderbook?markets=KRW-{coin},KRW-USDT"
    async with session.get(url) as resp:
        bithumb = {ob["market"]: ob["orderbook_units"] for ob in await resp.json()}
    url = f"{sim.urls['BINANCE_REST_URL']}/api/v3/depth?symbol={coin}USDT&limit={BINANCE_LEVELS}"
    async with session.get(url) as resp:
        binance = await resp.json()

    def units(market: str, side: str) -> list[tuple[D, D]]:
        rows = bithumb[market]
        return [(D(str(u[f"{side}_price"])), D(str(u[f"{side}_size"]))) for u in rows]

    return {
        "bt_bids": units(f"KRW-{coin}", "bid"), "bt_asks": units(f"KRW-{coin}", "ask"),
        "t_bids": units("KRW-USDT", "bid"), "t_asks": units("KRW-USDT", "ask"),
        "bn_bids": [(D(p), D(q)) for p, q in binance["bids"]],
        "bn_asks": [(D(p), D(q)) for p, q in binance["asks"]],
    }  # fmt: skip


async def test_net_premium_on_bithumb_matches_hand_computation(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as session:
        gate, book = _parts(sim, session)
        assert await gate.fetch_once()
        view = await _view(book, "ETH")
        b = await _served(sim, session, "ETH")
    ft, fb = D("0.0025"), sim.binance_engine.fee_rate
    assert sim.bithumb_engine.fee_rate == ft
    # The Arbitrum withdrawal fee for ETH and the SOL one for USDT (TRX the same; SOL sorts
    # first), as the simulator's tables serve them: Binance in its status, Bithumb in its
    # withdrawal information.
    fee, cash_fee = D("0.00004"), D("1")
    krw = D(SIZE)

    # Forward: KRW -> USDT on Bithumb (its own KRW-USDT book), withdraw the USDT to Binance
    # (Bithumb's fee), USDT -> ETH on Binance, withdraw over Arbitrum (Binance's fee),
    # ETH -> KRW on Bithumb; Bithumb's 0.25 % on both of its trades.
    usdt = _buy(b["t_asks"], krw) * (1 - ft) - cash_fee
    bought = _buy(b["bn_asks"], usdt) * (1 - fb)
    forward = (_sell(b["bt_bids"], bought - fee) * (1 - ft) / krw - 1) * 100
    assert view.forward.pct == pytest.approx(float(forward), abs=1e-9)
    assert view.forward.cash_route == Route("SOL", cash_fee, D("10"))
    # Both transfer fees are really in it: without them the same books give visibly more.
    free = _sell(b["bt_bids"], _buy(b["bn_asks"], usdt + cash_fee) * (1 - fb)) * (1 - ft)
    assert float((free / krw - 1) * 100 - forward) > 0.01

    # Reverse: KRW -> ETH on Bithumb, withdraw to Binance (Bithumb's fee), ETH -> USDT on
    # Binance, withdraw the USDT to Bithumb over SOL (Binance's 1 USDT), USDT -> KRW there.
    eth = _buy(b["bt_asks"], krw) * (1 - ft) - fee
    usdt = _sell(b["bn_bids"], eth) * (1 - fb) - cash_fee
    reverse = (_sell(b["t_bids"], usdt) * (1 - ft) / krw - 1) * 100
    assert view.reverse.pct == pytest.approx(float(reverse), abs=1e-9)
    assert view.reverse.route == Route("ARBITRUM", fee, D("0.0008"))
    assert view.reverse.cash_route == Route("SOL", cash_fee, D("10"))
    assert view.forward.note is None and view.reverse.note is None


WORDS = {
    "en": {
        "forward": "Binance → Bithumb via ARBITRUM (fee 0.00004 ETH, min 0.0008)",
        "reverse": "Bithumb → Binance via ARBITRUM (fee 0.00004 ETH, min 0.0008)",
        "net_title": "Kimp on Bithumb by net executable premium",
        "net_footer": "/kimp bithumb <coin> shows the route",
        "bad": "Use /kimp net or /kimp net <upbit|bithumb>.",
        "off": "Bithumb is not watched by this service.",
    },
    "ko": {
        "forward": "바이낸스 → 빗썸 ARBITRUM 네트워크 (수수료 0.00004 ETH, 최소 0.0008)",
        "reverse": "빗썸 → 바이낸스 ARBITRUM 네트워크 (수수료 0.00004 ETH, 최소 0.0008)",
        "net_title": "빗썸 순 실행 가능 김프 순위",
        "net_footer": "경로는 /kimp bithumb <코인>",
        "bad": "/kimp net 또는 /kimp net <upbit|bithumb> 로 입력하세요.",
        "off": "빗썸은(는) 이 서비스에서 감시하지 않습니다.",
    },
}


@pytest.mark.parametrize("language", ["en", "ko"])
async def test_kimp_bithumb_coin_and_net_bithumb(
    sim: SimExchange, tmp_path: Path, language: str
) -> None:
    """`/kimp bithumb ETH` shows each direction's route between Binance and Bithumb with its
    fee and net premium; `/kimp net bithumb` ranks Bithumb's coins by their better direction;
    bad input and Bithumb off get a clear answer."""
    w = WORDS[language]
    settings = load_settings(env_file=None, db_path=tmp_path / "k.db", language=language)
    clock = ManualClock(time.time())
    upbit = Fees.from_rates(FEE_RATES)
    async with Database.open(tmp_path / "k.db") as db, aiohttp.ClientSession() as session:
        gate, book = _parts(sim, session)
        assert await gate.fetch_once()
        k, md, core = settings.kimp, settings.market_data, settings.core
        svc = make_service(k, md, core, db, clock, _drop, upbit)  # Bithumb beside Upbit
        await svc.load()
        coins = ("BTC", "ETH", "XRP")
        svc.set_coins(set(coins))
        _price_bithumb(svc, sim, coins, clock.now())
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
        detail = (await registry.dispatch("/kimp bithumb ETH", ctx)).text
        ranked = (await registry.dispatch("/kimp net bithumb", ctx)).text
        bad = (await registry.dispatch("/kimp net bithum", ctx)).text
        views = await book.views(coins, Venue.BITHUMB)

        # KIMP_KRW_VENUE=bithumb: `/kimp net` alone ranks on Bithumb, as `/kimp` alone shows it.
        by_default = load_settings(
            env_file=None,
            db_path=tmp_path / "k.db",
            language=language,
            kimp_krw_venue="bithumb",
            bithumb_enabled=True,
        )
        home = make_service(by_default.kimp, md, core, db, clock, _drop, upbit)
        assert home.kimp_config.default_krw is Venue.BITHUMB
        home.set_coins(set(coins))
        _price_bithumb(home, sim, coins, clock.now())
        home.wallets, home.routes = gate, book
        facade.kimp = home
        plain = (await registry.dispatch("/kimp net", ctx)).text

        off = make_service(k, md, core, db, clock, _drop, upbit, 1.0, ())  # Bithumb not enabled
        off.routes = book
        facade.kimp = off
        not_on = (await registry.dispatch("/kimp net bithumb", ctx)).text

    assert eth.forward.pct is not None and eth.reverse.pct is not None
    fwd, rev = (f"{numbers.percent(p)}%" for p in (eth.forward.pct, eth.reverse.pct))
    assert f"{w['forward']}" in detail and f": {fwd}" in detail, detail
    assert f"{w['reverse']}" in detail and f": {rev}" in detail, detail
    assert "Traceback" not in detail
    assert ranked.startswith(w["net_title"]) and w["net_footer"] in ranked, ranked
    # Ranked by the better direction, highest first: the order the views' figures give.
    best = sorted(views, key=lambda v: -(v.best or -1e9))
    rows = [line.split()[0] for line in ranked.splitlines() if line.split()[0] in coins]
    assert rows == [v.coin for v in best], ranked
    assert f"ETH    {fwd:>10} {rev:>10}" in ranked, ranked  # every cost counted: no star
    assert plain.startswith(w["net_title"]) and w["net_footer"] in plain, plain
    assert [line.split()[0] for line in plain.splitlines() if line.split()[0] in coins] == rows
    assert bad.startswith(w["bad"]), bad
    assert not_on.startswith(w["off"]), not_on


def _price_bithumb(svc: KimpService, sim: SimExchange, coins: tuple[str, ...], now: float) -> None:
    """Bithumb's book priced from the simulator's mids (Bithumb's coins and USDT, Binance's)."""
    book = svc.krw.book(Venue.BITHUMB)
    assert book is not None
    for coin in (*coins, "USDT"):
        book.update_price(Venue.BITHUMB, coin, sim.market.bithumb_mid(coin), now)
    for coin in coins:
        book.update_price(Venue.BINANCE_SPOT, coin, sim.market.binance_mid(coin), now)


async def _drop(note: object) -> None:
    return None
