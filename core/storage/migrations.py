"""Schema versions. Each entry upgrades from version i to i+1; never edit a shipped entry, add one.

`PRAGMA user_version` holds the version a DB file is at.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the initial schema
    """
    CREATE TABLE candles (
        venue TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL, open_ts INTEGER NOT NULL,
        open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL,
        volume REAL NOT NULL,
        PRIMARY KEY (venue, symbol, timeframe, open_ts)
    ) WITHOUT ROWID;

    CREATE TABLE orders (
        client_id TEXT PRIMARY KEY,
        venue TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL, type TEXT NOT NULL,
        qty TEXT NOT NULL, price TEXT, trigger_price TEXT, reduce_only INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL, filled_qty TEXT NOT NULL DEFAULT '0', avg_price TEXT,
        exchange_id TEXT, paper INTEGER NOT NULL, bot TEXT, reason TEXT NOT NULL DEFAULT '',
        parent_client_id TEXT, quote_amount TEXT, leverage INTEGER,
        created_ts REAL NOT NULL, updated_ts REAL NOT NULL
    );
    CREATE INDEX orders_parent ON orders(parent_client_id);
    CREATE INDEX orders_status ON orders(status);

    CREATE TABLE fills (
        fill_id TEXT NOT NULL, venue TEXT NOT NULL, client_id TEXT NOT NULL,
        symbol TEXT NOT NULL, side TEXT NOT NULL, qty TEXT NOT NULL, price TEXT NOT NULL,
        fee TEXT NOT NULL, fee_asset TEXT NOT NULL, ts REAL NOT NULL, paper INTEGER NOT NULL,
        realized_pnl TEXT NOT NULL DEFAULT '0', bot TEXT,
        PRIMARY KEY (venue, fill_id)
    );
    CREATE INDEX fills_ts ON fills(ts);

    CREATE TABLE positions (
        venue TEXT NOT NULL, symbol TEXT NOT NULL, paper INTEGER NOT NULL,
        qty TEXT NOT NULL, entry_price TEXT NOT NULL, leverage INTEGER NOT NULL DEFAULT 1,
        realized_pnl TEXT NOT NULL DEFAULT '0', bot TEXT, updated_ts REAL NOT NULL,
        PRIMARY KEY (venue, symbol, paper)
    );

    CREATE TABLE balances (
        venue TEXT NOT NULL, asset TEXT NOT NULL, paper INTEGER NOT NULL,
        free TEXT NOT NULL, locked TEXT NOT NULL DEFAULT '0', updated_ts REAL NOT NULL,
        PRIMARY KEY (venue, asset, paper)
    );

    CREATE TABLE bots (
        name TEXT PRIMARY KEY, definition TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'stopped',
        paused INTEGER NOT NULL DEFAULT 0, updated_ts REAL NOT NULL
    );

    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, bot TEXT NOT NULL, symbol TEXT NOT NULL,
        action TEXT NOT NULL, taken INTEGER NOT NULL, reason TEXT NOT NULL, ts REAL NOT NULL,
        candle_ts INTEGER
    );
    CREATE INDEX decisions_bot_ts ON decisions(bot, ts);

    CREATE TABLE kimp_samples (
        coin TEXT NOT NULL, minute_ts INTEGER NOT NULL,
        usdt_kimp REAL, fx_kimp REAL, tether_premium REAL, upbit_krw REAL, binance_usdt REAL,
        PRIMARY KEY (coin, minute_ts)
    ) WITHOUT ROWID;

    CREATE TABLE alert_state (
        key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_ts REAL NOT NULL
    );

    CREATE TABLE alerts_sent (
        id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, kind TEXT NOT NULL,
        value REAL, text TEXT NOT NULL, ts REAL NOT NULL
    );

    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, text TEXT NOT NULL,
        photo_path TEXT, silent INTEGER NOT NULL DEFAULT 0, dedup_key TEXT UNIQUE,
        created_ts REAL NOT NULL, sent_ts REAL, attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX outbox_pending ON outbox(sent_ts, id);

    CREATE TABLE kv (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_ts REAL NOT NULL
    );
    """,
    # 2: Telegram commands recorded before they are acknowledged (bot/telegram/inbox.py)
    """
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, user_id INTEGER,
        text TEXT NOT NULL, message_ts REAL NOT NULL, state TEXT NOT NULL,
        received_ts REAL NOT NULL, done_ts REAL, reply TEXT, photo BLOB
    );
    CREATE INDEX inbox_state ON inbox(state);
    """,
    # 3: age indexes so retention pruning deletes small batches without scanning whole tables
    """
    CREATE INDEX kimp_samples_minute ON kimp_samples(minute_ts);
    CREATE INDEX candles_open_ts ON candles(open_ts);
    CREATE INDEX outbox_sent_ts ON outbox(sent_ts);
    """,
    # 4: per-coin alerting (alerts/coin_store.py: watchlist, own thresholds, mutes) and inline
    # buttons kept with a queued notification (bot/notify/outbox.py), so both survive a restart
    """
    CREATE TABLE alert_coins (
        coin TEXT PRIMARY KEY, watched INTEGER NOT NULL DEFAULT 0, high_pct REAL, low_pct REAL,
        muted_until REAL NOT NULL DEFAULT 0, updated_ts REAL NOT NULL
    );
    ALTER TABLE outbox ADD COLUMN buttons TEXT;
    """,
    # 5: two-leg hedges (trading/hedge/store.py): the hedge and each of its orders, written
    # before any leg is sent, so a crash between the legs is repaired at start-up
    """
    CREATE TABLE hedges (
        hedge_id TEXT PRIMARY KEY, bot TEXT, coin TEXT NOT NULL, direction TEXT NOT NULL,
        paper INTEGER NOT NULL, state TEXT NOT NULL, size_krw TEXT, leverage INTEGER NOT NULL,
        max_mismatch TEXT NOT NULL, opened_ts REAL NOT NULL, closed_ts REAL,
        updated_ts REAL NOT NULL, open_ref TEXT, close_ref TEXT, note TEXT
    );
    CREATE INDEX hedges_state ON hedges(state);
    CREATE TABLE hedge_orders (
        client_id TEXT PRIMARY KEY, hedge_id TEXT NOT NULL, phase TEXT NOT NULL,
        venue TEXT NOT NULL, ts REAL NOT NULL
    );
    CREATE INDEX hedge_orders_hedge ON hedge_orders(hedge_id);
    """,
    # 6: each USDⓈ-M perpetual's funding rate at each funding time (alerts/funding_history.py),
    # from the mark-price stream, so the kimp-hedge replay charges the rates that were paid
    """
    CREATE TABLE funding_rates (
        coin TEXT NOT NULL, funding_ts INTEGER NOT NULL, rate REAL NOT NULL,
        PRIMARY KEY (coin, funding_ts)
    );
    CREATE INDEX funding_rates_ts ON funding_rates(funding_ts);
    """,
]

LATEST_VERSION = len(MIGRATIONS)
