"""`/buy <bot> [coin] [amount]` and `/sell <bot> [coin]`: a bot's forced entry and exit
(Freqtrade's /forcebuy, /forcesell). Argument parsing and pure renderers; the bot manager
(`facade.bots`, bot.providers.BotControl) does the work, through the bot's own gateway.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.commands.base import CommandError, sane_decimal
from bot.i18n import Messages, money, render, tr, word
from core import numbers
from core.symbols import Instrument, Venue
from core.text import Text

if TYPE_CHECKING:
    from strategies.bot_runner import ForcedOrder
    from strategies.botconfig import BotDefinition
    from strategies.engine import ClosedTrade, OpenPosition


def _number(raw: str, quote: str, language: str) -> Decimal | None:
    """`50000`, `50,000`, `50000KRW` -> 50000; None when it does not look like an amount;
    CommandError when it is a number but not a usable one (`1e999999`, `inf`)."""
    text = raw.upper().replace(",", "").removesuffix(quote)
    if not text or not (text[0].isdigit() or text[0] in ".-+"):
        return None
    try:
        Decimal(text)
    except InvalidOperation:
        return None
    value = sane_decimal(text)
    if value is None:
        raise CommandError(tr(language, "arg.bad_amount", raw=raw))
    return value


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
        amount = _number(args[-1], quote, language)
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
    return (
        numbers.plain(d.stake) if d.stake else ("50000" if d.symbols[0].quote == "KRW" else "100")
    )


def _side(pos: OpenPosition, language: str = "en") -> str:
    return tr(language, "forced.long" if pos.side > 0 else "forced.short")


def _stake(d: BotDefinition, stake: float | None, language: str = "en") -> str:
    t = Messages(language)
    quote = d.symbols[0].quote
    lev = f" × {d.leverage}x" if d.leverage > 1 else ""
    if stake is not None:
        return t("forced.stake", amount=t.money(stake, quote), quote=quote, lev=lev)
    if d.stake is not None:
        return t("forced.stake", amount=t.money(d.stake, quote), quote=quote, lev=lev)
    return t("forced.stake_pct", pct=numbers.grouped(d.stake_pct or 0), lev=lev)


def _brackets(d: BotDefinition, language: str = "en") -> str:
    parts = []
    if d.stop_loss_pct is not None:
        parts.append(f"SL -{numbers.grouped(d.stop_loss_pct)}%")
    if d.take_profit_pct is not None:
        parts.append(f"TP +{numbers.grouped(d.take_profit_pct)}%")
    if not parts:
        return ""
    where = tr(
        language, "forced.on_venue" if d.exchange is Venue.BINANCE_FUTURES else "forced.watched"
    )
    return f" {' / '.join(parts)} {where}."


def _refused(forced: ForcedOrder, language: str = "en") -> str:
    why = forced.decision.reason
    if isinstance(why, Text) and why.key == "decision.order_refused":
        why = why.params["reason"]  # the order layer's own words, under "refused:"
    return tr(language, "trading.refused", reason=render(language, why))


def render_entry(
    forced: ForcedOrder, d: BotDefinition, stake: float | None, language: str = "en"
) -> str:
    pos = forced.position
    if not forced.decision.taken or pos is None:
        return _refused(forced, language)
    sym = forced.instrument.symbol
    return tr(
        language,
        "forced.entry",
        bot=forced.bot,
        symbol=sym,
        side=_side(pos, language),
        qty=numbers.quantity(pos.qty),
        price=money.price(language, pos.entry_price, sym.quote),
        quote=sym.quote,
        stake=_stake(d, stake, language),
        venue=word(language, forced.instrument.venue),
        brackets=_brackets(d, language),
    )


def exit_question(
    bot: str, inst: Instrument, pos: OpenPosition, running: bool, language: str = "en"
) -> str:
    t = Messages(language)
    return t(
        "forced.exit_question",
        verb=t("forced.sell" if pos.side > 0 else "forced.buy_back"),
        bot=bot,
        symbol=inst.symbol,
        side=_side(pos, language),
        qty=numbers.quantity(pos.qty),
        venue=t.word(inst.venue),
        tail="" if running else t("forced.stays_stopped", bot=bot),
    )


def render_exit(forced: ForcedOrder, language: str = "en") -> str:
    t = forced.trade
    if not forced.decision.taken or t is None:
        return _refused(forced, language)
    quote = forced.instrument.symbol.quote
    return tr(
        language,
        "forced.exit",
        bot=forced.bot,
        symbol=forced.instrument.symbol,
        qty=numbers.quantity(t.qty),
        price=money.price(language, t.exit_price, quote),
        quote=quote,
        pnl=money.pnl(language, t.pnl, quote, numbers.pnl_pct(*_pnl_and_cost(t))),
    )


def _pnl_and_cost(t: ClosedTrade) -> tuple[Decimal, Decimal]:
    """A closed trade's PnL and what was put in (entry price × quantity), for its percentage."""
    return numbers.to_decimal(t.pnl), numbers.to_decimal(t.entry_price * t.qty)
