"""Types every command handler and transport share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.facade import ServiceFacade


class CommandError(Exception):
    """Bad input from the user. The message is shown as is: say what is wrong and what to do."""


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # callback data: a command line to run, e.g. "/status" or "/confirm ab12"


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command answers. `text` is plain text; transports escape and format it.

    `preformatted` asks the transport to show text in a monospace block (tables).
    `buttons` are rows of inline buttons (Telegram) or hints (console).
    """

    text: str
    preformatted: bool = False
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: bytes | None = None
    photo_caption: str = ""
    photo_kind: str = "chart"  # names the file the console saves the photo to
    # Pressed as a button: the answer replaces the message the button was on (a refresh), or,
    # when False, comes as a new message and leaves that one alone (muting from an alert).
    in_place: bool = True

    @classmethod
    def table(cls, title: str, body: str, refresh: str | None = None) -> Reply:
        buttons = ((Button("🔄 Refresh", refresh),),) if refresh else ()
        return cls(text=f"{title}\n{body}" if title else body, preformatted=True, buttons=buttons)


@dataclass(slots=True)
class CommandContext:
    """Who asked, through which transport, and the service to ask."""

    service: ServiceFacade
    chat_id: int | None
    user_id: int | None
    transport: str  # "console" or "telegram"
    args: list[str] = field(default_factory=list)
    command: str = ""


Handler = Callable[[CommandContext], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    summary: str  # one line for /help and the Telegram command menu
    usage: str = ""  # e.g. "/trades [n]"
    details: str = ""  # longer help for "/help <command>"


# A number typed in a command: beyond these it is a typo or an attack (`1e999999` overflows
# Decimal arithmetic downstream), never an amount, price or threshold anyone means.
MAX_MAGNITUDE = 15  # below 1e16
MIN_MAGNITUDE = -18  # 1e-18 and above
MAX_DIGITS = 28  # Decimal's default precision


def sane_decimal(raw: str) -> Decimal | None:
    """`raw` as a finite Decimal of a sane size, or None (not a number, inf, nan, 1e999999)."""
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    if value.is_zero():
        return value
    if not MIN_MAGNITUDE <= value.adjusted() <= MAX_MAGNITUDE:
        return None
    if len(value.as_tuple().digits) > MAX_DIGITS:
        return None
    return value
