"""The soak's end-of-run invariants: the venue (the simulator's own books), our database, the
bots and `/positions` agree; every open futures position has its stop on the venue; no risk
limit was exceeded. Each function returns the mismatches it found, worded for a person."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from peers.exchange_sim.server import SimExchange

ZERO = Decimal(0)
SPOT = {"upbit": "KRW", "binance": "USDT"}
REACHED = ("open", "partially_filled", "filled", "cancelled")  # the venue acknowledged it
LABELS = {"Upbit": "upbit", "Binance spot": "binance", "Binance USDT-M": "binance_futures"}


@dataclass(slots=True)
class VenueBook:
    """What the simulator holds for our accounts."""

    orders: dict[str, tuple[str, Decimal]] = field(default_factory=dict)  # cid -> (state, filled)
    open_orders: set[str] = field(default_factory=set)
    fills: set[tuple[str, str]] = field(default_factory=set)  # (venue, fill id)
    positions: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    stops: dict[str, Decimal] = field(default_factory=dict)  # futures symbol -> stop qty


def spot_held(sim: SimExchange) -> dict[str, Decimal]:
    """Each spot venue's BTC balance (the soak trades BTC only on spot)."""
    engines = {"upbit": sim.upbit_engine, "binance": sim.binance_engine}
    return {v: e.account(sim.api_keys[v][0]).balance("BTC").total for v, e in engines.items()}


def venue_book(sim: SimExchange, btc_at_start: dict[str, Decimal]) -> VenueBook:
    book = VenueBook()
    for v, engine in (("upbit", sim.upbit_engine), ("binance", sim.binance_engine)):
        for o in engine.orders.values():
            if o.client_id:
                book.orders[o.client_id] = (o.state, o.executed_qty)
                if o.state in ("new", "partially_filled"):
                    book.open_orders.add(o.client_id)
            for f in o.fills:
                book.fills.add((v, f.trade_uuid if v == "upbit" else str(f.trade_id)))
        qty = spot_held(sim)[v] - btc_at_start[v]
        if qty:
            book.positions[(v, f"BTC/{SPOT[v]}")] = qty
    for acct in sim.binance_futures.engine.accounts.values():
        for fo in acct.orders.values():
            if not fo.client_id.startswith("autoclose-"):
                book.orders[fo.client_id] = (fo.status.lower(), fo.executed)
                if fo.is_open:
                    book.open_orders.add(fo.client_id)
        for fills in acct.fills.values():
            book.fills.update(("binance_futures", str(f.trade_id)) for f in fills)
        for a in acct.algos.values():
            book.orders.setdefault(a.client_algo_id, (a.status.lower(), ZERO))
            if a.is_open:
                book.open_orders.add(a.client_algo_id)
                if a.order_type == "STOP_MARKET":
                    book.stops[a.symbol] = book.stops.get(a.symbol, ZERO) + (
                        a.qty if not a.close_position else Decimal("Infinity")
                    )
        for sym, pos in acct.positions.items():
            if pos.amt:
                book.positions[("binance_futures", _unified(sym))] = pos.amt
    return book


def _unified(sym: str) -> str:
    return f"{sym.removesuffix('USDT')}/USDT"


@dataclass(slots=True)
class DbBook:
    orders: dict[str, tuple[str, Decimal]] = field(default_factory=dict)
    open_orders: set[str] = field(default_factory=set)
    fills: set[tuple[str, str]] = field(default_factory=set)
    positions: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    bot_positions: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    entries: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)


def db_book(path: Path) -> DbBook:
    """Our database, read-only (the service may still be running: WAL readers never block)."""
    book = DbBook()
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        rows = con.execute(
            "SELECT client_id, venue, symbol, type, status, filled_qty, avg_price, reduce_only "
            "FROM orders WHERE paper = 0"
        ).fetchall()
        for cid, venue, symbol, typ, status, filled, avg, reduce_only in rows:
            if status in REACHED:
                book.orders[cid] = (status, Decimal(filled))
            if status in ("open", "partially_filled"):
                book.open_orders.add(cid)
            if Decimal(filled) > 0 and not reduce_only and typ in ("market", "limit"):
                book.entries.append((venue, symbol, Decimal(filled), Decimal(avg or 0)))
        for venue, fill_id in con.execute("SELECT venue, fill_id FROM fills WHERE paper = 0"):
            book.fills.add((venue, fill_id))
        for venue, symbol, qty in con.execute(
            "SELECT venue, symbol, qty FROM positions WHERE paper = 0"
        ):
            if Decimal(qty):
                book.positions[(venue, symbol)] = Decimal(qty)
    finally:
        con.close()
    return book


def compare(venue: VenueBook, db: DbBook) -> list[str]:
    """Venue vs database: orders, fills, positions, and protection."""
    out: list[str] = []
    for cid in sorted(set(venue.orders) - set(db.orders)):
        out.append(f"order {cid} is on the venue ({venue.orders[cid][0]}) but not in our database")
    for cid in sorted(set(db.orders) - set(venue.orders)):
        if cid not in venue.open_orders and cid not in db.open_orders:
            continue  # a protective algo order that finished: its fill is compared below
        out.append(f"order {cid} is {db.orders[cid][0]} in our database but not on the venue")
    for cid in sorted(set(venue.orders) & set(db.orders)):
        if venue.orders[cid][1] != db.orders[cid][1]:
            out.append(
                f"order {cid}: filled {venue.orders[cid][1]} on the venue, "
                f"{db.orders[cid][1]} in our database"
            )
    if venue.open_orders != db.open_orders:
        out.append(
            f"open orders differ: venue only {sorted(venue.open_orders - db.open_orders)}, "
            f"database only {sorted(db.open_orders - venue.open_orders)}"
        )
    for key in sorted(venue.fills - db.fills):
        out.append(f"fill {key} on the venue was never booked")
    for key in sorted(db.fills - venue.fills):
        out.append(f"fill {key} is booked but the venue never made it")
    for key in sorted(set(venue.positions) | set(db.positions)):
        there, here = venue.positions.get(key, ZERO), db.positions.get(key, ZERO)
        if there != here:
            out.append(f"position {key}: {there} on the venue, {here} in our database")
    managed = set().union(*db.bot_positions.values()) if db.bot_positions else set()
    for (v, sym), qty in venue.positions.items():
        # A manual /buy on futures takes no stop (nobody manages it); a bot's position must
        # have its stop-loss on the venue for its whole size.
        if v == "binance_futures" and (v, sym) in managed:
            stop = venue.stops.get(sym.replace("/", ""), ZERO)
            if stop < abs(qty):
                out.append(f"futures {sym} {qty} has stop-loss for {stop} only on the venue")
    return out


# One line per owner of a position: `#12 trend · Upbit BTC/KRW: 0.01 @ ...` (a bot's share and
# the user's beside it are two lines of one position).
POSITION_LINE = re.compile(
    r"^(?:#\S+ \S+ · )?(Upbit|Binance spot|Binance USDT-M) ([A-Z0-9]+/[A-Z0-9]+)(?: \d+x)?:? "
    r"(-?[\d.,]+)"
)


async def bot_holdings(
    path: Path, positions: dict[tuple[str, str], Decimal]
) -> dict[str, set[tuple[str, str]]]:
    """Each bot's open positions as the service rebuilds them at start: the trade book replayed
    from the recorded fills (a manual sell of a bot's coins, a forced close and a flip all move
    shares, so neither `positions.bot` nor a sum of the bot's own fills is the answer), then
    settled to the recorded positions."""
    from core.storage import Database
    from trading.report_queries import replay_book

    async with Database.open(path) as db:
        book = await replay_book(db, paper=False)
    for inst in {t.instrument for t in book.open_trades()}:
        book.settle(inst, positions.get((inst.venue.value, str(inst.symbol)), ZERO), 0.0)
    out: dict[str, set[tuple[str, str]]] = {}
    for t in book.open_trades():
        if t.owner is not None and t.held:
            out.setdefault(t.owner, set()).add((t.instrument.venue.value, str(t.instrument.symbol)))
    return out


def compare_positions_text(text: str, db: DbBook) -> list[str]:
    """`/positions` as the user reads it vs the database."""
    shown: dict[tuple[str, str], Decimal] = {}
    for line in text.splitlines():
        m = POSITION_LINE.match(line.strip())
        if m:
            key = (LABELS[m.group(1)], m.group(2))
            shown[key] = shown.get(key, ZERO) + abs(Decimal(m.group(3).replace(",", "")))
    want = {k: abs(q) for k, q in db.positions.items()}
    if shown != want:
        return [f"/positions shows {shown}, the database holds {want}:\n{text}"]
    return []


def compare_bots(text: str, db: DbBook, bots: dict[str, tuple[str, str]]) -> list[str]:
    """`/bots` vs the database: a bot holding a position in the ledger must not say flat."""
    out = []
    for bot, key in bots.items():
        held = key in db.bot_positions.get(bot, set())
        line = next((x for x in text.splitlines() if x.startswith(f"{bot}:")), "")
        says_flat = " flat " in f" {line.lower()} " or "· flat ·" in line
        if held and says_flat:
            out.append(f"bot {bot} says flat while the ledger holds its {key} position")
    return out


def limit_breaches(
    db: DbBook, max_open: int, max_order_krw: Decimal, usdt_krw: Decimal, max_seen_open: int
) -> list[str]:
    out = []
    if max_seen_open > max_open:
        out.append(f"{max_seen_open} open positions seen, the limit is {max_open}")
    for venue, symbol, qty, price in db.entries:
        krw = qty * price * (1 if symbol.endswith("/KRW") else usdt_krw)
        if krw > max_order_krw * Decimal("1.03"):  # market orders may fill a little off the quote
            out.append(f"{venue} {symbol} order of {krw:.0f} KRW, the limit is {max_order_krw}")
    return out
