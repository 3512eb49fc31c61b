"""`python -m peers.telegram_emulator [--port P] [--token T]`: run the emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from peers.telegram_emulator.emulator import DEFAULT_TOKEN, TelegramEmulator


def _args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m peers.telegram_emulator", description="Local Telegram Bot API emulator"
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the only bot token accepted")
    parser.add_argument("--username", default="kimp_test_bot", help="the bot's @username")
    parser.add_argument("--chat-id", type=int, default=777000111, help="chat id shown in hints")
    parser.add_argument(
        "--flood-limits", action="store_true", help="answer 429 like Telegram when sending fast"
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with TelegramEmulator(
            args.token,
            host=args.host,
            port=args.port,
            bot_username=args.username,
            flood_limits=args.flood_limits,
        ) as tg:
            chat = args.chat_id
            print("Telegram Bot API emulator running. Put these in .env:", flush=True)
            print(f"TELEGRAM_API_URL={tg.base_url}")
            print(f"TELEGRAM_BOT_TOKEN={tg.token}")
            print(f"TELEGRAM_CHAT_ID={chat}")
            print("Drive it (GET /__emu lists every control):")
            print(f"  curl -s {tg.url}/__emu/message -d chat_id={chat} -d text=/status")
            print(f"  curl -s '{tg.url}/__emu/sent?chat_id={chat}'", flush=True)
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_args(argv)))


if __name__ == "__main__":
    main()
