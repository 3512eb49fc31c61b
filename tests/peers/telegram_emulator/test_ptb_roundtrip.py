"""A real PTB Application against the emulator: commands, buttons, photos, commands menu."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from peers.telegram_emulator import TelegramEmulator
from tests.peers.telegram_emulator.conftest import CHAT, GROUP, polling

Ctx = ContextTypes.DEFAULT_TYPE


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


async def test_command_is_received_and_answered(tg: TelegramEmulator) -> None:
    seen: list[list[str]] = []

    async def status(update: Update, context: Ctx) -> None:
        seen.append(list(context.args or []))
        assert update.effective_message is not None
        await update.effective_message.reply_html("<b>모드</b>: paper &lt;ok&gt;")

    async with polling(tg, CommandHandler("status", status)):
        tg.send_user_message(CHAT, "/status now")
        reply = await tg.wait_for_message(chat_id=CHAT)
    assert seen == [["now"]]
    assert reply.text == "<b>모드</b>: paper &lt;ok&gt;"
    assert reply.plain_text == "모드: paper <ok>"
    assert reply.parse_mode == "HTML"
    assert reply.entities == ({"type": "bold", "offset": 0, "length": 2},)
    assert [c.method for c in tg.calls()][:2] == ["getMe", "deleteWebhook"]
    assert not tg.pending_updates  # PTB confirmed the update on its final getUpdates


async def test_group_command_addressed_to_bot_by_name(tg: TelegramEmulator) -> None:
    async def ping(update: Update, context: Ctx) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"pong {update.effective_user.id}")  # type: ignore[union-attr]

    async with polling(tg, CommandHandler("ping", ping)):
        cursor = tg.cursor()
        tg.send_user_message(GROUP, "/ping@other_bot", user_id=11)  # not for us: ignored
        tg.send_user_message(GROUP, "/ping@kimp_test_bot", user_id=12)
        reply = await tg.wait_for_message(chat_id=GROUP, after=cursor)
    assert reply.content == "pong 12"
    assert len(tg.sent_messages(GROUP)) == 1


async def test_callback_button_round_trip(tg: TelegramEmulator) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Yes", callback_data="stop:yes")],
         [InlineKeyboardButton("No", callback_data="stop:no")]]
    )  # fmt: skip

    async def stop(update: Update, context: Ctx) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Stop all bots?", reply_markup=keyboard)

    async def confirm(update: Update, context: Ctx) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("stopping")
        await query.edit_message_text(f"confirmed: {query.data}")

    async with polling(tg, CommandHandler("stop", stop), CallbackQueryHandler(confirm)):
        tg.send_user_message(CHAT, "/stop all")
        question = await tg.wait_for_message(lambda m: m.content == "Stop all bots?")
        assert question.buttons == [("Yes", "stop:yes"), ("No", "stop:no")]
        query_id = tg.press_button(CHAT, question.message_id, "stop:yes")
        answer = await tg.wait_for_callback_answer(query_id)
        edited = await tg.wait_for_message(lambda m: m.content.startswith("confirmed"))
    assert answer.text == "stopping"
    assert edited.message_id == question.message_id
    assert edited.content == "confirmed: stop:yes"
    assert edited.reply_markup is None  # editMessageText without markup drops the keyboard
    assert [e.method for e in edited.edits] == ["editMessageText"]
    with pytest.raises(ValueError, match="no button"):
        tg.press_button(CHAT, question.message_id, "stop:yes")  # the keyboard is gone


async def test_send_photo_multipart_and_download(tg: TelegramEmulator) -> None:
    png = tiny_png()
    async with polling(tg) as app:
        sent = await app.bot.send_photo(
            CHAT, io.BytesIO(png), caption="<i>kimp</i> chart", parse_mode=ParseMode.HTML,
            disable_notification=True, filename="chart.png",
        )  # fmt: skip
        again = await app.bot.send_photo(CHAT, sent.photo[-1].file_id)  # by file_id
        file = await app.bot.get_file(sent.photo[-1].file_id)
        downloaded = await file.download_as_bytearray()
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await app.bot.send_photo(CHAT, b"not an image")
    first = tg.sent_messages(CHAT)[0]
    assert first.photo_bytes == png
    assert (first.photo.width, first.photo.height) == (3, 2)  # type: ignore[union-attr]
    assert first.caption == "<i>kimp</i> chart" and first.content == "kimp chart"
    assert first.disable_notification is True
    assert sent.caption == "kimp chart" and sent.caption_entities[0].type == "italic"
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    assert bytes(downloaded) == png


async def test_commands_menu_and_document(tg: TelegramEmulator) -> None:
    async with polling(tg) as app:
        await app.bot.set_my_commands([BotCommand("status", "상태"), BotCommand("help", "도움말")])
        assert [c.command for c in await app.bot.get_my_commands()] == ["status", "help"]
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await app.bot.set_my_commands([BotCommand("Bad-Name", "x")])
        doc = await app.bot.send_document(CHAT, b"a,b\n1,2\n", filename="trades.csv")
    assert tg.commands == [
        {"command": "status", "description": "상태"},
        {"command": "help", "description": "도움말"},
    ]
    assert doc.document is not None and doc.document.file_name == "trades.csv"
    assert tg.sent_messages(CHAT)[0].document.data == b"a,b\n1,2\n"  # type: ignore[union-attr]


async def test_command_entity_only_at_offset_zero_makes_a_command(tg: TelegramEmulator) -> None:
    got: list[tuple[str, str]] = []

    async def command(update: Update, context: Ctx) -> None:
        got.append(("command", update.effective_message.text or ""))  # type: ignore[union-attr]

    async def text(update: Update, context: Ctx) -> None:
        got.append(("text", update.effective_message.text or ""))  # type: ignore[union-attr]

    handlers = (
        CommandHandler("help", command),
        MessageHandler(filters.TEXT & ~filters.COMMAND, text),
    )
    async with polling(tg, *handlers):
        tg.send_user_message(CHAT, "hello /help")  # entity at offset 6: plain text for PTB
        tg.send_user_message(CHAT, "/help")
        await tg.wait_for_call("getUpdates", lambda c: c.params.get("offset") == "1002")
    assert tg.state.user_messages[(CHAT, 1)]["entities"] == [
        {"type": "bot_command", "offset": 6, "length": 5}
    ]
    assert got == [("text", "hello /help"), ("command", "/help")]
