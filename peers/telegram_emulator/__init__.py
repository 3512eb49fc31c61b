"""A local Telegram Bot API emulator for tests and the offline demo.

PTB talks to it exactly as to api.telegram.org; only `base_url` changes:

    async with TelegramEmulator(token=TOKEN) as tg:
        app = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
        ...
        tg.send_user_message(CHAT_ID, "/status")
        reply = await tg.wait_for_message(lambda m: "mode" in m.content)

Run standalone with `python -m peers.telegram_emulator --port 8081`.
"""

from peers.telegram_emulator.emulator import DEFAULT_TOKEN, TelegramEmulator
from peers.telegram_emulator.faults import FloodLimits
from peers.telegram_emulator.models import (
    ApiError,
    CallbackAnswer,
    CallRecord,
    Edit,
    Fault,
    FaultKind,
    SentMessage,
    Upload,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "CallRecord",
    "CallbackAnswer",
    "Edit",
    "Fault",
    "FaultKind",
    "FloodLimits",
    "SentMessage",
    "TelegramEmulator",
    "Upload",
]
