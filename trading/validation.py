"""Turn an `OrderRequest` into an order the venue will accept, or refuse it with a reason.

Checks, in order: shape (which fields a type needs), numbers, rounding to the venue grid,
LOT_SIZE, minimum and maximum order total, then available balance or margin. Pure: the caller
supplies the market rules, a reference price and the free balances.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core import numbers
from core.errors import Rejected
from core.market import Side
from core.numbers import Money, Price
from core.orders import OrderRequest, OrderType
from core.rounding import MarketRules, Rounding
from core.symbols import Venue
from core.text import Text

# Market buys reserve this much on top of the estimate: the book may move before the fill.
MARKET_BUFFER = Decimal("0.01")
# A KRW venue's minimum order total is its own rule, named in the refusal.
_MIN_TOTAL_KEY = {Venue.UPBIT: "reason.min_total_upbit", Venue.BITHUMB: "reason.min_total_bithumb"}


@dataclass(frozen=True, slots=True)
class ValidatedOrder:
    request: OrderRequest
    qty: Decimal  # base quantity, on the LOT_SIZE grid (an estimate for buys by quote amount)
    price: Decimal | None  # limit price on the tick grid
    quote_amount: Decimal | None  # market buy by quote amount (Upbit `ord_type=price`)
    trigger_price: Decimal | None
    ref_price: Decimal  # the price the notional was estimated with
    notional: Decimal  # in the quote currency
    notes: tuple[Text, ...] = ()  # e.g. "price rounded 100,050 -> 100,000 (tick 1,000)"


@dataclass(frozen=True, slots=True)
class Funds:
    """What the account can spend right now, in the market's assets."""

    free_quote: Decimal
    free_base: Decimal = Decimal(0)
    position_qty: Decimal = Decimal(0)  # futures: signed position in this symbol
    leverage: int = 1


def _positive(value: Decimal | None, what: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value <= 0:
        raise Rejected(f"{what} must be a positive number, got {value}.")
    return value


def validate(
    req: OrderRequest, rules: MarketRules, ref_price: Decimal, funds: Funds
) -> ValidatedOrder:
    """Validate and round `req`; raises `Rejected` with a human reason (a catalog `Text` for the
    reasons a bot's order can meet: price, size, totals and funds; the app words it)."""
    t = Text.of
    venue = req.instrument.venue
    base, quote = rules.base, rules.quote
    qty = _positive(req.qty, "The quantity")
    price = _positive(req.price, "The price")
    quote_amount = _positive(req.quote_amount, "The amount")
    trigger = _positive(req.trigger_price, "The trigger price")
    if not ref_price.is_finite() or ref_price <= 0:
        raise Rejected(t("reason.no_price", symbol=req.instrument.symbol))
    notes: list[Text] = []

    if req.type is OrderType.LIMIT:
        if qty is None or price is None:
            raise Rejected("A limit order needs both a quantity and a price.")
    elif req.type is OrderType.MARKET:
        if price is not None:
            raise Rejected("A market order takes no price; use a limit order to set one.")
        if qty is None and quote_amount is None:
            raise Rejected("A market order needs a quantity (or, for buys, an amount to spend).")
        if qty is not None and quote_amount is not None:
            raise Rejected("Give either a quantity or an amount to spend, not both.")
        if quote_amount is not None and req.side is Side.SELL:
            raise Rejected("A market sell needs a quantity of the coin, not an amount to spend.")
    else:  # stop / take-profit: futures; on Binance spot a stop-loss (STOP_LOSS, no reduce-only)
        spot_stop = venue is Venue.BINANCE_SPOT and req.type is OrderType.STOP_MARKET
        if venue is not Venue.BINANCE_FUTURES and not spot_stop:
            raise Rejected(f"{req.type.value} orders are only supported on Binance futures.")
        if trigger is None or qty is None:
            raise Rejected(f"A {req.type.value} order needs a trigger price and a quantity.")
        if not req.reduce_only and not spot_stop:
            raise Rejected("Stop-loss / take-profit orders must be reduce-only.")

    # --- rounding to the venue grid ---------------------------------------------------------
    if price is not None:
        mode = Rounding.DOWN if req.side is Side.BUY else Rounding.UP
        rounded = rules.round_price(price, mode)
        if rounded <= 0:
            raise Rejected(t("reason.price_below_tick", price=Price(price, quote)))
        if rounded != price:
            tick = rules.tick_for(price)
            rounded_to = Price(rounded, quote, tick)
            tick_text = numbers.grouped(tick)
            notes.append(
                t("note.price_rounded", asked=Price(price, quote), to=rounded_to, tick=tick_text)
            )
        price = rounded
        if rules.min_price and price < rules.min_price:
            raise Rejected(
                t("reason.price_min", price=Price(price, quote), min=Price(rules.min_price, quote))
            )
        if rules.max_price and price > rules.max_price:
            raise Rejected(
                t("reason.price_max", price=Price(price, quote), max=Price(rules.max_price, quote))
            )
    if trigger is not None:
        trigger = rules.round_price(trigger, Rounding.NEAREST)

    if quote_amount is not None and venue.krw:
        # ord_type=price takes a KRW total: whole won are always accepted.
        quote_amount = quote_amount.to_integral_value(rounding="ROUND_FLOOR")
    upbit_market_buy = venue.krw and req.type is OrderType.MARKET
    if upbit_market_buy and req.side is Side.BUY and quote_amount is None:
        # Upbit market buys are by KRW total (ord_type=price).
        assert qty is not None
        quote_amount = (qty * ref_price).to_integral_value(rounding="ROUND_FLOOR")
        qty = None

    if qty is not None:
        rounded_qty = rules.round_qty(qty)
        if rounded_qty != qty:
            to = numbers.quantity(rounded_qty, rules.step_size)
            notes.append(t("note.qty_rounded", asked=numbers.quantity(qty), to=to, base=base))
        qty = rounded_qty
        if qty <= 0 or (rules.min_qty and qty < rules.min_qty):
            minimum = rules.min_qty or rules.step_size
            raise Rejected(t("reason.min_qty", min=Money(minimum, base), symbol=f"{base}/{quote}"))
        if rules.max_qty and qty > rules.max_qty:
            raise Rejected(t("reason.max_qty", max=Money(rules.max_qty, base)))
        if req.type is OrderType.MARKET and rules.market_max_qty and qty > rules.market_max_qty:
            raise Rejected(t("reason.market_max_qty", max=Money(rules.market_max_qty, base)))

    # --- order total --------------------------------------------------------------------------
    unit_price = price if price is not None else (trigger or ref_price)
    if qty is not None:
        notional = qty * unit_price
    else:
        assert quote_amount is not None
        notional = quote_amount
    est_qty = qty if qty is not None else rules.round_qty(notional / ref_price)
    exempt = req.reduce_only and venue is Venue.BINANCE_FUTURES
    if rules.min_notional and notional < rules.min_notional and not exempt:
        key = _MIN_TOTAL_KEY.get(venue, "reason.min_total")
        total = Money(notional, quote)
        raise Rejected(t(key, total=total, min=Money(rules.min_notional, quote)))
    if rules.max_notional and notional > rules.max_notional:
        raise Rejected(t("reason.max_total", max=Money(rules.max_notional, quote)))

    _check_funds(req, rules, notional, est_qty, funds)
    return ValidatedOrder(
        request=req,
        qty=est_qty,
        price=price,
        quote_amount=quote_amount,
        trigger_price=trigger,
        ref_price=ref_price,
        notional=notional,
        notes=tuple(notes),
    )


def _check_funds(
    req: OrderRequest,
    rules: MarketRules,
    notional: Decimal,
    qty: Decimal,
    funds: Funds,
) -> None:
    t = Text.of
    base, quote = rules.base, rules.quote
    if req.instrument.venue is Venue.BINANCE_FUTURES:
        pos = funds.position_qty
        reduces = (pos > 0 and req.side is Side.SELL) or (pos < 0 and req.side is Side.BUY)
        if req.reduce_only:
            if not reduces:
                raise Rejected(t("reason.reduce_nothing", base=base))
            if qty > abs(pos):
                raise Rejected(
                    t("reason.reduce_too_much", qty=Money(qty, base), pos=Money(abs(pos), base))
                )
            return
        if reduces and qty <= abs(pos):
            return
        lev = max(1, funds.leverage)
        need = notional / lev + notional * rules.taker_fee
        if need > funds.free_quote:
            raise Rejected(
                t(
                    "reason.no_margin",
                    need=Money(need, quote),
                    lev=lev,
                    free=Money(funds.free_quote, quote),
                )
            )
        return
    if req.side is Side.BUY:
        buffer = MARKET_BUFFER if req.type is OrderType.MARKET and req.quote_amount is None else 0
        fee = Decimal(0) if req.instrument.venue is Venue.BINANCE_SPOT else rules.taker_fee
        need = notional * (1 + fee + Decimal(buffer))
        if req.type is OrderType.MARKET and req.instrument.venue.krw:
            need = notional * (1 + rules.taker_fee)
        if need > funds.free_quote:
            raise Rejected(
                t(
                    "reason.no_funds",
                    quote=quote,
                    need=Money(need, quote),
                    free=Money(funds.free_quote, quote),
                )
            )
    elif qty > funds.free_base:
        raise Rejected(
            t("reason.no_coin", base=base, qty=Money(qty, base), free=Money(funds.free_base, base))
        )
