"""Command registry: parsing, bad input, confirmations that expire."""

from __future__ import annotations

from pathlib import Path

from bot.commands import CommandContext, CommandRegistry, Reply
from bot.commands.base import CommandError
from bot.config import load_settings
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from core.clock import ManualClock
from core.events import EventBus
from core.storage import Database
from core.supervisor import Supervisor


async def _facade(tmp_path: Path, db: Database) -> ServiceFacade:
    settings = load_settings(env_file=None, db_path=tmp_path / "x.db", log_dir=tmp_path / "logs")
    return ServiceFacade(
        settings,
        db,
        EventBus(),
        Supervisor(),
        Notifier(Outbox(db), settings.notify, settings.core.language),
        "t",
    )


def test_parse() -> None:
    assert CommandRegistry.parse("/trades 5") == ("trades", ["5"])
    assert CommandRegistry.parse("/Status@MyBot") == ("status", [])
    assert CommandRegistry.parse("hello") is None
    assert CommandRegistry.parse('/buy "a b') == ("buy", ['"a', "b"])


async def test_errors_become_messages(tmp_path: Path) -> None:
    reg = CommandRegistry()

    @reg.command("bad", "raises", "/bad <x>")
    async def bad(ctx: CommandContext) -> Reply:
        raise CommandError("x must be a coin like BTC.")

    @reg.command("crash", "crashes")
    async def crash(ctx: CommandContext) -> Reply:
        raise ZeroDivisionError("secret internals")

    async with Database.open(tmp_path / "x.db") as db:
        ctx = CommandContext(await _facade(tmp_path, db), 1, 1, "console")
        assert (
            await reg.dispatch("/bad", ctx)
        ).text == "x must be a coin like BTC.\nUsage: /bad <x>"
        reply = await reg.dispatch("/crash", ctx)
        assert "failed" in reply.text and "secret internals" not in reply.text
        assert "Unknown command" in (await reg.dispatch("/nope", ctx)).text
        assert "start with /" in (await reg.dispatch("hi", ctx)).text


async def test_confirmation_runs_once_and_expires(tmp_path: Path) -> None:
    clock = ManualClock()
    reg = CommandRegistry(clock=clock, confirm_ttl=30)
    done: list[str] = []

    async def do_it(ctx: CommandContext) -> Reply:
        done.append("x")
        return Reply("done")

    @reg.command("danger", "needs confirmation")
    async def danger(ctx: CommandContext) -> Reply:
        return reg.ask_confirmation(ctx, "Really?", do_it)

    async with Database.open(tmp_path / "x.db") as db:
        facade = await _facade(tmp_path, db)
        ctx = lambda chat=1: CommandContext(facade, chat, 1, "telegram")  # noqa: E731
        ask = await reg.dispatch("/danger", ctx())
        code = ask.buttons[0][0].data.split()[1]
        assert done == []
        assert "another chat" in (await reg.dispatch(f"/confirm {code}", ctx(2))).text
        ask = await reg.dispatch("/danger", ctx())
        code = ask.buttons[0][0].data.split()[1]
        assert (await reg.dispatch(f"/confirm {code}", ctx())).text == "done"
        assert "expired" in (await reg.dispatch(f"/confirm {code}", ctx())).text
        ask = await reg.dispatch("/danger", ctx())
        code = ask.buttons[0][0].data.split()[1]
        clock.advance(31)
        assert "expired" in (await reg.dispatch(f"/confirm {code}", ctx())).text
        assert done == ["x"]


async def test_notifier_outbox_survives_and_dedups(tmp_path: Path) -> None:
    from bot.notify.outbox import OutboxItem
    from core.notifications import Notification, NotificationKind

    delivered: list[str] = []

    class Sink:
        async def deliver(self, items: list[OutboxItem]) -> list[int]:
            delivered.extend(i.text for i in items)
            return [i.id for i in items]

    async with Database.open(tmp_path / "n.db") as db:
        settings = load_settings(env_file=None, notify_levels="info=off")
        n = Notifier(Outbox(db), settings.notify, settings.core.language)
        await n.notify_async(Notification(NotificationKind.ORDER_FILLED, "fill 1", dedup_key="f1"))
        await n.notify_async(Notification(NotificationKind.ORDER_FILLED, "fill 1", dedup_key="f1"))
        await n.notify_async(Notification(NotificationKind.INFO, "muted"))
    async with Database.open(tmp_path / "n.db") as db:  # "restart": still queued
        n = Notifier(Outbox(db), settings.notify, settings.core.language)
        n.set_sender(Sink())
        await n.deliver_pending()
        await n.deliver_pending()
    assert delivered == ["fill 1"]
