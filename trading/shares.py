"""Who holds how much of each open position: each bot's share and the manual one (owner None).

The ledger keeps one position per instrument (what the venue holds), labelled with the last bot
that traded it, so a manual `/buy` on a bot's symbol used to become the bot's at its next start
and the bot would sell the user's coins on its own signals. Each fill moves its owner's share;
a forced close (liquidation, ADL: nobody's order) shrinks every share in proportion; a fill that
takes the position through zero leaves it all to that fill's owner. `sum(shares) == position`.
"""

from __future__ import annotations

from decimal import Decimal

from core.symbols import Instrument

ZERO = Decimal(0)
Owner = str | None  # a bot's name, or None for the user's own orders


class BotShares:
    def __init__(self) -> None:
        self._by: dict[Instrument, dict[Owner, Decimal]] = {}

    def known(self, inst: Instrument) -> bool:
        return inst in self._by

    def of(self, inst: Instrument, owner: Owner) -> Decimal:
        return self._by.get(inst, {}).get(owner, ZERO)

    def holders(self, inst: Instrument) -> dict[Owner, Decimal]:
        """Every owner's share of `inst` now (a copy)."""
        return dict(self._by.get(inst, {}))

    def fill(self, inst: Instrument, owner: Owner, qty: Decimal, position: Decimal) -> None:
        """A fill of `owner` moved the position by `qty` (signed) to `position`."""
        if position == ZERO:
            self._by.pop(inst, None)
            return
        shares = self._by.setdefault(inst, {})
        before = position - qty
        if before == ZERO or (before > ZERO) != (position > ZERO):
            self._by[inst] = {owner: position}  # opened, or flipped through zero by this fill
            return
        shares[owner] = shares.get(owner, ZERO) + qty
        self._tidy(inst, position)

    def forced(self, inst: Instrument, before: Decimal, position: Decimal) -> None:
        """Nobody's order (a liquidation) took the position from `before` to `position`."""
        if position == ZERO or before == ZERO:
            self._by.pop(inst, None)
            return
        ratio = position / before
        self._by[inst] = {o: q * ratio for o, q in self._by.get(inst, {}).items()}
        self._tidy(inst, position)

    def settle(self, inst: Instrument, position: Decimal) -> None:
        """Bring the shares in line with the position as recorded now (it can also move
        without a fill of ours: an outside change adopted from the venue)."""
        if position == ZERO:
            self._by.pop(inst, None)
        elif inst in self._by:
            self._tidy(inst, position)

    def replay(self, inst: Instrument, steps: list[tuple[Owner, Decimal, bool]]) -> None:
        """Rebuild one market's shares from its fills, oldest first: (owner, the position
        after the fill, ours); a fill that is not ours (a liquidation) shrinks every share."""
        self._by.pop(inst, None)
        running = ZERO
        for owner, after, ours in steps:
            if ours:
                self.fill(inst, owner, after - running, after)
            else:
                self.forced(inst, running, after)
            running = after

    def _tidy(self, inst: Instrument, position: Decimal) -> None:
        """Keep `sum(shares) == position`: no empty share and none on the wrong side (a bot
        that sold more than it bought holds nothing); what the shares do not explain is the
        user's; shares that explain more than is held shrink in proportion."""
        long = position > ZERO
        shares = {o: q for o, q in self._by[inst].items() if q != ZERO and (q > ZERO) == long}
        total = sum(shares.values(), ZERO)
        if abs(total) < abs(position):
            shares[None] = shares.get(None, ZERO) + (position - total)
        elif abs(total) > abs(position):
            shares = {o: q * position / total for o, q in shares.items()}
        self._by[inst] = shares
