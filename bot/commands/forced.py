"""`/buy <bot> [coin] [amount]` and `/sell <bot> [coin]`: a bot's forced entry and exit
(Freqtrade's /forcebuy, /forcesell). Argument parsing and pure renderers; the bot manager
(`facade.bots`, strategies.runner.BotManager) does the work, through the bot's own gateway.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.commands.base import CommandError
from bot.domain.symbols import Instrument, Venue
from bot.i18n import Messages, tr

if TYPE_CHECKING:
    from strategies.botconfig import BotDefinition
    from strategies.engine import OpenPosition
    from strategies.runner import ForcedOrder


def _number(raw: str, quote: str) -> Decimal | None:
    """`50000`, `50,000`, `50000KRW` -> 50000; None when it does not look like an amount."""
    text = raw.upper().replace(",", "").removesuffix(quote)
    if not text or not (text[0].isdigit() or text[0] in ".-+"):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_buy(
    d: BotDefinition, args: list[str], language: str = "en"
) -> tuple[str | None, float | None]:
    """After the bot's name: `[coin] [amount]` -> (coin or None, stake or None)."""
    t = Messages(language)
    quote = d.symbols[0].quote
    example = f"/buy {d.name} {d.symbols[0].base} {_example_stake(d)}"
    if len(args) > 2:
        raise CommandError(t("forced.buy_args", example=example))
    coin: str | None = None
    amount: Decimal | None = None
    if args:
        amount = _number(args[-1], quote)
        if amount is None and len(args) == 2:
            raise CommandError(t("forced.not_amount", raw=args[-1], quote=quote, example=example))
        if amount is None or len(args) == 2:
            coin = args[0]
    if coin is not None and not coin.replace("/", "").replace("-", "").isalnum():
        raise CommandError(t("arg.bad_coin", coin=coin))
    if amount is not None and (not amount.is_finite() or amount <= 0):
        raise CommandError(t("forced.amount_positive", quote=quote))
    return coin, None if amount is None else float(amount)


def parse_sell(d: BotDefinition, args: list[str], language: str = "en") -> str | None:
    """After the bot's name: `[coin]`."""
    if len(args) > 1:
        raise CommandError(tr(language, "forced.sell_args", bot=d.name, coin=d.symbols[0].base))
    return args[0] if args else None


def _example_stake(d: BotDefinition) -> str:
    return f"{d.stake:g}" if d.stake else ("50000" if d.symbols[0].quote == "KRW" else "100")


def _price(value: float) -> str:
    return f"{value:,.8g}"


def _side(pos: OpenPosition) -> str:
    return "long" if pos.side > 0 else "short"


def _stake(d: BotDefinition, stake: float | None) -> str:
    quote = d.symbols[0].quote
    lev = f" × {d.leverage}x" if d.leverage > 1 else ""
    if stake is not None:
        return f"stake {stake:,g} {quote}{lev}"
    if d.stake is not None:
        return f"stake {d.stake:,g} {quote}{lev}"
    return f"stake {d.stake_pct:g}% of equity{lev}"


def _brackets(d: BotDefinition) -> str:
    parts = []
    if d.stop_loss_pct is not None:
        parts.append(f"SL -{d.stop_loss_pct:g}%")
    if d.take_profit_pct is not None:
        parts.append(f"TP +{d.take_profit_pct:g}%")
    if not parts:
        return ""
    where = "on the venue" if d.exchange is Venue.BINANCE_FUTURES else "watched by the bot"
    return f" {' / '.join(parts)} {where}."


def _refused(forced: ForcedOrder) -> str:
    return "❌ Refused: " + forced.decision.reason.removeprefix("order layer refused: ")


def render_entry(forced: ForcedOrder, d: BotDefinition, stake: float | None) -> str:
    pos = forced.position
    if not forced.decision.taken or pos is None:
        return _refused(forced)
    sym = forced.instrument.symbol
    return (
        f"✅ {forced.bot}: forced entry {sym} {_side(pos)} {pos.qty:g} @ "
        f"{_price(pos.entry_price)} {sym.quote} ({_stake(d, stake)}) on "
        f"{forced.instrument.venue.label}. The bot manages the exit.{_brackets(d)}"
    )


def exit_question(bot: str, inst: Instrument, pos: OpenPosition, running: bool) -> str:
    verb = "sell" if pos.side > 0 else "buy back"
    tail = "" if running else f" {bot} is stopped and stays stopped."
    return (
        f"Force exit: {verb} {bot}'s {inst.symbol} {_side(pos)} {pos.qty:g} at market "
        f"on {inst.venue.label}? The bot books the trade.{tail}"
    )


def render_exit(forced: ForcedOrder) -> str:
    t = forced.trade
    if not forced.decision.taken or t is None:
        return _refused(forced)
    quote = forced.instrument.symbol.quote
    return (
        f"✅ {forced.bot}: forced exit {forced.instrument.symbol} {t.qty:g} @ "
        f"{_price(t.exit_price)} {quote}, PnL {t.pnl:+,.2f} {quote} (fees included)."
    )
