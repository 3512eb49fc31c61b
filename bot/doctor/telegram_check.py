"""Telegram's part of the pre-flight check: the token is accepted (`getMe`) and the configured
chat is one the bot can reach (`getChat`), asked with the same library the transport uses."""

from __future__ import annotations

from telegram import Bot
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from bot.settings_sections import TelegramSettings
from core.doctor import Area, Check, CheckStatus
from core.text import Text

AREA = Area.TELEGRAM


async def check_telegram(s: TelegramSettings, timeout: float = 10.0) -> list[Check]:
    if s.telegram_bot_token is None:
        return [Check(AREA, "token", CheckStatus.WARN, Text.of("doctor.found.telegram_off"),
                      Text.of("doctor.fix.telegram_off"))]  # fmt: skip
    request = HTTPXRequest(connect_timeout=timeout, read_timeout=timeout)
    bot = Bot(s.telegram_bot_token.get_secret_value(), base_url=s.telegram_api_url,
              request=request, get_updates_request=request)  # fmt: skip
    try:
        await bot.initialize()  # getMe
    except InvalidToken:
        return [Check(AREA, "token", CheckStatus.FAIL, Text.of("doctor.found.telegram_token"),
                      Text.of("doctor.fix.telegram_token"))]  # fmt: skip
    except (TimedOut, NetworkError, TelegramError) as exc:
        return [Check(AREA, "token", CheckStatus.FAIL,
                      Text.of("doctor.found.unreachable", error=str(exc)),
                      Text.of("doctor.fix.telegram_unreachable"))]  # fmt: skip
    try:
        name = bot.bot.username or bot.bot.first_name
        out = [
            Check(AREA, "token", CheckStatus.OK, Text.of("doctor.found.telegram_bot", name=name))
        ]
        out.append(await _chat(bot, s.telegram_chat_id))
        return out
    finally:
        await bot.shutdown()


async def _chat(bot: Bot, chat_id: int | None) -> Check:
    if chat_id is None:
        return Check(AREA, "chat", CheckStatus.FAIL, Text.of("doctor.found.chat_unset"),
                     Text.of("doctor.fix.chat"))  # fmt: skip
    try:
        chat = await bot.get_chat(chat_id)
    except (Forbidden, TelegramError) as exc:
        return Check(AREA, "chat", CheckStatus.FAIL,
                     Text.of("doctor.found.chat_bad", chat=chat_id, error=str(exc)),
                     Text.of("doctor.fix.chat"))  # fmt: skip
    name = chat.title or chat.username or chat.first_name or str(chat.id)
    return Check(AREA, "chat", CheckStatus.OK,
                 Text.of("doctor.found.chat_ok", chat=chat_id, name=name))  # fmt: skip
