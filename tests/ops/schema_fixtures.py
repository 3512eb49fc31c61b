"""Databases as each past schema version left them, filled with a few days of realistic rows.

`python -m tests.ops.schema_fixtures` writes `tests/data/schemas/v<N>.sqlite3` for every version
from 1 to the newest but one; the upgrade test (tests/ops/test_schema_upgrade.py) takes each to the
newest version. The schema comes from `MIGRATIONS[:N]` and every row is inserted with the columns
its table has at that version, so a new migration needs no change here: the version it replaces
becomes a past one, built by this same code when no committed file exists yet (commit it with this
script to freeze it).

The rows follow what the stores write (formats of `trading/order_store.py`, `fill_store.py`,
`strategies/store.py`, `alerts/alert_state.py`, `bot/notify/outbox.py`, `bot/telegram/inbox.py`):
two bots and the user trading BTC on Upbit and USDⓈ-M futures with brackets, their fills and
positions, 10 coins' per-minute premium for an hour, 1m and 1h candles, decisions, alerts,
delivered and pending notifications, answered commands and the key-value facts.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import zlib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from alerts.alert_state import AlertState, Zone
from core.storage.migrations import LATEST_VERSION, MIGRATIONS
from core.symbols import Symbol, Venue
from core.text import Text, dump_text
from strategies.botconfig import BotDefinition

FOLDER = Path(__file__).resolve().parents[1] / "data" / "schemas"
T0 = 1_772_409_600  # 2026-03-02 00:00 UTC: the fixtures' first minute
COINS = [
    "BTC", "ETH", "XRP", "SOL", "DOGE", "ADA", "TRX", "LINK", "AVAX", "DOT",
]  # fmt: skip
USDKRW = 1_452.3
UP_BOT, FUT_BOT = "up_spot", "fut_trend"

Row = dict[str, Any]


def fixture_path(version: int) -> Path:
    return FOLDER / f"v{version}.sqlite3"


def build(path: Path, version: int) -> None:
    """Create `path` at schema `version` (1..LATEST_VERSION) holding the rows below."""
    if not 1 <= version <= LATEST_VERSION:
        raise ValueError(f"no schema version {version} (1..{LATEST_VERSION})")
    path.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA page_size = 1024")  # small files in the repository; same schema
        for script in MIGRATIONS[:version]:
            raw.executescript(script)
        raw.execute(f"PRAGMA user_version = {version}")
        for table, rows in tables().items():
            columns = _columns(raw, table)
            if not columns:
                continue  # the table comes with a later version
            for row in rows:
                kept = {k: v for k, v in row.items() if k in columns}
                names = ", ".join(kept)
                marks = ", ".join("?" * len(kept))
                raw.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(kept.values()))
        raw.commit()
        raw.execute("VACUUM")


def _columns(raw: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in raw.execute(f"PRAGMA table_info({table})")}


def tables() -> dict[str, list[Row]]:
    """Every table's rows (a superset of any version's columns), the same on every call."""
    rnd = random.Random(19)
    orders, fills = _trading(rnd)
    return {
        "candles": list(_candles(rnd)),
        "orders": orders,
        "fills": fills,
        "positions": _positions(),
        "balances": _balances(),
        "bots": _bots(),
        "decisions": list(_decisions(rnd)),
        "kimp_samples": list(_kimp(rnd)),
        "alert_state": _alert_state(),
        "alerts_sent": list(_alerts_sent(rnd)),
        "outbox": list(_outbox()),
        "inbox": list(_inbox()),
        "kv": _kv(),
        "alert_coins": [
            {"coin": "XRP", "watched": 1, "high_pct": 4.0, "low_pct": -1.5, "updated_ts": T0},
            {"coin": "DOGE", "watched": 0, "muted_until": T0 + 86_400, "updated_ts": T0 + 60},
        ],
    }


def _candles(rnd: random.Random) -> Iterator[Row]:
    markets = [("upbit", "BTC/KRW", 141_250_000.0), ("binance", "BTC/USDT", 97_180.0),
               ("binance_futures", "BTC/USDT", 97_210.0), ("upbit", "ETH/KRW", 5_312_000.0)]  # fmt: skip
    for venue, symbol, price in markets:
        for tf, step, n in (("1m", 60, 90), ("1h", 3600, 24)):
            p = price
            for k in range(n):
                o = p
                c = round(o * (1 + rnd.gauss(0, 0.0015)), 2)
                hi, lo = (
                    max(o, c) * (1 + rnd.random() * 0.001),
                    min(o, c) * (1 - rnd.random() * 0.001),
                )
                yield {"venue": venue, "symbol": symbol, "timeframe": tf,
                       "open_ts": (T0 + k * step) * 1000, "open": o, "high": round(hi, 2),
                       "low": round(lo, 2), "close": c, "volume": round(rnd.uniform(0.5, 40), 4)}  # fmt: skip
                p = c


def _order(cid: str, venue: str, symbol: str, side: str, qty: str, ts: float, **extra: Any) -> Row:
    row: Row = {"client_id": cid, "venue": venue, "symbol": symbol, "side": side, "type": "market",
                "qty": qty, "status": "filled", "filled_qty": qty, "paper": 0, "reason": "",
                "created_ts": ts, "updated_ts": ts + 0.4, "exchange_id": f"x{zlib.crc32(cid.encode())}"}  # fmt: skip
    row.update(extra)
    return row


def _trading(rnd: random.Random) -> tuple[list[Row], list[Row]]:
    """Futures bot: three round trips with SL/TP brackets, one still open; the user's Upbit buys
    and a partial sell; paper orders; a rejected and a cancelled order."""
    orders: list[Row] = []
    fills: list[Row] = []
    fut = ("binance_futures", "BTC/USDT")
    ts = T0 + 600.0
    for trip in range(4):
        entry = round(97_000 + rnd.uniform(-800, 800), 1)
        cid = f"kbl{int(ts * 1000):x}f{trip:02d}"
        orders.append(_order(cid, *fut, "buy", "0.006", ts, avg_price=str(entry), bot=FUT_BOT,
                             reason="ema cross up", leverage=3))  # fmt: skip
        fills.append(_fill(f"{cid}-1", *fut, cid, "buy", "0.006", str(entry), ts + 0.3, bot=FUT_BOT,
                           fee=f"{0.006 * entry * 0.0005:.8f}", fee_asset="USDT"))  # fmt: skip
        stop, take = round(entry * 0.98, 1), round(entry * 1.04, 1)
        open_trip = trip == 3
        for kind, trig, name in (("stop_market", stop, "sl"), ("take_profit_market", take, "tp")):
            child = f"{cid}{name}"
            closed_by = "sl" if trip == 1 else "tp"
            status = "open" if open_trip else ("filled" if name == closed_by else "cancelled")
            orders.append(_order(child, *fut, "sell", "0.006", ts + 1, type=kind,
                                 trigger_price=str(trig), reduce_only=1, status=status,
                                 filled_qty="0.006" if status == "filled" else "0",
                                 avg_price=str(trig) if status == "filled" else None,
                                 parent_client_id=cid, bot=FUT_BOT, leverage=3))  # fmt: skip
            if status == "filled":
                pnl = (trig - entry) * 0.006
                fills.append(_fill(f"{child}-1", *fut, child, "sell", "0.006", str(trig),
                                   ts + 3000, bot=FUT_BOT, realized_pnl=f"{pnl:.4f}",
                                   fee=f"{0.006 * trig * 0.0005:.8f}", fee_asset="USDT"))  # fmt: skip
        ts += 3 * 3600
    up = ("upbit", "BTC/KRW")
    for k, (side, qty, price) in enumerate(
        [
            ("buy", "0.0015", 141_020_000),
            ("buy", "0.001", 140_400_000),
            ("sell", "0.0005", 142_100_000),
        ]
    ):
        cid = f"kbl{int((T0 + 900 + k * 1800) * 1000):x}u{k:02d}"
        extra = {"quote_amount": str(int(float(qty) * price))} if side == "buy" else {}
        orders.append(
            _order(cid, *up, side, qty, T0 + 900 + k * 1800, avg_price=str(price), **extra)
        )
        fee = f"{float(qty) * price * 0.0005:.4f}"
        fills.append(_fill(f"up-{k}", *up, cid, side, qty, str(price), T0 + 901 + k * 1800,
                           fee=fee, fee_asset="KRW"))  # fmt: skip
    for k in range(6):  # the paper bot on Upbit
        cid = f"kbp{int((T0 + 300 + k * 1200) * 1000):x}p{k:02d}"
        side, price = (
            ("buy", 140_900_000 + k * 60_000) if k % 2 == 0 else ("sell", 141_300_000 + k * 50_000)
        )
        orders.append(_order(cid, *up, side, "0.00035", T0 + 300 + k * 1200, paper=1, bot=UP_BOT,
                             avg_price=str(price), reason="rsi", exchange_id=None))  # fmt: skip
        fills.append(_fill(f"paper-{k}", *up, cid, side, "0.00035", str(price), T0 + 301 + k * 1200,
                           paper=1, bot=UP_BOT, fee=f"{0.00035 * price * 0.0005:.4f}", fee_asset="KRW"))  # fmt: skip
    orders.append(_order("kbl19c0ffee0rej", *up, "buy", "0.5", T0 + 7000, type="limit",
                         price="120000000", status="rejected", filled_qty="0",
                         reason="insufficient_funds", exchange_id=None))  # fmt: skip
    orders.append(_order("kbl19c0ffee0can", "binance", "ETH/USDT", "buy", "0.05", T0 + 7100,
                         type="limit", price="3400.5", status="cancelled", filled_qty="0"))  # fmt: skip
    return orders, fills


def _fill(fill_id: str, venue: str, symbol: str, cid: str, side: str, qty: str, price: str,
          ts: float, **extra: Any) -> Row:  # fmt: skip
    row: Row = {"fill_id": fill_id, "venue": venue, "client_id": cid, "symbol": symbol, "side": side,
                "qty": qty, "price": price, "fee": "0", "fee_asset": "USDT", "ts": ts, "paper": 0}  # fmt: skip
    row.update(extra)
    return row


def _positions() -> list[Row]:
    return [
        {"venue": "binance_futures", "symbol": "BTC/USDT", "paper": 0, "qty": "0.006",
         "entry_price": "97301.2", "leverage": 3, "bot": FUT_BOT, "updated_ts": T0 + 9 * 3600},
        {"venue": "upbit", "symbol": "BTC/KRW", "paper": 0, "qty": "0.002",
         "entry_price": "140772000", "realized_pnl": "0", "updated_ts": T0 + 4500},
    ]  # fmt: skip


def _balances() -> list[Row]:
    return [
        {"venue": "upbit", "asset": "KRW", "paper": 0, "free": "1873420.5", "updated_ts": T0},
        {"venue": "upbit", "asset": "BTC", "paper": 0, "free": "0.002", "updated_ts": T0},
        {"venue": "upbit", "asset": "KRW", "paper": 1, "free": "1000000", "updated_ts": T0},
        {"venue": "binance_futures", "asset": "USDT", "paper": 0, "free": "812.44",
         "locked": "194.6", "updated_ts": T0},
    ]  # fmt: skip


def _bots() -> list[Row]:
    up = BotDefinition(name=UP_BOT, strategy="rsi", exchange=Venue.UPBIT,
                       symbols=(Symbol("BTC", "KRW"),), stake=50_000)  # fmt: skip
    fut = BotDefinition(name=FUT_BOT, strategy="ema_trend", exchange=Venue.BINANCE_FUTURES,
                        symbols=(Symbol("BTC", "USDT"),), stake=200, leverage=3,
                        stop_loss_pct=2.0, take_profit_pct=4.0)  # fmt: skip
    return [
        {"name": UP_BOT, "definition": up.to_json(), "state": "running", "updated_ts": T0},
        {"name": FUT_BOT, "definition": fut.to_json(), "state": "stopped", "paused": 0,
         "updated_ts": T0 + 60},
    ]  # fmt: skip


def _decisions(rnd: random.Random) -> Iterator[Row]:
    for k in range(200):
        bot, symbol = (UP_BOT, "BTC/KRW") if k % 2 else (FUT_BOT, "BTC/USDT")
        taken = k % 25 == 0
        if k < 80:  # written before reasons were catalog texts: plain English
            reason = "rsi 28.4 below 30" if taken else "no signal"
        else:
            reason = dump_text(Text.of("decision.position_limit", limit=1 + k % 3))
        yield {"bot": bot, "symbol": symbol, "action": "buy" if taken else "hold",
               "taken": int(taken), "reason": reason, "ts": T0 + 60.0 * k,
               "candle_ts": (T0 + 60 * (k - 1)) * 1000}  # fmt: skip


def _kimp(rnd: random.Random) -> Iterator[Row]:
    base = {c: rnd.uniform(-0.5, 3.5) for c in COINS}
    price = {c: 10 ** rnd.uniform(-1, 4.9) for c in COINS}
    for m in range(60):
        minute = T0 + 60 * m
        tether = 0.6 + 0.05 * rnd.gauss(0, 1)
        for c in COINS:
            usdt = base[c] + rnd.gauss(0, 0.08)
            yield {"coin": c, "minute_ts": minute, "usdt_kimp": round(usdt, 4),
                   "fx_kimp": round(usdt + tether, 4), "tether_premium": round(tether, 4),
                   "upbit_krw": round(price[c] * USDKRW * (1 + usdt / 100), 2),
                   "binance_usdt": round(price[c], 6)}  # fmt: skip
        yield {"coin": "USDT", "minute_ts": minute, "tether_premium": round(tether, 4),
               "upbit_krw": round(USDKRW * (1 + tether / 100), 1)}  # fmt: skip


def _alert_state() -> list[Row]:
    high = AlertState(zone=Zone.HIGH, level=1, episode=2, last_enter={"high": T0 + 5000.0},
                      last_value=3.42, window_reset=T0 + 5000.0)  # fmt: skip
    rows = [{"key": "coin:BTC", "state": AlertState(last_value=1.2).dump().decode(), "updated_ts": T0},
            {"key": "coin:SOL", "state": high.dump().decode(), "updated_ts": T0 + 5000},
            {"key": "tether", "state": AlertState(last_value=0.61).dump().decode(), "updated_ts": T0}]  # fmt: skip
    return rows


def _alerts_sent(rnd: random.Random) -> Iterator[Row]:
    for k in range(30):
        coin = COINS[k % len(COINS)]
        value = round(rnd.uniform(3, 5), 2)
        yield {"key": f"coin:{coin}", "kind": "high", "value": value,
               "text": f"{coin} kimchi premium {value:+.2f}% (usdt)", "ts": T0 + 300.0 * k}  # fmt: skip


def _outbox() -> Iterator[Row]:
    for k in range(60):
        pending = k >= 58  # not delivered when the old version stopped
        yield {"kind": "order_filled" if k % 3 else "kimp_alert",
               "text": f"<b>Filled</b> BTC/KRW buy 0.0005 @ 141,0{k:02d},000원 (#{k})",
               "silent": int(k % 5 == 0), "dedup_key": f"fill:{k}", "created_ts": T0 + 120.0 * k,
               "sent_ts": None if pending else T0 + 120.0 * k + 1, "attempts": 0 if pending else 1,
               "buttons": json.dumps([[{"text": "Chart", "command": "/chart BTC"}]]) if k == 7 else None}  # fmt: skip


def _inbox() -> Iterator[Row]:
    lines = ["/status", "/kimp", "/positions", "/bots", "/orders", "/report", "/kimp BTC"]
    for k in range(14):
        yield {"update_id": 700_000 + k, "chat_id": 424242, "user_id": 424242,
               "text": lines[k % len(lines)], "message_ts": T0 + 200.0 * k, "state": "done",
               "received_ts": T0 + 200.0 * k + 0.2, "done_ts": T0 + 200.0 * k + 0.9}  # fmt: skip


def _kv() -> list[Row]:
    return [
        {"key": "daily_report.last_slot", "value": "2026-03-02", "updated_ts": T0},
        {"key": "trading.killswitch", "value": "off", "updated_ts": T0},
        {"key": "kimp.alert_config", "value": json.dumps({"high_pct": 3.5}), "updated_ts": T0},
        {"key": f"bot_positions:{FUT_BOT}", "updated_ts": T0 + 9 * 3600, "value": json.dumps(
            # As saved before `ref_price` existed (strategies/engine.py OpenPosition).
            [{"venue": "binance_futures", "symbol": "BTC/USDT", "side": 1, "qty": 0.006,
              "entry_price": 97301.2, "entry_ts": (T0 + 9 * 3600) * 1000, "entry_fee": 0.29}])},
    ]  # fmt: skip


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for version in range(1, LATEST_VERSION):
        path = fixture_path(version)
        build(path, version)
        print(f"{path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
