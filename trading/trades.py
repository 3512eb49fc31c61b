"""Trades: one owner's position on one market from open to flat, and the one owner of PnL.

Every figure a view shows (a fill notice, a bot's reply, /bots, /positions, /profit, /report)
is read from here, so they cannot disagree. The realised PnL of a fill is the store's
(`fill_store.record_fill`: average cost, fees in the quote currency); this module only says
whose it is and which trade it belongs to:
- a fill of ours belongs to its order's owner (a bot's name, or None for the user's orders);
- a fill that is nobody's order (liquidation, ADL) is split over the owners in proportion to
  their shares before it (`trading.shares`);
- a trade opens when its owner's share leaves zero and closes when it returns there (or flips).
The fees of an entry are part of its trade's PnL, so the sum over a trade's fills is the trade.
Replayed from the recorded fills at start (in the order they were recorded), the book is the
same as before the restart, trade ids included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.orders import Fill
from core.symbols import Instrument
from trading.pnl import PositionState, apply_fill, fee_in_quote
from trading.shares import BotShares, Owner

ZERO = Decimal(0)
# Our client ids start with this (`executor.new_client_id`); a fill under any other id is the
# venue's own order (a liquidation, ADL), which is nobody's.
OURS = "kb"


@dataclass(frozen=True, slots=True)
class Trade:
    """One trade as it stands (closed: `closed` set). Amounts in the market's quote currency."""

    id: int
    instrument: Instrument
    owner: Owner
    side: int  # 1 long, -1 short
    opened: float  # epoch s of the first fill
    closed: float | None
    qty: Decimal  # the most it held
    held: Decimal  # what it holds now (unsigned)
    entry_price: Decimal  # average of its entries
    exit_price: Decimal | None  # average of its exits, None before the first exit
    realized: Decimal  # fees included
    fees: Decimal
    exit_client_id: str | None  # the order (or venue order) that closed it

    @property
    def cost(self) -> Decimal:
        """What its entries cost (the base of its ROI)."""
        return self.entry_price * self.qty


@dataclass(frozen=True, slots=True)
class Booking:
    """The part of one fill's realised PnL (and fee) that falls to one owner's trade."""

    fill_id: str
    instrument: Instrument
    ts: float
    owner: Owner
    trade_id: int
    realized: Decimal
    fee: Decimal
    exit: bool  # it reduced or closed the trade


@dataclass(slots=True)
class _Open:
    id: int
    owner: Owner
    side: int
    opened: float
    qty: Decimal = ZERO
    held: Decimal = ZERO
    entry_value: Decimal = ZERO
    entry_qty: Decimal = ZERO
    exit_value: Decimal = ZERO
    exit_qty: Decimal = ZERO
    realized: Decimal = ZERO
    fees: Decimal = ZERO

    def freeze(self, inst: Instrument, closed: float | None, by: str | None) -> Trade:
        entry = self.entry_value / self.entry_qty if self.entry_qty else ZERO
        exit_ = self.exit_value / self.exit_qty if self.exit_qty else None
        return Trade(self.id, inst, self.owner, self.side, self.opened, closed, self.qty,
                     self.held, entry, exit_, self.realized, self.fees, by)  # fmt: skip


@dataclass
class TradeBook:
    """Trades and bookings of one account (paper or live), fed every recorded fill in order."""

    shares: BotShares = field(default_factory=BotShares)
    closed: list[Trade] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    _open: dict[tuple[Instrument, Owner], _Open] = field(default_factory=dict)
    _pos: dict[Instrument, PositionState] = field(default_factory=dict)
    _closed_by_id: dict[int, Trade] = field(default_factory=dict)
    _by_fill: dict[tuple[Instrument, str], list[Booking]] = field(default_factory=dict)
    _next: int = 1

    def add(self, fill: Fill, owner: Owner, realized: Decimal, ours: bool) -> list[Booking]:
        """Book one recorded fill; `realized` is the store's. Returns its bookings."""
        inst, base = fill.instrument, fill.instrument.symbol.base
        pos = self._pos.get(inst, PositionState(ZERO, ZERO))
        after = apply_fill(
            pos, fill.side, fill.qty, fill.price, fill.fee, fill.fee_asset, base
        ).position
        if not ours and (pos.qty == ZERO or after.qty * pos.qty < ZERO):
            after = PositionState(ZERO, ZERO)  # a forced close never opens or flips
        self._pos[inst] = after
        before = self.shares.holders(inst)
        if ours:
            self.shares.fill(inst, owner, after.qty - pos.qty, after.qty)
        else:
            self.shares.forced(inst, pos.qty, after.qty)
        fee = fee_in_quote(fill.fee, fill.fee_asset, base, fill.price)
        if ours or not before:
            split = {owner: Decimal(1)}
        else:
            whole = sum((abs(q) for q in before.values()), ZERO)
            split = {o: abs(q) / whole for o, q in before.items()}
        return self._move(inst, fill, before, self.shares.holders(inst), split, realized, fee)

    def settle(self, inst: Instrument, qty: Decimal, ts: float) -> None:
        """The position moved without a fill (adopted from the venue): shares and trades follow."""
        before = self.shares.holders(inst)
        self.shares.settle(inst, qty)
        if qty == ZERO:
            self._pos.pop(inst, None)
        self._move(inst, None, before, self.shares.holders(inst), {}, ZERO, ZERO, ts)

    def open_trades(self) -> list[Trade]:
        return [o.freeze(inst, None, None) for (inst, _), o in self._open.items()]

    def open_trade(self, inst: Instrument, owner: Owner) -> Trade | None:
        o = self._open.get((inst, owner))
        return o.freeze(inst, None, None) if o is not None else None

    def exited(self, fills: list[Fill], owner: Owner) -> list[Trade]:
        """The trades of `owner` that these fills (one order's) reduced or closed."""
        ids = {
            b.trade_id
            for f in fills
            for b in self._by_fill.get((f.instrument, f.fill_id), [])
            if b.exit and b.owner == owner
        }
        return [t for t in (self.trade(i) for i in sorted(ids)) if t is not None]

    def trade(self, trade_id: int) -> Trade | None:
        for (inst, _), o in self._open.items():
            if o.id == trade_id:
                return o.freeze(inst, None, None)
        return self._closed_by_id.get(trade_id)

    def _move(
        self,
        inst: Instrument,
        fill: Fill | None,
        before: dict[Owner, Decimal],
        after: dict[Owner, Decimal],
        split: dict[Owner, Decimal],
        realized: Decimal,
        fee: Decimal,
        ts: float = 0.0,
    ) -> list[Booking]:
        """Open, grow, shrink and close the owners' trades as their shares moved."""
        when = fill.ts if fill is not None else ts
        out: list[Booking] = []
        for o in dict.fromkeys([*before, *after, *split]):
            b, a, part = before.get(o, ZERO), after.get(o, ZERO), split.get(o, ZERO)
            key = (inst, o)
            flips = b != ZERO and a != ZERO and (a > ZERO) != (b > ZERO)
            cur = self._open.get(key)
            if cur is None and b != ZERO:
                cur = self._start(key, o, b, when)  # a share from before this book knew it
            if cur is not None:
                exit_qty = abs(b) if (a == ZERO or flips) else max(abs(b) - abs(a), ZERO)
                price = fill.price if fill is not None else ZERO
                if exit_qty and fill is not None:
                    cur.exit_value += exit_qty * price
                    cur.exit_qty += exit_qty
                elif not flips and abs(a) > abs(b) and fill is not None:
                    cur.entry_value += (abs(a) - abs(b)) * price
                    cur.entry_qty += abs(a) - abs(b)
                cur.held = ZERO if flips else abs(a)
                cur.qty = max(cur.qty, cur.held)
                if fill is not None and (part or exit_qty):
                    cur.realized += realized * part
                    cur.fees += fee * part
                    out.append(Booking(fill.fill_id, inst, fill.ts, o, cur.id, realized * part,
                                       fee * part, exit_qty > ZERO))  # fmt: skip
                if a == ZERO or flips:
                    self._close(key, when, fill.client_id if fill is not None else None)
            if a != ZERO and (cur is None or flips):
                new = self._start(key, o, a, when)
                new.qty = new.held = abs(a)
                if fill is not None:
                    new.entry_qty, new.entry_value = abs(a), abs(a) * fill.price
                if cur is None and fill is not None and part:
                    # an entry: its fee (and nothing else) is the new trade's first PnL
                    new.realized, new.fees = realized * part, fee * part
                    out.append(Booking(fill.fill_id, inst, fill.ts, o, new.id, new.realized,
                                       new.fees, False))  # fmt: skip
            elif cur is None and a == ZERO and part and fill is not None:
                # a fill of an owner who held nothing before or after: booked all the same
                lone = self._start(key, o, 1, when)
                lone.realized, lone.fees = realized * part, fee * part
                out.append(Booking(fill.fill_id, inst, fill.ts, o, lone.id, lone.realized,
                                   lone.fees, True))  # fmt: skip
                self._close(key, when, fill.client_id)
        self.bookings += out
        if fill is not None:
            self._by_fill[(inst, fill.fill_id)] = out
        return out

    def _start(self, key: tuple[Instrument, Owner], owner: Owner, qty: Decimal | int,
               ts: float) -> _Open:  # fmt: skip
        t = _Open(self._next, owner, 1 if qty > 0 else -1, ts)
        self._next += 1
        self._open[key] = t
        return t

    def _close(self, key: tuple[Instrument, Owner], ts: float, by: str | None) -> None:
        t = self._open.pop(key, None)
        if t is not None:
            t.held = ZERO
            done = t.freeze(key[0], ts, by)
            self.closed.append(done)
            self._closed_by_id[done.id] = done
