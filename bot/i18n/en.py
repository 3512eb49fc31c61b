"""English texts (the catalog's reference table: every key is here).

Over 400 lines on purpose: one flat table of texts, no logic; splitting it would only scatter
the keys a translator compares side by side with bot/i18n/ko.py.
"""

from __future__ import annotations

HEADERS: dict[str, str] = {
    "startup": "🚀 Started",
    "shutdown": "⏹ Stopping",
    "order_placed": "📝 Order placed",
    "order_filled": "✅ Filled",
    "order_cancelled": "↩️ Order cancelled",
    "order_refused": "⛔ Order refused",
    "kimp_alert": "🌶 Kimp alert",
    "stream": "📡 Stream",
    "component": "⚙️ Component",
    "risk": "🛑 Risk limit",
    "reconcile": "🔄 Reconciliation",  # helper P3
    "report": "",  # reports carry their own title
    "info": "ℹ️ Info",
}

TEXTS: dict[str, str] = {
    # --- service: start-up summary, shutdown, crashes ---------------------------------------
    "mode.live": "LIVE trading — real orders will be placed",
    "mode.paper": "paper trading",
    "startup.title": "Service started: {mode}, v{version}.",
    "startup.market_data": "Market data: {venues}",
    "startup.live_venues": "Live orders on: {venues}",
    "startup.bots": "Bots: {bots}",
    "startup.no_bots": "none",
    "startup.help": "Send /help for commands.",
    "shutdown": "Service stopping.",
    "crash": "Component {name} crashed ({error}); restart #{restarts} in {delay}s.",
    # --- market data streams -----------------------------------------------------------------
    "stream.status": "{icon} {venue} market data {state}: {reason}",
    "stream.up": "up",
    "stream.degraded": "degraded",
    "stream.down": "down",
    "stream.recovered": "recovered",
    # --- trading: banners, orders, fills -------------------------------------------------------
    "trading.live_banner": "⚠️ LIVE trading on {venues}: orders are real.",
    "trading.no_live_venues": "none (no keys)",
    "trading.paper_banner": "Paper trading: simulated orders on live prices (TRADING_MODE=paper).",
    "trading.reconciled": "Start-up reconciliation:",
    "order.paper": "[paper] ",
    "order.describe": "{side} {qty} {symbol} {type}{price}{trigger} on {venue}",
    "order.trigger": " trigger {price}",
    "order.placed": "{mode}Order {status}: {order} (id {id})",
    "order.filled": (
        "{mode}Filled {side} {qty} {base} @ {price} on {venue} (fee {fee}, id {id}){pnl}"
    ),
    "order.pnl": "\nPnL {pnl}{pct}",
    "order.cancelled": "Cancelled: {order}{reason}",
    "order.refused_by_venue": "Order refused by {venue}: {order}. {reason}",
    "order.refused": "Order refused{who}: {side} {symbol} on {venue}. {reason}",
    "order.refused_bot": " from bot {bot}",
    # --- trading: refusal reasons ------------------------------------------------------------
    "reason.not_configured": "{venue} is not configured for trading.",
    "reason.futures_not_configured": "Binance futures is not configured for trading.",
    "reason.rate_limited": "The venue kept refusing with rate limits; the order was not placed.",
    "reason.no_answer": "The venue did not answer; the order will be checked again.",
    "reason.never_placed": (
        "Not placed: the venue has no order with our id {id} {age}s after it was sent "
        "(the send timed out or never happened)."
    ),
    "reason.cancelled_early": "Cancelled before the venue saw it.",
    "reason.no_rate": (
        "No {quote}/KRW rate yet (Upbit KRW-USDT), so the KRW limits cannot be checked."
    ),
    "reason.no_price": "No usable market price for {symbol}; try again shortly.",
    "reason.min_qty": "The quantity is below the minimum of {min} for {symbol}.",
    "reason.max_qty": "The quantity is above the maximum of {max}.",
    "reason.market_max_qty": (
        "A market order may be at most {max}; split it or use a limit order."
    ),
    "reason.min_total_upbit": "The order total {total} is below Upbit's minimum of {min}.",
    "reason.min_total": "The order total {total} is below the venue's minimum of {min}.",
    "reason.max_total": "The order total is above the maximum {max}.",
    "reason.reduce_nothing": "Reduce-only, but there is no {base} position to reduce.",
    "reason.reduce_too_much": "Reduce-only for {qty}, but the position is {pos}.",
    "reason.no_margin": "Not enough margin: this needs about {need} at {lev}x, {free} available.",
    "reason.no_funds": "Not enough {quote}: this needs {need}, {free} available.",
    "reason.no_coin": "Not enough {base} to sell: {qty} asked, {free} free.",
    "reason.kill_switch": "The kill switch is on: new entries are refused. /killswitch off turns it off.",
    "reason.daily_paused": (
        "The daily loss limit was reached: new entries are paused until tomorrow "
        "({pct}% of equity)."
    ),
    "reason.stale": (
        "{venue} market data is stale or degraded: new orders are refused "
        "until prices are live again."
    ),
    "reason.max_order": (
        "The order is worth {value}, above the per-order cap of {cap} (MAX_ORDER_KRW)."
    ),
    "reason.max_positions": (
        "{n} positions are already open, the maximum is {max} (MAX_OPEN_POSITIONS). "
        "Close one first."
    ),
    "reason.no_equity": "The account equity is unknown or zero; cannot size a new position.",
    "reason.max_position_pct": (
        "This would make the {symbol} position {pct}% of equity, above the {max}% limit "
        "(MAX_POSITION_PCT)."
    ),
    "reason.leverage_range": "Leverage {lev}x is outside 1-{max}x (MAX_LEVERAGE).",
    "reason.leverage_failed": "Could not set {lev}x leverage: {reason}",
    "reason.no_futures_position": "There is no open {symbol} futures position.",
    # --- risk -------------------------------------------------------------------------------
    "risk.daily_loss": (
        "Daily loss limit reached: {pnl} today (limit {limit}). New entries are paused "
        "until tomorrow; exits still work."
    ),
    "risk.status_kill_switch": "KILL SWITCH ON: new entries refused",
    "risk.status_paused": "daily loss limit reached: new entries paused until tomorrow",
    "risk.no_bracket": "⚠️ {symbol} futures position is open WITHOUT its {what}: {reason}",
    "risk.bracket.stop_market": "stop market",
    "risk.bracket.take_profit_market": "take profit market",
    # --- start-up reconciliation -------------------------------------------------------------
    "reconcile.now": "order {id} was sent before the restart: now {status}",
    "reconcile.never_reached": "order {id} never reached {venue}: not placed",
    "reconcile.gone": "order {id} is no longer on {venue}: cancelled",
    "reconcile.unchecked": "order {id}: could not check ({reason})",
    "reconcile.changed": "order {id}: {old} -> {new}",
    "reconcile.failed": "{venue}: could not reconcile ({reason})",
    "reconcile.foreign": "{venue}: open order not placed by the bot: {side} {qty} {symbol} {type}",
    "reconcile.position_adopted": (
        "{venue} {symbol} position: ours {ours}, venue {real} (changed outside the bot?) "
        "— adopted the venue's"
    ),
    "reconcile.holding_adopted": (
        "{venue} {symbol}: we hold {ours} by our records but the account has {real} "
        "(sold by hand?) — adopted the account's"
    ),
    # --- kimchi premium alerts -----------------------------------------------------------------
    "name.upbit": "Upbit",
    "name.binance": "Binance",
    "kimp.market": "[Market] ",
    "kimp.na": "n/a",
    "kimp.enter_high": "🔺 {prefix}{label} premium {value}: reached the {threshold}% alert level",
    "kimp.enter_low": (
        "🔻 {prefix}{label} reverse premium {value}: reached the {threshold}% alert level"
    ),
    "kimp.escalate_high": "⏫ {prefix}{label} premium {value}: past {threshold}% (step {level})",
    "kimp.escalate_low": "⏬ {prefix}{label} premium {value}: past {threshold}% (step {level})",
    "kimp.normal": "✅ {prefix}{label} premium back to normal: {value}",
    "kimp.jump": "⚡ {prefix}{label} premium moved {detail}; now {value}",
    "kimp.suspended": "⏸ {prefix}{label}: kimp alerts suspended: {detail}",
    "kimp.resumed": "▶️ {prefix}{label}: kimp alerts resumed ({value})",
    "kimp.implausible": "⚠️ {prefix}{label} premium {value} looks implausible ({detail}); not alerting",
    "kimp.digest_one": "📋 Kimp digest: {n} coin alert",
    "kimp.digest_many": "📋 Kimp digest: {n} coin alerts",
    "kimp.suspended_many": "⏸ Kimp alerts suspended for {n}:",
    "kimp.resumed_many": "▶️ Kimp alerts resumed for {n}:",
    "kimp.jump_up": "up {pp}pp in {secs}s (from {start}%)",
    "kimp.jump_down": "down {pp}pp in {secs}s (from {start}%)",
    "kimp.basis.usdt": "USDT kimp",
    "kimp.basis.fx": "FX kimp",
    "kimp.tether": "Tether (USDT)",
    "kimp.no_premium": "no premium available",
    # why a coin's alerts are suspended
    "kimp.why.venue_down": "{venue} stream down ({reason})",
    "kimp.why.fx_none": "FX rate unavailable: {why}",
    "kimp.why.fx_no_answer": "no answer from the FX source yet",
    "kimp.why.fx_old": "FX rate unavailable: last one is {age}s old{why}",
    "kimp.why.fx_source": "; source: {error}",
    "kimp.why.no_price": "no {name} price yet",
    "kimp.why.no_data": "{venue}: no market data for {secs}s",
    "kimp.why.quiet": "{name} price not updated for {age}s",
    "kimp.why.not_listed": "{coin} is not in the universe",
    "kimp.why.no_leg": "no {venues} price yet",
    "kimp.why.or": " or ",
    "kimp.why.no_legs": "no price on both venues yet",
    # the wallet gate's mark on a coin's alerts
    "wallet.withdrawals": "withdrawals suspended on {venue}",
    "wallet.deposits": "deposits suspended on {venue}",
    "wallet.blocked": "{text}: cannot be arbitraged",
    "wallet.open_route": "{text} (the {route} route is open)",
    # --- Telegram layer: digests, notices, the daily report ---------------------------------
    "digest_title": "📦 {n} queued notifications (digest)",
    "photo_missing": "(chart file not found: {path})",
    "not_a_command": "Commands start with /. Send /help for the list.",
    "conflict": (
        "Another instance is polling this bot token (409 Conflict). This one cannot "
        "receive commands: stop the other instance."
    ),
    "intruder": "Unauthorised access attempt: chat {chat}, user {user} ({count} recent tries)",
    "refresh": "🔄 Refresh",
    "report_title": "📊 Daily report {day}",
    "report_now_title": "📊 Report (last 24 h, until {until})",
    "report_bots": "PnL and trades per bot",
    "report_bot_line": "  {bot:<14} {trades:>4} trades closed   {pnl}",
    "report_no_trades": "  no trades",
    "report_balances": "Balances and equity",
    "report_no_price": "(no price)",
    "report_no_balances": "  no balance data",
    "report_equity": "  equity {total}{change}",
    "report_equity_change": " ({sign}{delta} vs previous report, {pct})",
    "report_kimp": "Kimchi premium (BTC)",
    "report_kimp_none": "  no samples",
    "report_kimp_line": "  high {hi} · low {lo} · avg {avg} ({n} samples)",
    "report_kimp_top": "  largest premiums: {items}",
    "report_alerts": "  {n} alerts sent",
    "report_streams": "Streams and incidents",
    "report_streams_none": "  nothing recorded",
    "report_stream_line": "  {name:<20} {pct:6.2f}% up   {incidents} incidents",
    "report_incidents": "  {n} stream alerts · {crashes} component restarts",
    "report_chart_caption": "BTC kimp over {day}",
    "report_chart_empty": "no data",
    # --- command layer: dispatch, confirmations, /help ---------------------------------------
    "cmd.unknown": "Unknown command /{name}. Send /help for the list.",
    "cmd.usage": "\nUsage: {usage}",
    "cmd.failed": "/{command} failed: {error}. Details are in the log.",
    "cmd.confirm_ask": "⚠️ {description}\nConfirm within {secs} s.",
    "cmd.confirm_button": "✅ Confirm",
    "cmd.cancel_button": "✖ Cancel",
    "cmd.confirm_usage": "Usage: /confirm <code> (the code is in the confirmation message)",
    "cmd.confirm_expired": "That confirmation has expired or was already used. Run the command again.",
    "cmd.confirm_other_chat": "That confirmation belongs to another chat.",
    "cmd.cancelled": "Cancelled. Nothing was done.",
    "cmd.nothing_to_cancel": "Nothing to cancel.",
    "help.title": "Commands:",
    "help.footer": "\n\n/help <command> explains one.",
    "help.one_name": "Give one command name, e.g. /help status.",
    "help.no_such": "There is no /{name}. Send /help for the list.",
    "help.help": "List commands, or explain one",
    "help.status": "Mode, streams, components, bots and positions",
    "help.version": "Program version",
    "help.settings": (
        "Settings as loaded at start-up, secrets only as set/unset "
        "(alert thresholds changed since: /kimpalert)"
    ),
    "help.logs": "The last log lines",
    "help.bots": "Strategy bots and what they did",
    "help.start": "Start a strategy bot (it stays started after a restart)",
    "help.stop": "Stop a strategy bot; its open positions stay open",
    "help.pause": "Pause a bot: no new entries; its exits are still managed",
    "help.resume": "Resume a paused bot",
    "help.balance": "Balances per venue with KRW value and total",
    "help.positions": "Open positions per owner: value, PnL %, futures margin",
    "help.orders": "Open orders (or /orders all for recent ones)",
    "help.trades": "Recent trades with id, time, owner and PnL",
    "help.profit": (
        "Summary: PnL, ROI, win rate, profit factor, best/worst coin, holding time, drawdown"
    ),
    "help.daily": "PnL per calendar day",
    "help.weekly": "PnL per calendar week (Monday first)",
    "help.monthly": "PnL per calendar month",
    "help.buy": "Market buy on a venue, or a bot's forced entry",
    "help.sell": "Market sell on a venue, or a bot's forced exit (asks to confirm)",
    "help.cancel": "Cancel an open order (asks to confirm)",
    "help.killswitch": (
        "Stop new entries and bots; 'cancel' also cancels open orders; 'flatten' also closes "
        "every position at market; 'off' resets"
    ),
    "help.report": "The daily report for the last 24 hours, now",
    "help.kimp": "Kimchi premium: headline, top/bottom coins, or one coin's detail",
    "help.kimpchart": "24 h premium chart of a coin (or USDT)",
    "help.kimpalert": "Show or change the kimp alert thresholds",
    # /help <command>: the longer explanation (the same text the command registers)
    "helpdetail.buy": (
        "/buy upbit BTC 50000KRW buys on a venue (a size in the coin, or an amount in KRW/USDT); "
        "nobody manages that position. On Binance spot, sl=58000 or sl=3% puts a stop-loss sell "
        "(STOP_LOSS) for the bought coins on the venue once the buy fills, kept while you hold "
        "them. /buy <bot> [coin] [amount] is the bot's forced entry: a "
        "long now, with the bot's stake (or the amount given, in its quote currency), leverage "
        "and SL/TP; the bot then manages the exit. The bot must be running and not paused."
    ),
    "helpdetail.sell": (
        "/sell upbit BTC 0.01 sells on a venue. /sell <bot> [coin] is the bot's forced exit: "
        "its position closed at market through the bot (futures: its SL/TP cancelled first), "
        "which books the trade. Both ask to confirm."
    ),
    "helpdetail.report": (
        "PnL and trades per bot, balances and equity, the day's kimchi premium and alerts, "
        "stream uptime and incidents, with a chart. It is also sent every day at "
        "DAILY_REPORT_TIME."
    ),
    "helpdetail.kimp": (
        "Without a coin: BTC/ETH/XRP, the tether premium, the FX rate and its age, and the top "
        "and bottom coins. With a coin: every leg with its age, the three premiums, the "
        "executable premium after fees and the alert state."
        " With net: coins ranked by the premium left after the transfer (route, withdrawal "
        "fee, order-book depth) on KIMP_KRW_VENUE, or on the venue named (net bithumb); a "
        "coin's detail (/kimp <coin>, /kimp bithumb <coin>) shows each direction's route."
        " With upbit or bithumb (and a coin): that KRW venue's table or the coin there "
        "(without: KIMP_KRW_VENUE's). With spread: "
        "the Upbit–Bithumb spread per coin, the dearer venue and the net after both taker fees; "
        "spread <coin>: both books and each direction."
    ),
    "helpdetail.kimpalert": (
        "Names: high, low, margin, duration, cooldown, step, jump, window, implausible, digest, "
        "tetherhigh, tetherlow, spreadhigh, spreadlow. Example: /kimpalert high 4 sets the premium alert to +4 %. "
        "Changes are kept across restarts; /kimpalert reset goes back to the settings. "
        "Per coin: /kimpalert XRP high 5 gives XRP its own high threshold, /kimpalert XRP reset "
        "goes back to the global ones."
    ),
    # --- command layer: bad arguments --------------------------------------------------------
    "arg.no_args": "/{command} takes no arguments.",
    "arg.one_number": "Give at most one number ({what}), e.g. /{command} 10.",
    "arg.not_int": "'{raw}' is not a whole number: give {what} like 10.",
    "arg.range": "{what} must be between 1 and {maximum}.",
    "arg.n": "n",
    "arg.lines": "the number of lines",
    "arg.trades": "the number of trades",
    "arg.days": "the number of days",
    "arg.bad_coin": "'{coin}' is not a coin symbol like BTC.",
    "trading.not_running": "Trading is not running in this service.",
    "trading.unknown_venue": "Unknown venue '{venue}': use upbit, binance or futures{also}.",
    "trading.or_bot": ", or a bot: {names}",
    "trading.order_args": "Give the venue, the coin and a size, e.g. {example} (or a bot: {bot_form}).",
    "trading.not_number": "'{raw}' is not a number (e.g. 0.01 or 50000{quote}).",
    "trading.size_positive": "The size must be a positive number.",
    "trading.orders_args": "Use /orders (open orders) or /orders all (recent orders).",
    "trading.sell_qty": "Give the quantity of the coin to sell, e.g. /sell upbit BTC 0.01.",
    "trading.cancel_args": "Give the order id from /orders.",
    "trading.no_order": "There is no order {id}. See /orders.",
    "trading.killswitch_args": (
        "Use /killswitch, /killswitch cancel or /killswitch off (or /killswitch flatten to also "
        "close every position at market)."
    ),
    "forced.buy_args": "Give at most a coin and an amount, e.g. {example}.",
    "forced.not_amount": "'{raw}' is not an amount in {quote}, e.g. {example}.",
    "forced.amount_positive": "The amount must be a positive number of {quote}.",
    "forced.sell_args": "Give at most the coin, e.g. /sell {bot} {coin}.",
    "bots.not_running": "Strategy bots are not running in this service.",
    "bots.which": "Which bot? Give a name or 'all'. Bots: {listing}.",
    "bots.none_define": "none (define them in the bots file)",
    "bots.one_name": "/{command} takes one bot name (or 'all').",
    "bots.none_defined_all": "There are no bots defined (see bots.example.toml).",
    "bots.no_such": "There is no bot '{name}'. Bots: {listing}.",
    "bots.none_defined": "none defined",
    "kimpcmd.not_running": "The kimp monitor is not running in this service.",
    "kimpcmd.bad_coin": "'{raw}' is not a coin ticker: give one like BTC.",
    "kimpcmd.one_coin": "Give one coin, e.g. /{command} BTC.",
    "kimpcmd.not_listed": (
        "{coin} is not listed both as Upbit KRW-{coin} and Binance {coin}USDT "
        "(or it is on the denylist). /kimp shows the tracked coins."
    ),
    "kimpcmd.which_coin": "Which coin? For example /kimpchart BTC (or USDT for tether).",
    "kimpcmd.not_tracked": "{coin} is not a tracked coin. /kimp shows them.",
    "kimpcmd.reset_args": "/kimpalert reset takes nothing after it.",
    "kimpcmd.name_value": "Give a name and a value, e.g. /kimpalert high 4",
    "kimpcmd.unknown_name": "Unknown threshold '{name}'. Names: {names}.",
    "kimpcmd.not_number": "'{raw}' is not a number.",
    "kimpcmd.not_finite": "The value must be a finite number.",
    "kimpcmd.digest": "digest must be a whole number of coins, 1 or more.",
    "kimpcmd.not_changed": "Not changed: {error}.",
    # --- command answers: /settings, /logs ------------------------------------------
    "settings.title": "Settings",
    "status.mode_live": "LIVE ⚠️",
    "status.mode_paper": "paper",
    "status.mode": "Mode: {mode} · up {up} · v{version}",
    "status.streams": "Streams:",
    "status.no_streams": "  none running",
    "status.components": "Components:",
    "status.restarts": ", {n} restarts, last: {error}",
    "status.bots": "Bots",
    "status.positions": "Positions",
    "status.kimp": "Kimp",
    "status.pending": "Notifications waiting to be delivered: {n}",
    "logs.none": "No log lines yet.",
    "logs.title": "Last {n} log lines",
    # --- command answers: trading -------------------------------------------------------------
    "trading.in_orders": " (+{qty} in orders)",
    "trading.total": "Total ≈ {total}",
    "trading.paper_mark": " [paper]",
    "trading.balances": "Balances",
    "trading.no_positions": "No open positions.",
    "trading.position_line": (
        "{venue} {symbol}{lev}: {qty} @ {entry} mark {mark} uPnL {upnl} rPnL {rpnl}"
    ),
    "trading.positions": "Positions",
    "trading.no_open_orders": "No open orders.",
    "trading.no_orders": "No orders yet.",
    "trading.order_filled": " {status} filled {filled}",
    "trading.orders": "Orders",
    "trading.no_trades": "No trades yet.",
    "trading.last_trades": "Last {n} trades",
    "trading.pnl_line": "{day}  {realized:>14}  fees {fees}  {fills} fills",
    "trading.pnl_total": "Total {total} (realised, fees included)",
    "trading.profit_title": "Profit, last {days} days",
    "trading.daily_title": "Daily PnL",
    "trading.weekly_title": "Weekly PnL",
    "trading.monthly_title": "Monthly PnL",
    "trading.refused": "❌ Refused: {reason}",
    "trading.sell_question": "Sell {qty} {symbol} at market on {venue}?",
    "trading.cancelled": "✅ {id} cancelled.",
    "trading.cancel_question": "Cancel order {id}?",
    "trading.kill_off": "Kill switch off: new entries allowed again.",
    "trading.kill_on": "🛑 Kill switch ON: bots stopped, new entries refused.{extra}",
    "trading.kill_cancelled": " {done}/{total} open orders cancelled.",
    "trading.kill_q_off": "Turn the kill switch off?",
    "trading.kill_q_cancel": "Kill switch: stop all bots, refuse entries AND cancel all open orders?",
    "trading.kill_q": "Kill switch: stop all bots and refuse new entries?",
    # --- command answers: /kimp, /kimpchart, /kimpalert -----------------------------------------
    "kimpcmd.title": "Kimchi premium",
    "kimpcmd.tether_title": "Tether",
    "kimpcmd.coin_title": "{coin} premium",
    "kimpcmd.no_price": "{coin}: no price on both venues yet. Try again in a few seconds.",
    "kimpcmd.no_history": "No history for {coin} yet: a sample is stored every minute.",
    "kimpcmd.chart_text": "{coin} premium, last 24 h",
    "kimpcmd.chart_caption": "{coin} premium, 24 h",
    "kimpcmd.thresholds": "Kimp alert thresholds",
    "kimpcmd.reset_done": "Thresholds reset to the settings",
    "kimpcmd.set_done": "Set {name} = {value}",
    "kimpcmd.basis_line": "coin alerts watch the {basis} (KIMP_ALERT_BASIS)",
    "kimpcmd.tether_watch": "tether alerts watch the tether premium (KRW-USDT against USD/KRW)",
    "kimpcmd.head_columns": "coin   USDT kimp   FX kimp",
    "kimpcmd.no_major": "(no BTC/ETH/XRP prices yet)",
    "kimpcmd.top": "Top:    ",
    "kimpcmd.bottom": "Bottom: ",
    "kimpcmd.footer": ("{live}/{universe} common coins priced · alerts on {basis}"),
    "kimpcmd.wallet_footer": "⛔ deposits or withdrawals suspended: /kimp <coin> says which",
    "kimpcmd.tether_na": "Tether premium: n/a (KRW-USDT {krw}, age {age})",
    "kimpcmd.fx_na": "FX: {why}; FX kimp hidden",
    "kimpcmd.tether": "Tether premium: {pct} (KRW-USDT {krw}, age {age})",
    "kimpcmd.fx": "FX: {rate} KRW/USD, age {age}",
    "kimpcmd.d_upbit": "Upbit   {price} (age {age})",
    "kimpcmd.d_binance": "Binance {price} USDT (age {age})",
    "kimpcmd.d_usdt": "KRW-USDT {price} (age {age})",
    "kimpcmd.d_fx": "USD/KRW  {rate} (age {age})",
    "kimpcmd.d_kimps": "USDT kimp {usdt} · FX kimp {fx} · tether {tether}",
    "kimpcmd.d_no_exec": "Executable: n/a (no order book on every leg yet)",
    "kimpcmd.d_exec": "Executable at {size} after fees:",
    "kimpcmd.d_forward": "  buy abroad/sell Upbit {value}",
    "kimpcmd.d_reverse": "  buy Upbit/sell abroad {value}",
    "kimpcmd.d_fits": (
        "  the books fit about {fwd} / {rev}: lower KIMP_EXEC_SIZE_KRW for a figure"
    ),
    "kimpcmd.d_implausible": (
        "⚠ implausible premium: ticker mismatch or halted market? Not alerting."
    ),
    "kimpcmd.d_suspended": "⏸ alerts suspended: {why}",
    "kimpcmd.d_zone": "Alert state: {zone}",
    # --- command answers: /bots, /stop, /report -------------------------------------------------
    "bots.no_bots": "No bots defined. Copy bots.example.toml to your BOTS_FILE and restart.",
    "bots.state.running": "running",
    "bots.state.stopped": "stopped",
    "bots.state.paused": "paused",
    "bots.flat": "flat",
    "bots.line": "{name}: {state} · {strategy} · {venue} {symbols} {timeframe} · {pos} · PnL {pnl}",
    "bots.no_decisions": "No decisions yet.",
    "bots.last_decisions": "\n\nLast decisions (times in {zone}):\n",
    "bots.title_one": "Bot {name}",
    "bots.title": "Bots",
    "bots.stop_question": (
        "Stop {names}? Open positions stay open and nobody will manage them: {held}"
    ),
    "report.no_args": "/report takes no arguments.",
    # --- command answers: a bot's forced entry and exit ---------------------------------------
    "forced.long": "long",
    "forced.short": "short",
    "forced.stake": "stake {amount}{lev}",
    "forced.stake_pct": "stake {pct}% of equity{lev}",
    "forced.on_venue": "on the venue",
    "forced.watched": "watched by the bot",
    "forced.entry": (
        "✅ {bot}: forced entry {symbol} {side} {qty} @ {price} ({stake}) on "
        "{venue}. The bot manages the exit.{brackets}"
    ),
    "forced.sell": "sell",
    "forced.buy_back": "buy back",
    "forced.stays_stopped": " {bot} is stopped and stays stopped.",
    "forced.exit_question": (
        "Force exit: {verb} {bot}'s {symbol} {side} {qty} at market on {venue}? "
        "The bot books the trade.{tail}"
    ),
    "forced.exit": ("✅ {bot}: forced exit {symbol} {qty} @ {price}, PnL {pnl} (fees included)."),
    # kimp (helper B): the parts of a suspension reason the monitor leaves unworded
    "kimp.why.leg": "{venue} {market}",
    "kimp.why.either": "{a}{sep}{b}",
    # streams (helper C): why a market-data stream changed state (exchanges/reasons.py)
    "stream.why.not_connected": "not connected yet",
    "stream.why.connected": "connected",
    "stream.why.refused": "connection refused: HTTP {status}",
    "stream.why.lost": "connection lost: no close frame received or sent",
    "stream.why.closed": "connection closed ({code})",
    "stream.why.closed_why": "connection closed ({code}: {why})",
    "stream.why.timeout": "timed out while connecting",
    "stream.why.cannot_connect": "cannot connect: {error}",
    "stream.why.ended": "the server ended the stream",
    "stream.why.reconnected": "reconnected after: {reason}",
    "stream.why.stale": "stale: no data for {seconds:.1f}s",
    "stream.why.stale_symbols": "stale: no data for {n} symbol(s) ({symbols})",
    "stream.why.lifetime": "planned reconnect after {seconds:.0f}s (venue lifetime limit)",
    "stream.why.watchdog": "watchdog failed: {error}",
    "stream.why.rest_fallback": "websocket down ({why}); prices from REST every {interval:g}s",
    "stream.why.runner": "{name}: {reason}",
    "stream.why.more": "{first}; {rest}",
    "stream.why.rest_stopped": "websocket healthy; REST polling stopped",
    "stream.why.no_data": "no market data from {venue} for {seconds:.0f}s",
    "stream.why.flowing": "data flowing",
    # trading (helper A)
    "order.pnl_krw": "\nPnL {pnl}{pct} (≈ {krw})",
    "reconcile.foreign_at": (
        "{venue}: open order not placed by the bot: {side} {qty} {symbol} {type} @ {price}"
    ),
    # storage faults (notifier)
    "storage.fault": (
        "⚠️ Storage fault: {error}. Notifications are kept in memory until the database can be "
        "written again; free disk space or check the database file."
    ),
    "status.storage_fault": "⚠️ Storage fault: {error}",
    # venue clock (time sync)
    "trading.why.clock": (
        "{venue} refused the request's timestamp: our clock is {seconds} s off; "
        "time re-synchronised, try again."
    ),
    "trading.clock_offset": (
        "⚠️ This server's clock is {seconds} s off {venue}'s. Requests are signed with the "
        "corrected time; fix the server's time sync (NTP)."
    ),
    # bots' positions from the ledger (helper P4): corrections of a bot's book (strategies/book.py)
    "bot.book.flat": "flat",
    "bot.book.held": "{side} {qty}",
    "bot.book.adopted": (
        "⚠️ Bot {bot}: its own record said {was} on {venue} {symbol}, but the order ledger holds "
        "{held} @ {price}. The bot now manages that position (with its own stop-loss / "
        "take-profit)."
    ),
    "bot.book.dropped": (
        "⚠️ Bot {bot}: its own record said {held} on {venue} {symbol}, but the order ledger "
        "holds no such position. The bot dropped it from its book."
    ),
    # risk under concurrency (helper P2)
    "reason.max_positions_in_flight": (
        "{n} positions are open and {k} more are being opened by orders in flight; "
        "the maximum is {max} (MAX_OPEN_POSITIONS)."
    ),
    # storage fault on the order path
    "reason.storage": (
        "the database cannot be written ({error}), so the order was not sent: an order we "
        "cannot record is never placed. Free disk space or check the database file."
    ),
    # numeric arguments (helper P3)
    "arg.bad_amount": "'{raw}' is not a valid amount: give a plain number like 0.01 or 50000.",
    "arg.bad_value": "'{raw}' is not a valid value: give a number between -{limit} and {limit}.",
    # account events from the venue (helper P5)
    "account.liquidated": (
        "🚨 LIQUIDATED on {venue}: {side} {qty} {base} @ {price}{pnl}\nPosition left: {qty_left}"
    ),
    "account.adl": (
        "⚠️ Auto-deleveraged on {venue}: {side} {qty} {base} @ {price}{pnl}\n"
        "Position left: {qty_left}"
    ),
    "account.settled": (
        "⚠️ Settled by {venue} (delisting or delivery): {side} {qty} {base} @ {price}"
        "{pnl}\nPosition left: {qty_left}"
    ),
    "account.position_changed": (
        "⚠️ {venue} {symbol}: position changed outside the bot: ours {ours}, venue {real}. "
        "Adopted the venue's; its PnL is not booked here."
    ),
    # protection and kill switch (helper P1)
    "risk.unprotected": (
        "⚠️ {symbol} futures position was unprotected for {seconds} s: its {what} placed again."
    ),
    "risk.bracket.both": "stop loss and take profit",
    "trading.kill_q_cancel_keep": (
        "Kill switch: stop all bots, refuse new entries and cancel the open orders? "
        "{positions} open futures position(s) stay open with their stop-loss / take-profit "
        "orders: those are not cancelled."
    ),
    "trading.kill_kept": " {kept} protective order(s) of open positions kept.",
    # commands that survive a restart (helper Q1)
    "inbox.stale_ask": "{command} was sent at {at} while the service was down. Run it now?",
    "inbox.interrupted_ask": (
        "{command} (sent at {at}) was interrupted by a restart and may not have run. "
        "Check /orders and /positions. Run it now?"
    ),
    "inbox.stale_ignored": (
        "Ignored: {command} was sent at {at} while the service was down and was not run. "
        "Send it again if you still want it."
    ),
    "inbox.interrupted_ignored": (
        "Ignored: {command} (sent at {at}) was interrupted by a restart and was not run again. "
        "Send it again if you still want it."
    ),
    # freshness: streams behind the venue, balances from a venue that cannot be reached (helper Q2)
    "stream.why.delayed": "delayed: {seconds:.0f} s behind the venue",
    "stream.why.caught_up": "caught up with the venue",
    "trading.balances_unreachable": "⚠️ as of {time}, venue unreachable",
    "trading.balances_old": "⚠️ as of {time}",
    "trading.balances_none": "⚠️ unavailable: venue unreachable",
    "trading.balances_none_why": "⚠️ unavailable: {reason}",
    "trading.balances_failed": "⚠️ as of {time}, not refreshed: {reason}",
    # kill switch: flatten
    "trading.kill_q_flatten": (
        "Kill switch: stop all bots, refuse new entries, cancel every open order AND CLOSE all "
        "{positions} open position(s) at market (futures stop-loss / take-profit included)?"
    ),
    "trading.kill_flattened": " {done}/{total} positions closed at market.",
    "trading.kill_not_closed": "⚠️ {venue} {symbol} NOT closed: {reason}",
    # pre-flight check (doctor): python -m bot doctor, /doctor, the gate before live trading
    "help.doctor": "Pre-flight check: keys, permissions, clocks, modes, balances, stakes",
    "helpdetail.doctor": (
        "Checks each venue's API keys (accepted, trading allowed, withdrawals NOT allowed, this "
        "server's IP allowed), the clocks, the futures position and margin modes, the balances, "
        "whether each bot's stake clears its market's minimum order, and Telegram. Live trading "
        "refuses to start while any line is ❌. The same check: python -m bot doctor"
    ),
    "doctor.title": "🩺 Pre-flight check",
    "doctor.running": "🩺 Running the pre-flight check (this takes a few seconds)…",
    "doctor.area.bots": "Bots",
    "doctor.area.upbit": "Upbit",
    "doctor.area.binance": "Binance spot",
    "doctor.area.binance_futures": "Binance USDⓈ-M futures",
    "doctor.area.telegram": "Telegram",
    "doctor.item.keys": "API keys",
    "doctor.item.ip": "IP allow-list",
    "doctor.item.clock": "Clock",
    "doctor.item.trading": "Trading permission",
    "doctor.item.withdrawals": "Withdrawal permission",
    "doctor.item.position_mode": "Position mode",
    "doctor.item.margin_mode": "Margin mode",
    "doctor.item.balance": "Balance",
    "doctor.item.stake": "Stake",
    "doctor.item.token": "Bot token",
    "doctor.item.chat": "Chat",
    "doctor.item.bots_file": "Bots file",
    "doctor.found.unreachable": "no answer ({error})",
    "doctor.found.unexpected": "unexpected answer (HTTP {status}: {detail})",
    "doctor.found.clock": "{seconds} s from the venue's clock",
    "doctor.found.no_keys": "no keys set: nothing is traded here",
    "doctor.found.keys_needed": "no keys set, but bot(s) {bots} trade here",
    "doctor.found.keys_ok": "accepted",
    "doctor.found.key_expires": "accepted, expires {date} (in {days} days)",
    "doctor.found.binance_refused": "refused: {code} {msg}",
    "doctor.found.upbit_refused": "refused: {name} ({message})",
    "doctor.found.trading_on": "on",
    "doctor.found.trading_off": "OFF: orders will be refused",
    "doctor.found.futures_on": "on",
    "doctor.found.futures_off": "OFF: the key may not trade futures",
    "doctor.found.withdrawals_off": "off",
    "doctor.found.withdrawals_on": "🚨 ON: anyone who gets this key can move your coins out",
    "doctor.found.upbit_withdrawals": "Upbit does not report a key's permissions",
    "doctor.found.ip_restricted": "the key only works from allowed IPs",
    "doctor.found.ip_open": "the key works from ANY IP address",
    "doctor.found.ip_allowed": "this server's IP is allowed",
    "doctor.found.one_way": "one-way",
    "doctor.found.hedge_mode": "hedge mode (dual side): the service assumes one-way positions",
    "doctor.found.margin_ok": "{mode}",
    "doctor.found.margin_other": "{mode} (the service trades {wanted})",
    "doctor.found.balance": "{amount} {asset} available",
    "doctor.found.balance_empty": "no {asset}",
    "doctor.found.stake_ok": "{notional} {quote} per entry, minimum {minimum} {quote}",
    "doctor.found.stake_low": "{notional} {quote} per entry is BELOW the minimum {minimum} {quote}",
    "doctor.found.stake_unknown": "a share of a balance that is unknown (minimum {minimum} {quote})",
    "doctor.found.market_unknown": "{symbol} is not a market on this venue",
    "doctor.found.telegram_off": "TELEGRAM_BOT_TOKEN not set: no alerts or fills on your phone",
    "doctor.found.telegram_token": "Telegram refused the token",
    "doctor.found.telegram_bot": "accepted (@{name})",
    "doctor.found.chat_unset": "TELEGRAM_CHAT_ID not set",
    "doctor.found.chat_bad": "chat {chat} cannot be reached: {error}",
    "doctor.found.chat_ok": "{chat} ({name})",
    "doctor.found.bots_bad": "cannot be used: {error}",
    "doctor.found.no_bots": "no bots defined in {path}",
    "doctor.found.bots_ok": "{n} bot(s) in {path}",
    "doctor.fix.unreachable": "check the server's internet connection and the *_REST_URL settings",
    "doctor.fix.retry": "try again in a minute; if it persists, check the venue's status page",
    "doctor.fix.ntp": (
        "sync the server's clock (e.g. `sudo timedatectl set-ntp true`, or install chrony)"
    ),
    "doctor.fix.set_keys": "set {names} in .env, or remove those bots",
    "doctor.fix.binance_key": (
        "check BINANCE_API_KEY and BINANCE_API_SECRET (copy them again), and that this server's "
        "IP is on the key's allow-list in Binance → API Management"
    ),
    "doctor.fix.binance_trading": (
        "Binance → API Management → edit the key → tick 'Enable Spot & Margin Trading'"
    ),
    "doctor.fix.binance_futures": (
        "Binance → API Management → edit the key → tick 'Enable Futures' (a key made before the "
        "futures account was opened cannot: create a new one)"
    ),
    "doctor.fix.binance_withdrawals": (
        "NOW: Binance → API Management → edit the key → untick 'Enable Withdrawals'. This bot "
        "never withdraws"
    ),
    "doctor.fix.binance_ip_open": (
        "Binance → API Management → edit the key → 'Restrict access to trusted IPs only' and add "
        "this server's public IP"
    ),
    "doctor.fix.hedge_mode": (
        "Binance Futures → Preferences → Position Mode → One-way Mode (possible only with no "
        "open positions or orders)"
    ),
    "doctor.fix.margin_mode": (
        "the service switches the symbol to {wanted} before its next order; Binance refuses that "
        "while a position or order is open on it: close them, or switch it yourself"
    ),
    "doctor.fix.fund": "deposit {asset} or transfer it to this account",
    "doctor.fix.stake": "raise bot {bot}'s stake to at least {need} {quote} in the bots file",
    "doctor.fix.market_unknown": "correct the symbol in the bots file",
    "doctor.fix.upbit_key": (
        "check UPBIT_ACCESS_KEY and UPBIT_SECRET_KEY (copy them again); an expired or deleted key "
        "must be issued again at Upbit → My Page → Open API Management"
    ),
    "doctor.fix.upbit_ip": (
        "add this server's public IP to the key's allowed IPs at Upbit → My Page → Open API "
        "Management (the address the internet sees, not a local one)"
    ),
    "doctor.fix.upbit_scope": (
        "the key lacks a permission: issue a key with 'View assets', 'View orders' and 'Place "
        "orders'"
    ),
    "doctor.fix.upbit_renew": "issue a new key at Upbit → Open API Management before it expires",
    "doctor.fix.upbit_withdrawals": (
        "make sure 'Withdraw' is NOT ticked for this key at Upbit → Open API Management"
    ),
    "doctor.fix.telegram_off": "set TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID (README, Setting it up)",
    "doctor.fix.telegram_token": "copy the token again from @BotFather into TELEGRAM_BOT_TOKEN",
    "doctor.fix.telegram_unreachable": (
        "check the server's internet connection and TELEGRAM_API_URL"
    ),
    "doctor.fix.chat": (
        "send /start to your bot, then set TELEGRAM_CHAT_ID to your user id (or the group's id)"
    ),
    "doctor.fix.bots_bad": "fix the bots file as the message says",
    "doctor.summary_ok": "✅ All clear: ready for live trading.",
    "doctor.summary_warn": "⚠️ {warns} warning(s): live trading may start, but fix them.",
    "doctor.summary_fail": (
        "❌ {fails} problem(s), {warns} warning(s): live trading refuses to start until every ❌ "
        "is fixed."
    ),
    "doctor.live_refused": (
        "⛔ LIVE TRADING REFUSED: the pre-flight check found {fails} problem(s). No orders will "
        "be sent. Fix them, check with /doctor, then restart the service."
    ),
    "trading.live_refused": (
        "⛔ LIVE mode, but live trading was REFUSED by the pre-flight check: every order will be "
        "refused. /doctor says what to fix."
    ),
    "doctor.found.crashed": "the check itself failed ({error})",
    "doctor.fix.margin_auto": "the service switches it to {wanted} before its first order there",
    "doctor.fix.binance_ip": (
        "add {ip} (the address Binance saw) to the key's allow-list in Binance → API Management "
        "→ edit the key → 'Restrict access to trusted IPs only'; if it is already there, check "
        "the key and secret"
    ),
    # futures bracket failure policy (trading/bracket_policy.py)
    "bracket.why.rejected": "was rejected by the venue when it triggered",
    "bracket.why.expired": "was expired by the venue",
    "bracket.why.stuck": "triggered but never became an order (stuck in TRIGGERING)",
    "bracket.why.no_order": "was reported finished by the venue with no order behind it",
    "bracket.why.refused": "was refused: {reason}",
    "bracket.why.no_average": "the entry's fill price is unknown, so the levels cannot be set",
    "bracket.failed_replacing": (
        "⚠️ {symbol} futures: your {what} {why}. The position is unprotected: placing it again."
    ),
    "bracket.failed_alert": (
        "🚨 {symbol} futures: your {what} {why}, again. The position stays open WITHOUT it "
        "(policy {policy}): set a stop or close the position yourself now."
    ),
    "bracket.failed_closing": (
        "🚨 {symbol} futures: your {what} {why}. Closing the position at market (policy {policy})."
    ),
    "bracket.closed": "✅ {symbol} futures position closed at market: its {what} {why}.",
    "bracket.close_failed": (
        "🚨 {symbol} futures position NOT closed ({why}) and open WITHOUT its {what}: close it "
        "yourself now. Trying again at the next protection check."
    ),
    # --- accounting views (bot/commands/accounting.py) over the one trade book ---
    "acct.manual": "manual",
    "acct.none": "–",
    "acct.open": "open",
    "acct.margin": " · margin {margin}",
    "acct.position_line": (
        "#{id} {owner} · {venue} {symbol}{lev}: {qty} @ {entry} · mark {mark} · value {value}"
        " · uPnL {upnl} ({pct}) · realised {rpnl}{margin}{liq}"
    ),
    "acct.trade_line": (
        "#{id} {opened} {owner} · {venue} {symbol} {side} {qty} · {entry} → {exit} · "
        "{pnl} ({pct}) · {state}"
    ),
    "acct.trades_title": "Last {n} trades (times in {tz})",
    "acct.profit_title": "Profit, last {days} days (KRW)",
    "acct.profit_body": (
        "Realised PnL {realized} (closed trades {closed_pnl}; fees included)\n"
        "ROI {roi} · win rate {win_rate} ({wins} won, {losses} lost of {closed})\n"
        "Profit factor {pf}\n"
        "Best coin {best} · worst coin {worst}\n"
        "Average holding time {hold}\n"
        "Max drawdown {dd}\n"
        "Open trades {open}"
    ),
    "acct.unpriced": "\n{n} trade(s) left out: no KRW rate for their currency",
    "acct.hold": "{h}h {m}m",
    "acct.hold_days": "{d}d {h}h",
    "acct.no_closed": "No closed trades in this period.",
    "acct.group_line": "{name}: {trades} trades, {wins} won · {pnl} ({roi})",
    "acct.perf_title": "Performance per coin, last {days} days",
    "acct.stats_title": "Exits per reason, last {days} days",
    "acct.reason.signal": "strategy signal",
    "acct.reason.stop_loss": "stop-loss",
    "acct.reason.take_profit": "take-profit",
    "acct.reason.forced_exit": "forced exit",
    "acct.reason.manual": "manual",
    "acct.reason.liquidation": "liquidation / ADL",
    "acct.reason.other": "closed outside the service",
    "acct.period_line": "{period}  {realized:>14}  fees {fees}  {fills} fills",
    "acct.period_total": "Total {total} (realised, fees included)",
    "acct.daily_title": "PnL per day, last {n} days ({tz})",
    "acct.weekly_title": "PnL per week (Monday first), last {n} weeks ({tz})",
    "acct.monthly_title": "PnL per month, last {n} months ({tz})",
    "arg.weeks": "the number of weeks",
    "arg.months": "the number of months",
    "help.performance": "PnL per coin (closed trades)",
    "help.stats": "Closed trades per exit reason",
    "acct.liq": " · liquidation {price}",
    # freshness: no decision or order on old market data (issue 14)
    "reason.data_none": "No {venue} price for {symbol} has arrived yet: not acting without one.",
    "reason.data_old": (
        "{venue} {symbol}: the newest price is {age} s old (limit {max} s, MAX_DATA_AGE): "
        "not acting on old market data."
    ),
    # /sell on futures with no long position: it opens a short, and says so (issue 14)
    "trading.sell_opens_short": (
        "⚠️ You hold no long {symbol} on {venue}: this sell OPENS A SHORT of {qty} {base} at "
        "{lev}x leverage (you gain if the price falls, lose if it rises). Open the short?"
    ),
    "trading.sell_adds_short": (
        "⚠️ You are already short {short} {base} on {venue}: this sell ADDS {qty} {base} to the "
        "short at {lev}x leverage. Increase the short?"
    ),
    # /kimp: a suspended figure carries its age (issue 14)
    "kimpcmd.figure_age": "{age} old",
    # start-up: which venues actually deliver market data (issue 14)
    "startup.market_partial": "Market data: live from {live}; still connecting to {trying}",
    "startup.offline": (
        "⚠️ No market data: none of {venues} answered within {secs} s. No network? The service "
        "keeps trying. To try the bot without internet, run the offline demo: ./dev run --sim"
    ),
    # /balance: what the total leaves out (issue 14)
    "trading.total_unpriced": "⚠️ not in the total (no KRW price now): {assets}",
    # the report's premium, labelled with its basis (issue 14)
    "report_kimp_on": "Kimchi premium (BTC, {basis}, as the alerts use)",
    "status.private_streams": "Private streams (order and balance updates):",
    "status.private_up": "{venue}: up",
    "status.private_down": "{venue}: down ({reason}) · polling in use",
    # streams delayed behind the venue, told to the user (bot/notify/stream_delay.py)
    "stream.delay_notice": (
        "🟠 {venue} market data is delayed: {seconds:.0f} s behind the venue. New entries on "
        "{venue} are refused until it catches up."
    ),
    "stream.caught_up_notice": (
        "🟢 {venue} market data has caught up with the venue (it was up to {seconds:.0f} s "
        "behind for about {minutes} min)."
    ),
    # positions closed at the venue while the account stream was down (trading/reconcile.py)
    "account.outside": (
        "⚠️ Closed on {venue} outside the bot, seen afterwards (liquidation, ADL or a close by "
        "hand): {side} {qty} {base} @ {price}{pnl}\nPosition left: {qty_left}"
    ),
    "account.outside_estimated": (
        "⚠️ Closed on {venue} outside the bot, seen afterwards; the venue's trades could not be "
        "read, so this is ESTIMATED at the last price: {side} {qty} {base} @ ~{price}"
        "{pnl} (estimated)\nPosition left: {qty_left}"
    ),
    # button presses left unanswered by a restart (bot/telegram/inbox.py)
    "inbox.button_expired": (
        "⌛ A button you pressed was not handled before the service restarted. It has expired "
        "and nothing was run: send the command again if you still want it."
    ),
    "inbox.button_interrupted": (
        "⌛ A button you pressed was interrupted by a restart while it was being handled and "
        "was not run again. Check /orders and /positions, then send the command again if "
        "needed."
    ),
    "trading.mode_paper": "PAPER",
    "trading.mode_live": "LIVE",
    "trading.status_mode": "mode: {mode}",
    "trading.status_position": "{venue} {symbol}: {qty}",
    "trading.trade_line": "{day} {venue} {side} {qty} {symbol} @ {price} fee {fee} PnL {pnl}",
    "trading.futures_size": "Give the size of a futures entry, e.g. /buy futures BTC 0.01.",
    "trading.close_qty": "Give the quantity of {base} to close, e.g. {example}.",
    "unit.seconds": "{n}s",
    "unit.minutes": "{n}m",
    "unit.hours": "{n}h",
    "unit.days": "{n}d",
    "unit.ago": "{age} ago",
    "kimpcmd.flag_implausible": " ⚠implausible",
    "signalaction.enter_long": "enter long",
    "signalaction.enter_short": "enter short",
    "signalaction.exit": "exit",
    "list": "{items}",
    "bot.no_such": "There is no bot '{name}'. Bots: {known}.",
    "bot.strategy_missing": "Bot {name}: strategy '{strategy}' is not available.",
    "bot.already_running": "Bot {name} is already running.",
    "bot.started": "Bot {name} started: {strategy} on {venue} {symbols} {timeframe}.",
    "bot.was_not_running": "Bot {name} was not running.",
    "bot.still_holds": " It still holds {held}; /sell {name} closes them.",
    "bot.stopped": "Bot {name} stopped.{tail}",
    "bot.paused": "Bot {name} paused: it keeps its indicators up to date but takes no signals.",
    "bot.resumed": "Bot {name} resumed.",
    "bot.position": "{symbol} {held}",
    "bot.which_coin": "Bot {name} trades {listing}: give the coin, e.g. {example}.",
    "bot.not_traded": "Bot {name} does not trade {coin}: it trades {listing}.",
    "bot.start_first": "Bot {name} is not running: /start {name} first, so that it manages the position.",
    "bot.resume_first": "Bot {name} is paused (no new entries): /resume {name} first.",
    "bot.holds_nothing": "Bot {name} holds no position.",
    "bot.holds_no_symbol": "Bot {name} holds no {symbol} position.",
    "bot.already_holds": "Bot {name} already holds {symbol} ({held}): one position per symbol.",
    "bot.position_limit": "Bot {name} is at its position limit ({limit}).",
    "bot.status_line": "{name}: {state}, {strategy} {symbols} {timeframe}, {pos}",
    "componentstate.starting": "starting",
    "componentstate.running": "running",
    "componentstate.restarting": "restarting",
    "componentstate.stopped": "stopped",
    "componentstate.failed": "failed",
    "kimp.zone.normal": "normal",
    "kimp.zone.high": "high",
    "kimp.zone.low": "low",
    "kimp.zone_step": " (step {level})",
    "kimp.zone_waiting": ", waiting: {pending} since {secs}s",
    "kimp.zone": "{zone}{step}{waiting}",
    "kimp.status_counts": "{coins} coins, {priced} priced, {updates} updates, {sent} alerts sent",
    "kimp.status_fx": "FX {rate} KRW/USD",
    "kimp.status_no_fx": "FX unavailable",
    "kimp.status_suspended": "alerts suspended for {n}: {coins}",
    "kimp.status_universe": "universe refresh failing: {error}",
    "wallet.status_off": "wallet gate off (no API keys)",
    "wallet.status_not_fetched": "not fetched yet",
    "wallet.status_venue_none": "{venue}: {why}",
    "wallet.status_too_old": ", too old to use",
    "wallet.status_failed": "; last refresh failed: {error}",
    "wallet.status_venue": "{venue}: {blocked} coins suspended ({secs}s ago){old}{failed}",
    "wallet.status": "wallet gate: {parts}",
    "md.rest_fallback": " — REST fallback",
    "md.rest_fallback_silent": " — REST fallback not answering",
    "md.health.live": "live",
    "md.health.delayed": "delayed",
    "md.health.stale": "stale",
    "md.venue": "{venue}: {health}{mode}",
    "md.ago": "{secs}s ago",
    "md.never": "never",
    "md.state.connecting": "connecting",
    "md.state.delayed": "delayed ({secs} s behind the venue)",
    "md.why": " ({reason})",
    "md.connection": "  {name}: {state}, last data {age}, {frames} frames, {reconnects} reconnects{why}",
    "md.quiet": "    quiet (resubscribed, no data since): {symbols}",
    "md.bad_input": "  bad input: {counts}",
    "md.candles": "Candles: {closed} closed, {repaired} repaired from REST, {unverified} unverified, {waiting} waiting",
    "kimpcmd.unit.%": "%",
    "kimpcmd.unit.pp": "pp",
    "kimpcmd.unit.s": "s",
    "kimpcmd.unit.coins": " coins",
    "reason.price_below_tick": "The price {price} is below the smallest price unit.",
    "reason.price_min": "The price {price} is below the minimum {min}.",
    "reason.price_max": "The price {price} is above the maximum {max}.",
    "note.price_rounded": "price rounded {asked} -> {to} (tick {tick})",
    "note.qty_rounded": "quantity rounded {asked} -> {to} {base}",
    "trading.result": "✅ {mode}{side} {symbol}: {status} (id {id}){notes}",
    "wallet.status_and": "{first} · {then}",
    "wallet.venue.upbit": "Upbit",
    "wallet.venue.binance": "Binance",
    "wallet.venue.binance_futures": "Binance",
    "cancel.no_order": "There is no order {id}. See /orders.",
    "cancel.already": "The order is already {status}.",
    "cancel.no_venue": "{venue} is not configured.",
    "cancel.failed": "Cancel failed: {why}",
    "cancel.failed_retry": "Cancel failed: {why}. Try again.",
    "paper.no_price": "No market price for {symbol} on {venue} yet (paper).",
    # charts: console files, report chart, kimp chart, backtest chart (issue 14, pictures)
    "console.chart_saved": "📈 Chart saved: {path}",
    "console.chart_not_saved": "⚠️ The chart could not be saved ({reason}).",
    "chart.time_axis": "Time ({zone})",
    "chart.report.premium_title": "BTC kimchi premium ({basis}), 24 h until {until} {zone}",
    "chart.report.premium_axis": "Premium (%)",
    "chart.report.premium_empty": "No premium samples in this period",
    "chart.report.pnl_title": "Cumulative realised PnL in {currency}",
    "chart.report.pnl_axis": "PnL ({currency})",
    "chart.report.pnl_empty": "No realised PnL in this period",
    "chart.kimp.title": "{coin} premium, last 24 h ({zone})",
    "chart.kimp.axis": "Premium (%)",
    "chart.kimp.usdt": "USDT kimp",
    "chart.kimp.fx": "FX kimp",
    "chart.kimp.tether": "Tether premium",
    "chart.backtest.title": "{bot} backtest: equity in {currency}",
    "chart.backtest.equity_axis": "Equity ({currency})",
    "chart.backtest.drawdown_axis": "Drawdown (%)",
    "chart.backtest.entry": "Entry",
    "chart.backtest.exit": "Exit",
    "chart.backtest.time_axis": "Time (UTC)",
    "version.line": "kimp-bot {version} · database schema {schema}",
    "help.backup": "Back up the database now",
    "ops.off": "Operations are not running in this service.",
    "ops.db_size": "Database: {size} on disk ({free} free for reuse)",
    "ops.backup_none": "Last backup: none yet",
    "ops.backup_last": "Last backup: {name}, {age} ago",
    "ops.backup_done": "Backup written: {name} ({size}). The newest {keep} are kept in {folder}.",
    "ops.backup_failed": "Backup failed: {error}",
    "ops.never": "none yet",
    "ops.alive": "💓 Still alive: up {up}, database {size}, last backup {backup}",
    "ops.hb.off": "Heartbeat: off (set HEARTBEAT_URL to be told when the service dies)",
    "ops.hb.waiting": "Heartbeat: no ping sent yet",
    "ops.hb.ok": "Heartbeat: ok, last ping {age} ago ({n} sent)",
    "ops.hb.held": "Heartbeat: held back, {why}",
    "ops.hb.failing": "Heartbeat: the ping fails ({error})",
    "ops.hb.stream_down": "stream {name} down for {age}",
    "ops.hb.notifier_down": "the notifier is {name}",
    # per-coin kimp alerting and futures context (issue 15)
    "help.watch": "Watch coins for kimp alerts (once the list has coins, only they alert)",
    "help.unwatch": "Take coins off the kimp watchlist",
    "help.kimpmute": "Mute one coin's kimp alerts for a while",
    "helpdetail.watch": (
        "Without a coin: the watchlist. With coins: adds them. While the list is empty every "
        "coin above the volume floor (KIMP_MIN_VOLUME_KRW) alerts; BTC and the tether premium "
        "always do."
    ),
    "helpdetail.kimpmute": (
        "The buttons under a coin alert run it. The coin's state still follows the premium; "
        "nothing about it is sent until the mute ends. Kept across restarts."
    ),
    "kimp.btn.mute_hour": "🔕 1 h",
    "kimp.btn.mute_today": "🔕 today",
    "kimp.btn.chart": "📈 chart",
    "watch.funding": "Perpetual: funding {rate}, next at {next}, mark {mark} ({age} ago)",
    "watch.funding_short": " · funding {rate} at {next}",
    "watch.no_funding": "Perpetual: no mark price or funding received (not listed on Binance USDⓈ-M, or futures off)",
    "watch.levels_own": "Own alert levels: high {high}%, low {low}%",
    "watch.levels_global": "Alert levels (global): high {high}%, low {low}%",
    "watch.on_list": "On the watchlist",
    "watch.off_list": "Not on the watchlist: no alerts for it (/watch to add)",
    "watch.muted_until": "🔕 Muted until {until}",
    "watch.below_floor": "Below the volume floor (24 h {volume} < {floor}): no alerts",
    "watch.list_empty": "The watchlist is empty: every coin above the volume floor alerts.",
    "watch.list": "Watchlist ({n}): {coins}. Only these coins alert (BTC and the tether premium always do).",
    "watch.added": "👀 Watching {coins}.",
    "watch.added_below_floor": "⚠️ {coins}: 24 h volume below {floor}, no alerts until it is above.",
    "watch.which_coin": "Which coin? Example: {command} XRP",
    "watch.not_on_list": "Not on the watchlist: {coins}. See /watch.",
    "watch.removed": "Stopped watching {coins}.",
    "watch.bad_span": "'{raw}' is not a mute length. Use 30m, 1h, 2d (up to 30 days), today or off.",
    "watch.mute_usage": "Usage: /kimpmute <coin> <1h | 30m | 2d | today | off>",
    "watch.muted": "🔕 {coin} alerts muted until {until}. /kimpmute {coin} off to lift it.",
    "watch.unmuted": "🔔 {coin} alerts are back on.",
    "watch.bad_level": "'{raw}' is not a usable percentage.",
    "watch.alert_usage": "Usage: /kimpalert <coin> [high <pct> | low <pct> | reset]",
    "watch.coin_title": "{coin} kimp alert",
    "kimp.status_rules": "Per coin: {watched} watched, {muted} muted",
    "kimp.status_rules_floor": (
        "Per coin: {watched} watched, {muted} muted, {low} below the volume floor of {floor}"
    ),
    # issue 15: FX from several sources, each rate's own time
    "kimp.why.fx_stale": "FX rate unavailable: the newest ({source}, {when}) is {age} old{why}",
    "kimp.fx_disagree": "FX sources disagree by {pct}%: {source} {rate} vs {other} {other_rate}",
    "kimpcmd.fx_from": "FX: {rate} KRW/USD ({source}, age {age})",
    "kimpcmd.fx_closed": "FX: {rate} KRW/USD ({source}, FX market closed: closing rate, age {age})",
    "kimpcmd.fx_warn": "⚠️ {why}",
    "fx.source.dunamu": "Dunamu",
    "fx.source.yahoo": "Yahoo",
    "fx.source.ecb": "ECB",
    # issue 15: Upbit's own warnings
    "notice.warning": "investment warning",
    "notice.caution": "caution: {cautions}",
    "notice.warning_and_caution": "investment warning; caution: {cautions}",
    "notice.alert.warning_on": "⚠️ {venue} {market}: investment warning issued",
    "notice.alert.warning_off": "✅ {venue} {market}: investment warning lifted",
    "notice.alert.caution_on": "⚠️ {venue} {market}: caution flag {flags}",
    "notice.alert.caution_off": "✅ {venue} {market}: caution flag lifted: {flags}",
    "kimpcmd.flag": "⚠️ Upbit {coin}: {flags}",
    "reason.market_flagged": "no new entry: Upbit flags {symbol} ({flags})",
    # issue 15: listings and delistings
    "listing.new": "🆕 {coin} is now listed on both Upbit (KRW) and Binance (USDT): first premium {pct}% (USDT kimp)",
    "listing.new_no_price": "🆕 {coin} is now listed on both Upbit (KRW) and Binance (USDT); no price yet",
    "listing.gone": "🚫 {coin} is no longer listed on both Upbit (KRW) and Binance (USDT) (gone from the listings at {when})",
    # transfer-aware executable premium (alerts/executable.py, /kimp <coin>, /kimp net)
    "exec.title": "After transfer at {size} (taker fees, withdrawal fee, book depth):",
    "exec.forward": "Binance → Upbit",
    "exec.reverse": "Upbit → Binance",
    "exec.leg": "  {direction}{route}: {value}",
    "exec.route": " via {network} (fee {fee}, min {minimum})",
    "exec.route_no_fee": " via {network} (fee unknown)",
    "exec.unknown": "unknown",
    "exec.why_no_route": "no network open for withdrawal on the sender and deposit on the receiver",
    "exec.why_no_books": "order book not available",
    "exec.why_below_minimum": "the amount bought is below the withdrawal minimum",
    "exec.why_thin": "size exceeds the order-book depth ({leg})",
    "exec.why_depth": "order books could not be read: {error}",
    "exec.note_no_networks": "transfer not counted: wallet status unknown (needs API keys)",
    "exec.note_fee_unknown": "{venue}'s withdrawal fee unknown, not counted",
    "exec.unavailable": "After transfer: unavailable ({why})",
    "kimpcmd.net_title": "Kimp by net executable premium",
    "kimpcmd.net_columns": "coin     B→U net    U→B net",
    "kimpcmd.net_footer": (
        "at {size}, after both taker fees, the cheapest open network's withdrawal fee and "
        "order-book depth; /kimp <coin> shows the route"
    ),
    "kimpcmd.net_empty": "no coins priced yet",
    "kimpcmd.net_note": "*: a transfer cost could not be counted (/kimp <coin> says which)",
    # decision reasons: the bots' gates, risk exits and the built-in strategies' explanations,
    # stored as key + params and worded when read (issue 14)
    "decision.stop_loss": "stop-loss: {change}% <= -{limit}%",
    "decision.take_profit": "take-profit: {change}% >= {limit}%",
    "decision.no_position": "no open position to exit",
    "decision.paused": "bot is paused: no new entries",
    "decision.already_in": "already {side}: one position per symbol",
    "decision.shorts_off": "shorts are off for this bot (`allow_short`)",
    "decision.position_limit": "position limit {limit} reached",
    "decision.low_confidence": "confidence {confidence} < min_confidence {minimum}",
    "decision.cooldown": "cooldown: {left} more candle(s) after the last exit",
    "decision.already_in_any": "already in a position: one position per symbol",
    "decision.low_confidence_any": "confidence below min_confidence",
    "decision.cooldown_any": "cooldown after the last exit",
    "decision.no_next_candle": "no next candle to fill at",
    "decision.exit_signal": "signal",
    "decision.stop_loss_hit": "stop-loss",
    "decision.take_profit_hit": "take-profit",
    "decision.forced_exit": "forced exit (/sell)",
    "decision.forced_entry": "forced entry (/buy)",
    "decision.order_refused": "order layer refused: {reason}",
    "why.combined.exit": "exit: RSI {rsi}, EMA {short}/{mid}, MACD hist {hist}",
    "why.combined.enter": (
        "{side}: EMA {short}/{mid}/{long}, RSI {rsi}, MACD hist {hist}, volatility {vol}%"
    ),
    "why.ema_trend.exit": "trend ended: EMA{fast} {short} crossed EMA{slow} {mid}",
    "why.ema_trend.up": "{names} stacked up: {short} / {mid} / {long}",
    "why.ema_trend.down": "{names} stacked down: {short} / {mid} / {long}",
    "why.cross.back": "{fast} {fa} crossed back over {slow} {sl}",
    "why.cross.above": "{fast} {fa} crossed above {slow} {sl}",
    "why.cross.below": "{fast} {fa} crossed below {slow} {sl}",
    "why.macd.exit": "MACD histogram turned ({hist})",
    "why.macd.above": "MACD {macd} crossed above signal {signal} (hist {hist})",
    "why.macd.below": "MACD {macd} crossed below signal {signal} (hist {hist})",
    "why.rsi.oversold": "RSI{period} {rsi} < {level} (oversold)",
    "why.rsi.overbought": "RSI{period} {rsi} > {level} (overbought)",
    "why.rsi.exit": "RSI{period} {rsi} reached the other side",
    "bots.held_upnl": "{symbol} {side} {qty} (unrealised {upnl})",
    # the backtest's printed report (python -m bot backtest), in LANGUAGE (issue 14)
    "bt.value": "{value}",
    "bt.no_trades": "No trades.",
    "bt.more_trades": "... and {n} more trades",
    "bt.col.entry": "entry ({zone})",
    "bt.col.exit": "exit ({zone})",
    "bt.col.symbol": "symbol",
    "bt.col.side": "side",
    "bt.col.entry_price": "entry",
    "bt.col.exit_price": "exit",
    "bt.col.pnl": "PnL",
    "bt.col.reason": "reason",
    "bt.m.trades": "Trades:          {n}",
    "bt.m.win_rate": "Win rate:        {rate}% ({wins} winners)",
    "bt.m.profit_factor": "Profit factor:   {pf}",
    "bt.m.drawdown": "Max drawdown:    {pct}%",
    "bt.m.fees": "Fees paid:       {fees}",
    "bt.m.start": "Start equity:    {equity}",
    "bt.m.final": "Final equity:    {equity} ({pct}%)",
    "bt.header": (
        "Backtest {bot}: {strategy} on {venue} {symbols} {timeframe}, {start} .. {end}, "
        "{candles} candles, fill {fill} + {slippage} bps, fee {fee}% ({engine} engine, {took} s)"
    ),
    "bt.open_at_end": "Open at the end (not counted as trades): {n}",
    "bt.equity_png": "Equity curve: {path}",
    # the executable premium's "cannot fill that size" reason in /kimp <coin> (issue 14)
    "kimp.exe.too_big": "size exceeds {where} ({leg})",
    "kimp.exe.top": "top of book",
    "kimp.exe.depth": "order-book depth",
    "kimp.exe.usdt_asks": "Upbit KRW-USDT asks",
    "kimp.exe.usdt_bids": "Upbit KRW-USDT bids",
    "kimp.exe.upbit_asks": "Upbit asks",
    "kimp.exe.upbit_bids": "Upbit bids",
    "kimp.exe.binance_asks": "Binance asks",
    "kimp.exe.binance_bids": "Binance bids",
    # web dashboard (bot/web): the page's words, served by /words/<lang>
    "web.title": "kimp-bot dashboard",
    "web.login": "Log in",
    "web.token": "Web token",
    "web.wrong_token": "Wrong token",
    "web.logout": "Log out",
    "web.kimp": "Kimchi premium",
    "web.filter": "Filter coins",
    "web.coin": "Coin",
    "web.usdt_kimp": "USDT kimp",
    "web.fx_kimp": "FX kimp",
    "web.upbit": "Upbit (KRW)",
    "web.binance": "Binance (USDT)",
    "web.age": "Age (s)",
    "web.chart": "24 h premium",
    "web.positions": "Positions",
    "web.bots": "Bots",
    "web.fills": "Recent fills",
    "web.streams": "Stream health",
    "web.start": "Start",
    "web.stop": "Stop",
    "web.confirm": "{action} bot {bot}?",
    "web.none": "none",
    "web.live": "live",
    "web.offline": "reconnecting…",
    "web.running": "running",
    "web.stopped": "stopped",
    "web.alerts": "Recent kimp alerts",
    "web.equity": "Realised PnL, last 30 days (KRW)",
    "web.forward": "Executable, forward",
    "web.reverse": "Executable, reverse",
    "listing.upbit_only": "🆕 {coin} is now listed on Upbit (KRW); no Binance (USDT) market, so no premium",
    "listing.binance_only": "🆕 {coin} is now listed on Binance (USDT); no Upbit (KRW) market, so no premium",
    "notice.alert.delisting": "📅 {venue} {market}: delisting scheduled on {day} (end of trading support)",
    "notice.delisting": "delisting scheduled on {day}",
    "notice.flags_and_delisting": "{flags}; delisting scheduled on {day}",
    "reason.market_delisting": "no new entry: Upbit ends trading of {symbol} on {day}",
    "kimp.btn.group_hour": "🔕 {n} coins: 1 h",
    "kimp.btn.group_today": "🔕 {n} coins: today",
    "kimp.btn.part_hour": "🔕 {coins} ({n}): 1 h",
    "kimp.btn.part_today": "🔕 {coins} ({n}): today",
    "watch.muted_many": "🔕 Alerts of {coins} muted until {until}. /kimpmute {arg} off to lift it.",
    "exec.cash_route": " + USDT via {network} (fee {fee})",
    "exec.why_no_cash_route": "no USDT network open for withdrawal on the receiver and deposit on the sender",
    "exec.why_cash_below_minimum": "the USDT moved is below its withdrawal minimum",
    "exec.note_no_cash_networks": "USDT transfer not counted: its wallet status unknown",
    "exec.note_cash_fee_unknown": "{venue}'s USDT withdrawal fee unknown, not counted",
    "exec.notes": "{first}; {second}",
    # kimp-hedge bot (issue 16)
    "bot.hedge_not_forced": "{name} is a kimp hedge bot: it opens and closes both legs itself on its premium bands; /buy and /sell do not apply (use /stop or /pause).",
    "hedge.enter_forward": "{basis} kimp {premium}% at or below the entry band {band}%: buy Upbit, short Binance",
    "hedge.enter_reverse": "{basis} kimp {premium}% at or above the reverse band {band}%: sell Upbit, long Binance",
    "hedge.exit_band": "{basis} kimp {premium}% reached the exit band {band}%",
    "hedge.exit_time": "held for the maximum of {hours} h",
    "hedge.paused": "paused: no new hedge",
    "hedge.no_price": "no current price of {coin} on both venues",
    "hedge.not_open": "hedge {hedge} is not open",
    "hedge.not_done": "hedge not done ({outcome}): {reason}",
    "hedge.outcome.opened": "opened",
    "hedge.outcome.closed": "closed",
    "hedge.outcome.unwound": "one leg failed, the other was unwound",
    "hedge.outcome.exposed": "one leg failed and exposure remains",
    "hedge.outcome.refused": "refused",
    "hedge.direction.forward": "Upbit long / Binance short",
    "hedge.direction.reverse": "Upbit sell / Binance long",
    "hedge.bot_opened": "Hedge bot {name} opened {coin} ({direction}), {qty} coins on each leg: {reason}",
    "hedge.bot_closed": "Hedge bot {name} closed {coin}: {reason}",
    "hedge.replay.title": "Kimp hedge replay: {bot} {coin}",
    "hedge.replay.summary": "{minutes} minutes replayed, {trades} hedges closed{open}; PnL {pnl} (fees {fees}, funding {funding}, slippage {slippage})",
    "hedge.replay.still_open": ", one still open",
    "hedge.replay.trade": "{entry} → {exit} {direction}: premium {p0}% → {p1}%, {qty} coins, PnL {pnl}",
    "hedge.replay.no_samples": "No premium samples of {coin} between {start} and {end} (the kimp monitor stores them each minute while it runs).",
    "hedge.chart.equity": "Equity (KRW)",
    "hedge.chart.premium": "Premium (%)",
    "hedge.chart.bands": "entry {entry}% / exit {exit}%",
    "hedge.search.header": "{combos} band combinations; train until {split}, test after it. Best by train PnL:",
    "hedge.search.row": "entry {entry}% exit {exit}% size {size}: train {train_pnl} ({train_n} hedges), test {test_pnl} ({test_n} hedges)",
    "hedge.not_a_hedge_bot": "Bot {name} is not a kimp_hedge bot.",
    "hedge.no_executor": "no two-leg executor is installed (TRADING_MODE=live): hedge refused",
    # --- hedges (trading/hedge, /hedge) ---------------------------------------------------------
    "help.hedge": "Two-leg hedges (Upbit spot against Binance USDⓈ-M): list, detail, open, close",
    "helpdetail.hedge": (
        "/hedge lists open and recent hedges; /hedge <id> shows one with its PnL split into "
        "premium change, slippage, fees and funding. /hedge open <coin> <KRW> [reverse] buys "
        "the coin on Upbit and shorts the same quantity on Binance USDⓈ-M (reverse: sells coins "
        "you hold on Upbit and goes long). /hedge close <id> closes both legs at market. Both "
        "ask to confirm."
    ),
    "hedge.bad_size": "A hedge needs a positive size in KRW and prices on both venues.",
    "hedge.too_small": "{size} is too small for a hedge: both venues need at least {qty}.",
    "hedge.below_min": "a leg of {total} is below the venue's minimum of {min}.",
    "hedge.no_venues": "Hedges need both Upbit and Binance USDⓈ-M configured for trading.",
    "hedge.no_coins": "A reverse hedge sells coins you hold on Upbit: it needs {need}, you hold {held}.",
    "hedge.venue_said": "{why}",
    "hedge.nothing_filled": "neither leg filled.",
    "hedge.mismatch_left": "the legs could not be brought closer (below the venues' minimums)",
    "hedge.unknown": "There is no hedge {id}.",
    "hedge.busy": "Hedge {id} has orders still in flight; try again in a moment.",
    "hedge.not_filled": "the order did not fill ({status}).",
    "hedge.failed_unwound": (
        "⚠️ Hedge {id} ({coin}): the {venue} leg failed: {reason} The other leg was unwound. "
        "Exposure left: {exposure}."
    ),
    "hedge.failed_exposed": (
        "🚨 Hedge {id} ({coin}): the {venue} leg failed: {reason} The other leg is still open. "
        "Exposure left: {exposure}. /hedge close {id} flattens it."
    ),
    "hedge.mismatch": "⚠️ Hedge {id} ({coin}): the legs differ by {qty}: {reason}.",
    "hedge.crashed": "the service stopped between the legs",
    "hedge.repair_failed": "hedge {id}: not repaired ({reason}); check /hedge {id}",
    "hedge.repair_pending": "hedge {id}: an order's outcome is still unknown; repaired once known",
    "hedge.repaired_closed": "hedge {id} ({coin}) was closing: both legs are now closed",
    "hedge.repaired_nothing": "hedge {id} ({coin}): no leg had filled; nothing is open",
    "hedge.repaired_both": "hedge {id} ({coin}): both legs had filled; the hedge is open",
    "hedge.repaired_flattened": (
        "hedge {id} ({coin}): only the {venue} leg had filled; it was flattened (nothing left open)"
    ),
    "hedge.repaired_completed": (
        "hedge {id} ({coin}): the {venue} leg was missing; it was placed, the hedge is open"
    ),
    "hedge.repaired_exposed": "🚨 hedge {id} ({coin}): one-sided, repair failed. Exposure: {exposure}",
    "hedge.repaired_title": "Hedges repaired at start-up:",
    "hedge.spot_gone_note": "the spot leg's coins left the Upbit account",
    "hedge.not_running": "Hedges are not available: trading is not running.",
    "hedge.usage": "Usage: /hedge [id] | /hedge open <coin> <KRW> [reverse] [lev=N] | /hedge close <id> [qty|pct%]",
    "hedge.bad_amount": "Give the size in KRW, e.g. /hedge open BTC 1000000.",
    "hedge.none": "No hedges yet. /hedge open <coin> <KRW> opens one.",
    "hedge.title": "Hedges",
    "hedge.row": "{id} {coin} {direction} · {state} · {qty} · PnL {pnl}",
    "hedge.dir.forward": "Upbit long / futures short",
    "hedge.dir.reverse": "Upbit sold / futures long",
    "hedge.state.opening": "opening",
    "hedge.state.open": "open",
    "hedge.state.closing": "closing",
    "hedge.state.closed": "closed",
    "hedge.state.unwound": "unwound",
    "hedge.state.exposed": "EXPOSED",
    "hedge.state.refused": "refused",
    "hedge.detail_head": "Hedge {id}{bot}: {coin}, {direction}, {state}",
    "hedge.detail_bot": " (bot {bot})",
    "hedge.detail_legs": "Legs: Upbit {spot}, USDⓈ-M {fut}",
    "hedge.detail_premium": "Premium: {open} → {now}",
    "hedge.detail_pnl": "PnL ({kind}): {total}",
    "hedge.detail_split": (
        "  premium change {premium}\n  slippage {slippage}\n  fees −{fees}\n  funding {funding}"
    ),
    "hedge.realized": "realised",
    "hedge.unrealized": "open, at current prices",
    "hedge.detail_orders": "Orders: {orders}",
    "hedge.detail_note": "Note: {note}",
    "hedge.open_question": (
        "Open a hedge on {coin}: {direction}, about {size} on Upbit and the same quantity on "
        "Binance USDⓈ-M at {lev}x?"
    ),
    "hedge.close_question": "Close hedge {id} ({coin}): both legs at market?",
    "hedge.opened": "✅ Hedge {id} open: {spot} on Upbit at {spot_price}, {fut} on USDⓈ-M at {fut_price}.",
    "hedge.closed": "✅ Hedge {id} closed. PnL {pnl}.",
    "hedge.refused": "❌ Hedge not opened: {reason}",
    "hedge.close_refused": "❌ Hedge {id} not closed: {reason}",
    "hedge.outcome_unwound": "⚠️ Hedge {id}: {reason} The other leg was unwound; nothing is left open.",
    "hedge.outcome_exposed": "🚨 Hedge {id}: {reason} Exposure left: {exposure}. See /hedge {id}.",
    "hedge.positions_title": "Hedges (both legs, shown above per venue):",
    "hedge.positions_row": "  {id} {coin} {qty} · premium {premium} · PnL {pnl}",
    "hedge.profit_line": "Hedges: {pnl} realised on {n} closed, {open} open",
    "hedge.report_line": "Hedges: {closed} closed ({pnl}), {open} open",
    "hedge.outcome_unknown": (
        "the venue has not answered for order(s) {ids}: the hedge is completed or flattened as "
        "soon as their outcome is known."
    ),
    "hedge.repaired_later": "Hedges repaired once their orders' outcome was known:",
    "hedge.fut_shared": (
        "the {coin} USDⓈ-M position already holds {qty} outside hedges; a hedge leg would be "
        "netted into it (and its stop-loss). Close it first."
    ),
    "hedge.spot_gone": (
        "🚨 Hedge {id} ({coin}): the spot coins are gone from Upbit (held {held}): the futures "
        "leg is no longer hedged. {action}"
    ),
    "hedge.fut_gone": (
        "🚨 Hedge {id} ({coin}): its USDⓈ-M position is gone (closed outside the hedge or "
        "liquidated): the spot leg is no longer hedged. {action}"
    ),
    "hedge.fut_gone_note": "the futures leg was closed outside the hedge (by hand or liquidated)",
    "hedge.both_gone": "Hedge {id} ({coin}): both legs were closed outside the hedge; it is closed.",
    "hedge.closed_outside": "both legs were closed outside the hedge",
    "hedge.kept": "The other leg is kept (HEDGE_FAILURE_POLICY=alert): /hedge close {id} flattens it.",
    "hedge.flattened": "The {venue} leg was flattened.",
    "hedge.partial_close": "A hedge that is not open (exposed, opening or closing) closes whole: close it without a quantity.",
    "hedge.repaired_flat": "hedge {id} ({coin}): its legs had already been flattened; nothing is open",
    "hedge.unknown_told": "⚠️ Hedge {id} ({coin}): {reason} Exposure meanwhile: {exposure}.",
    # --- issue 18: premiums across both KRW venues, the Upbit–Bithumb spread ------------------
    "name.bithumb": "Bithumb",
    "kimp.venue_label": "{coin} ({venue})",
    "kimp.spread_label": "{coin} {a}–{b} spread",
    "kimp.basis.spread": "{a} over {b}",
    "kimp.spread.enter_high": "🔺 {prefix}{label} {value}: reached the {threshold}% alert level",
    "kimp.spread.enter_low": "🔻 {prefix}{label} {value}: reached the {threshold}% alert level",
    "kimp.spread.escalate_high": "⏫ {prefix}{label} {value}: past {threshold}% (step {level})",
    "kimp.spread.escalate_low": "⏬ {prefix}{label} {value}: past {threshold}% (step {level})",
    "kimp.spread.normal": "✅ {prefix}{label} back to normal: {value}",
    "kimp.spread.jump": "⚡ {prefix}{label} moved {detail}; now {value}",
    "spread.thin_asks": "the cheaper venue's asks are too thin for the size",
    "spread.thin_bids": "the dearer venue's bids are too thin for the size",
    "kimpcmd.venue_title": "Kimchi premium · {venue}",
    "kimpcmd.venue_off": "{venue} is not watched by this service.",
    "kimpcmd.venue_args": "Use /kimp {venue} or /kimp {venue} <coin>.",
    "kimpcmd.spread_title": "{a}–{b} spread",
    "kimpcmd.spread_coin_title": "{coin}: {a}–{b} spread",
    "kimpcmd.spread_columns": "coin    spread   dearer    net",
    "kimpcmd.spread_none": "(no coin priced on both {a} and {b} yet)",
    "kimpcmd.spread_footer": (
        "{n} coins on both venues · spread = {a} over {b} · net: buy where cheaper, sell where "
        "dearer, {size} after both taker fees (coin transfer not counted) · alerts at "
        "{high}% / {low}%"
    ),
    "kimpcmd.spread_side": "{venue}  {price} (bid {bid} / ask {ask}, age {age})",
    "kimpcmd.spread_side_nobook": "{venue}  {price} (no order book yet, age {age})",
    "kimpcmd.spread_value": "Spread {pct}: {dearer} dearer",
    "kimpcmd.spread_even": "Spread {pct}: no difference",
    "kimpcmd.spread_exec": "Executable at {size} after both taker fees:",
    "kimpcmd.spread_round": "  buy {buy}, sell {sell}: {value}",
    "kimpcmd.spread_no_exec": "Executable: n/a (no order book on both venues yet)",
    "kimpcmd.spread_no_coin": "{coin} is not priced on both {a} and {b} yet.",
    "kimpcmd.spread_args": "Use {cmd} or {cmd} <coin>.",
    "kimpcmd.venue_coin_title": "{coin} premium · {venue}",
    "kimpcmd.v_price": "{venue}  {price} (age {age})",
    "kimpcmd.v_forward": "  buy abroad/sell {venue} {value}",
    "kimpcmd.v_reverse": "  buy {venue}/sell abroad {value}",
    "kimpcmd.v_no_price": "{coin}: no {venue} premium yet (not listed there, or no price yet).",
    "reason.min_total_bithumb": "The order total {total} is below Bithumb's minimum of {min}.",
    "wallet.venue.bithumb": "Bithumb",
    "notify.resent": "(resent: the first send got no answer from Telegram, it may have arrived twice)",
    "reason.position_gone": "The {symbol} futures position was closed meanwhile (another exit got there first); nothing was sent.",
    "account.outside_opened": (
        "⚠️ Position changed on {venue} outside the bot (another app or the web UI), seen "
        "afterwards: {side} {qty} {base} @ {price}\nPosition now: {qty_left}"
    ),
    "account.outside_estimated_opened": (
        "⚠️ Position changed on {venue} outside the bot, seen afterwards; the venue's trades "
        "could not be read, so this is ESTIMATED at the last price: {side} {qty} {base} @ "
        "~{price} (estimated)\nPosition now: {qty_left}"
    ),
    "stopwatch.unwatched": (
        "⚠️ Stop-loss NOT WATCHED: bot {bot}'s {venue} {symbol} position has a -{pct}% "
        "stop-loss held by this service, not by the venue, and {why}. It will not fire until "
        "this is resolved."
    ),
    "stopwatch.watched": (
        "🟢 Stop-loss watched again: bot {bot}'s {venue} {symbol} (it was not watched for {seconds} s)."
    ),
    "stopwatch.why.bot_stopped": "the bot is stopped",
    "stopwatch.why.no_data": "{venue} market data is not current (stream down or delayed)",
    "acct.service_stop": " · stop -{pct}% held by the service, not the venue",
    "stopwatch.service_down": (
        "⚠️ While this service was down (about {seconds} s), bot {bot}'s {venue} {symbol} "
        "-{pct}% stop-loss was NOT WATCHED: it is held by the service, not by the venue. "
        "Check the position."
    ),
    "notice.state.preview": "preview: deposits only, not tradable yet",
    "notice.state.active": "trading",
    "notice.state.delisted": "delisted",
    "notice.state_and": "{state}; {rest}",
    "reason.market_not_trading": "{venue} {symbol} is not trading now ({state}); nothing was sent",
    "notice.alert.trading_open": "🔔 {venue} {market}: trading opened (it was deposits only); first premium {pct}% (USDT kimp)",
    "notice.alert.trading_open_no_price": "🔔 {venue} {market}: trading opened (it was deposits only); no premium yet",
    "notice.alert.group": "⚠️ {venue}: warning/caution flags changed on {n} coin(s)\n{lines}",
    "report_quiet_listings": "  🆕 new on {venue} only, not announced (KIMP_ONE_VENUE_LISTINGS): {n} ({coins})",
    "acct.venue_stop": " · stop -{pct}% on the venue (STOP_LOSS order)",
    "trading.bad_stop": "'{raw}' is not a stop-loss: use sl=<price> or sl=<percent>%, e.g. sl=58000 or sl=3%.",
    "trading.stop_venue": "A stop-loss on the venue is only placed on Binance spot buys; {venue} has none (Upbit has no stop orders; a futures stop comes with a bot's entry).",
    "restore.no_file": "no file at {path}: give the path of a backup (BACKUP_DIR/bot-*.sqlite3)",
    "restore.not_a_file": "{path} is not a file: give the path of a backup file",
    "restore.empty": "{path} is empty: it is not a backup",
    "restore.damaged": "{path} is damaged ({detail}): take an older backup",
    "restore.newer": "{path} is at schema version {version}, newer than this program ({latest}): upgrade the program first, then restore",
    "restore.no_version": "{path} is a SQLite file without a schema version: not this service's database. Give a backup written by `{cmd}` or /backup",
    "restore.not_ours": "{path} is a SQLite file but not this service's database (missing: {missing}): give a backup written by `{cmd}` or /backup",
    "restore.not_sqlite": "{path} is not a SQLite database ({detail}): give a backup file",
    "restore.unreadable": "cannot read {path}: {detail}",
    "restore.is_database": "{path} is the database itself: give a backup file",
    "restore.locked": "{detail} The service must be stopped to restore.",
    "restore.copy_damaged": "the copy of {path} failed its integrity check ({detail})",
    "restore.copy_failed": "cannot copy {path}: {detail}",
    "restore.cannot_write": "cannot write in {folder}: {detail}. The current database was left as it was.",
    "restore.aside_exists": "{path} already exists: wait a second and run restore again",
    "backup.no_folder": "cannot create the backup folder {folder}: {detail}",
    "backup.copy_damaged": "the copy failed its integrity check ({detail})",
    "backup.copy_failed": "cannot back up {path}: {detail}",
    "backup.cannot_write": "cannot write the backup in {folder}: {detail}",
    "cli.restore.refused": "restore refused: {reason}",
    "cli.restore.done": "restored {path} (schema version {schema}; {counts}) as {db}",
    "cli.restore.count": "{n} {table}",
    "cli.restore.kept": "the previous database file was kept as {path}",
    "cli.restore.no_previous": "there was no database before",
    "cli.restore.upgrade": "the service upgrades it to schema version {latest} when it starts",
    "cli.restore.start": "start the service now (e.g. {cmd})",
    "cli.backup.no_db": "no database at {path}: check DB_PATH",
    "cli.backup.failed": "backup failed: {reason}",
    "cli.backup.written": "backup written: {path}",
    "cli.help.description": "{cmd}: run the service. {help} lists the sub-commands.",
    "cli.help.help": "show this help and exit",
    "cli.help.env_file": "settings file (default: .env)",
    "cli.help.sim": "offline demo: run against the built-in exchange simulator (no keys, no internet)",
    "cli.help.version": "show the program's and the database schema's version and exit",
    "cli.help.run": "run the service (the default)",
    "cli.help.doctor": "pre-flight check of keys, permissions, clocks, modes, balances, stakes and Telegram; exit code 0 when nothing is ❌, else 1",
    "cli.help.backup": "back up the database now (safe while the service runs) into BACKUP_DIR, keeping the newest BACKUP_KEEP",
    "cli.help.restore": "install a backup as the database (the service must be stopped); the current database is renamed aside, never deleted",
    "cli.help.restore_file": "the backup, e.g. {example}",
    "cli.help.backtest": "backtest a bot: {cmd}",
    "cli.help.hedge_replay": "replay a kimp_hedge bot on the stored premium history: {cmd}",
    "cli.help.hedge_search": "search a kimp_hedge bot's bands on the stored premium history: {cmd}",
    "bt.help.description": "Backtest a bot from the bots file over stored or CSV candles (UTC days).",
    "bt.help.bot": "bot name from the bots file",
    "bt.help.from": "first day (UTC)",
    "bt.help.to": "last day (UTC), inclusive",
    "bt.help.csv": "candles CSV instead of the database",
    "bt.help.db": "SQLite database (default: DB_PATH)",
    "bt.help.png": "write the equity curve here",
    "bt.help.bots": "bots file (default: BOTS_FILE)",
    "bt.help.symbol": "only this symbol of the bot, e.g. BTC/KRW",
    "bt.help.equity": "start equity (default: the paper balance)",
    "bt.help.fill": "fill price: the candle's close or the next candle's open",
    "bt.help.slippage": "slippage in basis points (default: PAPER_SLIPPAGE_BPS)",
    "bt.help.trades": "how many trades to list",
    "bt.err": "backtest: {reason}",
    "bt.err.no_bot": "there is no bot {bot} in {file}; bots: {known}",
    "bt.err.no_bots": "none (is {file} there?)",
    "bt.err.hedge_bot": "bot {bot} is a kimp_hedge bot: use {cmd}",
    "bt.err.symbol": "bot {bot} does not trade {symbol}",
    "bt.err.csv_one_symbol": "a CSV holds one symbol's candles: add {option}",
    "bt.err.no_db": "no database at {path}: pass {db} or {csv}",
    "bt.err.no_candles": "no {timeframe} candles for {symbols} between {start} and {end} in {where}",
    "bt.err.png": "cannot write {path}: {detail}",
    "hedge.help.replay": "Replay a kimp_hedge bot over the stored premium history (UTC days).",
    "hedge.help.search": "Search a kimp_hedge bot's entry/exit bands and size on the stored premium history, train on the older part, report the newer part.",
    "hedge.help.bot": "a kimp_hedge bot from the bots file",
    "hedge.help.coin": "which of the bot's coins (default: its first)",
    "hedge.help.funding": "funding rate per 8 h the short receives where none is stored for the range (default 0.0001 = 0.01 %)",
    "hedge.help.entry": "entry bands, {spec}",
    "hedge.help.exit": "exit bands, {spec}",
    "hedge.help.size": "sizes in KRW, comma separated (default: the bot's stake)",
    "hedge.help.train": "share of the time to train on",
    "hedge.help.workers": "processes (default 2)",
    "hedge.help.top": "how many of the best combinations to list",
    "hedge.help.png": "write the equity and premium chart here",
    "hedge.help.trades": "how many hedges to list",
    "hedge.err": "{name}: {reason}",
    "hedge.err.bands_format": "a band range looks like {example}, got {spec}",
    "hedge.err.bands_order": "a band range is {form} with to >= from and step > 0: {spec}",
    "hedge.err.sizes_format": "sizes are KRW amounts separated by commas, got {spec}",
    "hedge.err.sizes_positive": "sizes must be positive KRW amounts, got {spec}",
    "hedge.err.not_hedge": "bot {bot} is a {strategy} bot: use {cmd}",
    "hedge.err.coin": "bot {bot} does not trade {coin}; its coins: {coins}",
    "hedge.err.no_db": "no database at {path}: pass {option}",
    "hedge.err.no_combos": "no exit band is above an entry band: widen {exit} or {entry}",
    "hedge.err.train": "{option} is a share between 0 and 1, e.g. 0.7",
    # --- issue 16, second pass: partial close, leverage of a manual hedge, ... ---------------
    "hedge.bad_leverage": "Give the leverage as a whole number from 1 to {max}, e.g. lev=2.",
    "hedge.bad_close_qty": "Give the part to close as coins or a percentage, e.g. /hedge close h1a2b3c 500 or 50%.",
    "hedge.close_qty_above": "The hedge holds {held} coins a leg; {qty} is more than that.",
    "hedge.reduce_question": "Close {qty} of {held} coins of hedge {id} ({coin}) on both legs at market? The rest stays open.",
    "hedge.reduce_too_small": "a partial close, and what it leaves open, must each be at least {qty} on both venues: close the hedge whole instead.",
    "hedge.reduce_below_min": "a partial close would leave a leg of {total}, below the venue's minimum of {min}: close the hedge whole instead.",
    "hedge.reduced": "{qty} taken off both legs",
    "hedge.reduced_done": "✅ Hedge {id}: {qty} closed on both legs; {left} stays open (/hedge {id}).",
    "hedge.bracket_blocked": "{coin} USDⓈ-M holds the futures leg of hedge {ids}: an entry with a stop-loss or take-profit would merge into that position (one-way mode) and its stop would close the hedge's leg too. Entry refused; close the hedge first (/hedge close) or trade another coin.",
    # bots-file and strategy-file problems (strategies/problems.py)
    "bots.problems": "{source} has {n} problem(s): {problems}",
    "bots.strategies_problems": "user strategies in {folder} could not be loaded: {problems}",
    "bots.problem.in_bot": "bot '{bot}': {problem}",
    "bots.problem.field": "{field}: {problem}",
    "bots.problem.entry": "{problem}",
    "bots.problem.param": "parameter {field}: {problem}",
    "bots.problem.params": "parameters: {problem}",
    "bots.problem.missing": "Field required",
    "bots.problem.unknown_field": "unknown field",
    "bots.problem.gt": "Input should be greater than {gt}",
    "bots.problem.ge": "Input should be greater than or equal to {ge}",
    "bots.problem.lt": "Input should be less than {lt}",
    "bots.problem.le": "Input should be less than or equal to {le}",
    "bots.problem.not_int": "Input should be a whole number",
    "bots.problem.not_number": "Input should be a number",
    "bots.problem.not_bool": "Input should be true or false",
    "bots.problem.not_text": "Input should be text in quotes",
    "bots.problem.one_of": "Input should be one of {expected}",
    "bots.problem.not_table": "expected a table of settings",
    "bots.problem.not_list": "Input should be a list",
    "bots.problem.other": "{detail}",
    "bots.problem.name": "use 1-32 letters, digits, _ or -",
    "bots.problem.symbols_empty": 'give a non-empty list such as ["BTC/KRW"]',
    "bots.problem.not_symbol": "not a symbol: '{item}' (expected BASE/QUOTE such as BTC/KRW)",
    "bots.problem.timeframe": "bad timeframe '{tf}': use e.g. 1m, 5m, 15m, 1h, 4h, 1d",
    "bots.problem.stake": "set exactly one of stake (an amount) or stake_pct (% of equity)",
    "bots.problem.symbol_twice": "a symbol is listed twice",
    "bots.problem.strategy": "unknown strategy '{name}'; known: {known}",
    "bots.problem.short_spot": 'allow_short needs exchange = "binance_futures"',
    "bots.problem.symbol": "unknown symbol {symbol} on {venue}",
    "bots.problem.symbol_quote": "unknown symbol {symbol} on {venue} (quote must be {quotes})",
    "bots.problem.leverage_spot": 'leverage {lev} needs exchange = "binance_futures"',
    "bots.problem.leverage_cap": "leverage {lev} is above the cap MAX_LEVERAGE={max}",
    "bots.problem.toml": "not valid TOML: {detail}",
    "bots.problem.top_key": "unknown top-level key '{name}' (bots go under [bots.NAME])",
    "bots.problem.bots_tables": "'bots' must be tables: [bots.NAME]",
    "bots.problem.unreadable": "cannot read it: {detail}",
    "bots.problem.order": "need {order}",
    "bots.problem.several": "{problems}",
    "bots.problem.hedge_exit_band": "exit_pct ({exit}) must be above entry_pct ({entry})",
    "bots.problem.hedge_reverse_bands": "allow_reverse needs reverse_entry_pct and reverse_exit_pct",
    "bots.problem.hedge_reverse_band": "reverse_exit_pct ({exit}) must be below reverse_entry_pct ({entry})",
    "bots.problem.hedge_exchange": 'a kimp_hedge bot has exchange = "upbit" (its spot leg)',
    "bots.problem.hedge_stake": "a kimp_hedge bot needs stake: the spot leg's size in KRW",
    "bots.problem.hedge_leverage": "a kimp_hedge bot's short takes params.short_leverage, not leverage",
    "bots.problem.hedge_short_cap": "short_leverage {lev} is above the cap MAX_LEVERAGE={max}",
    "bots.problem.hedge_brackets": "a kimp_hedge bot exits on its bands: drop stop_loss_pct/take_profit_pct",
    "bots.problem.file_syntax": "{file}: syntax error on line {line}: {detail}",
    "bots.problem.file_error": "{file} (line {line}): {detail}",
    "bots.problem.file_import": "{file}: cannot be imported",
    "bots.problem.file_no_name": "{file}: class {cls} needs a `name`",
    "bots.problem.file_no_class": "{file}: defines no Strategy subclass",
    "bots.problem.strategy_twice": "strategy name '{name}' is defined twice",
    "hedge.replay.funding_stored": "Funding: the {n} rates stored at each funding time in this range (from the mark-price stream).",
    "hedge.replay.funding_fixed": "Funding: no rates of {coin} stored in this range; a fixed {rate}% per 8 h was charged (--funding-rate).",
    # --- issue 18: Bithumb wiring (the net spread alert) -------------------------------------
    "kimp.basis.spread_net": "{a} over {b}, net of both taker fees",
    "kimp.spread_no_net": "no order book on both venues yet",
    # --- issue 18: Bithumb in the pre-flight check -------------------------------------------
    "doctor.area.bithumb": "Bithumb",
    "doctor.item.orders": "Order reading",
    "doctor.item.wallet": "Wallet status",
    "doctor.found.readable": "readable",
    "doctor.found.bithumb_wallet": "readable ({n} coins' deposit and withdrawal status)",
    "doctor.found.bithumb_permissions": (
        "Bithumb does not report whether a key may place orders or withdraw"
    ),
    "doctor.fix.bithumb_permissions": (
        "at Bithumb → API management make sure this key has 'Place orders' and does NOT have "
        "'Withdraw'"
    ),
    "doctor.fix.bithumb_key": (
        "check BITHUMB_ACCESS_KEY and BITHUMB_SECRET_KEY (copy them again), this server's IP in "
        "the key's allow-list, and that the key has not expired (Bithumb → API management)"
    ),
    "doctor.fix.bithumb_scope": (
        "the key lacks a permission: issue a key with 'View assets', 'View orders' and 'Place "
        "orders' at Bithumb → API management"
    ),
    "kimp.tether_venue": "Tether (USDT) on {venue}",
    "reason.bot_nothing_to_sell": (
        "nothing to sell: {bot} holds no {symbol} of its own (what is left there is yours)"
    ),
    # transfer-aware executable premium on another KRW venue (/kimp bithumb <coin>, /kimp net bithumb)
    "exec.forward_venue": "Binance → {venue}",
    "exec.reverse_venue": "{venue} → Binance",
    "kimpcmd.net_title_venue": "Kimp on {venue} by net executable premium",
    "kimpcmd.net_columns_bithumb": "coin    B→Bt net   Bt→B net",
    "kimpcmd.net_footer_venue": (
        "at {size}, after both taker fees ({venue}'s and Binance's), the cheapest open network's "
        "withdrawal fee and order-book depth; /kimp {cmd} <coin> shows the route"
    ),
    "kimpcmd.net_args": "Use /kimp net or /kimp net <{venues}>.",
    "kimpcmd.net_note_venue": "*: a transfer cost could not be counted (/kimp {cmd} <coin> says which)",
}
