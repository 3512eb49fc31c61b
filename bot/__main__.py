"""`python -m bot` — run the service. `python -m bot --help` lists the sub-commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from loguru import logger

from bot import __version__
from bot.config import Settings, SettingsError, load_settings
from bot.demo import DemoError
from bot.features import StartupError
from bot.logging_setup import setup_logging
from bot.settings_check import unknown_settings
from bot.settings_sections import backup_folder
from core.storage import StorageError
from core.storage.backup import BackupError, backup_file
from core.storage.migrations import LATEST_VERSION
from core.storage.restore import RestoreError, restore_file

EXIT_BAD_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    p.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    p.add_argument(
        "--sim",
        action="store_true",
        help="offline demo: run against the built-in exchange simulator (no keys, no internet)",
    )
    p.add_argument(
        "--version",
        action="version",
        version=f"kimp-bot {__version__} (database schema {LATEST_VERSION})",
    )
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="run the service (the default)")
    sub.add_parser(
        "doctor",
        help="pre-flight check of keys, permissions, clocks, modes, balances, stakes and "
        "Telegram; exit code 0 when nothing is ❌, else 1",
    )
    sub.add_parser(
        "backup",
        help="back up the database now (safe while the service runs) into BACKUP_DIR, keeping "
        "the newest BACKUP_KEEP",
    )
    restore = sub.add_parser(
        "restore",
        help="install a backup as the database (the service must be stopped); the current "
        "database is renamed aside, never deleted",
    )
    restore.add_argument(
        "file", type=Path, help="the backup, e.g. backups/bot-20260101-000000.sqlite3"
    )
    sub.add_parser("backtest", help="backtest a bot: python -m bot backtest --help", add_help=False)
    sub.add_parser("hedge-replay", help="replay a kimp_hedge bot on the stored premium history: "
                   "python -m bot hedge-replay --help", add_help=False)  # fmt: skip
    sub.add_parser("hedge-search", help="search a kimp_hedge bot's bands on the stored premium "
                   "history: python -m bot hedge-search --help", add_help=False)  # fmt: skip
    return p


async def _serve(settings_sim: bool, settings: object) -> int:
    from bot.app import Service

    service = Service(settings, sim=settings_sim)  # type: ignore[arg-type]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals_seen = 0

    def on_signal(signum: int) -> None:
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            logger.info(
                "{} received: shutting down (send again to exit at once)",
                signal.Signals(signum).name,
            )
            stop.set()
        else:
            logger.warning("second signal: exiting now")
            os._exit(130)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        await service.run(stop)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0


def backtest(argv: list[str]) -> int:
    """`python -m bot backtest ...`: the strategies' backtest command, with the defaults from the
    settings and the stored candles read through the candle store."""
    from bot.chart_words import backtest_words
    from bot.i18n import Messages
    from exchanges.candle_store import CandleFile
    from strategies.backtest_cli import BacktestDefaults
    from strategies.backtest_cli import main as backtest_main
    from strategies.data import DataError

    def defaults() -> BacktestDefaults:
        try:
            s = load_settings()
        except SettingsError as exc:
            raise DataError(str(exc)) from None
        return BacktestDefaults(
            strategies_dir=s.strategies_dir,
            bots_file=s.bots_file,
            db_path=s.db_path,
            max_leverage=s.max_leverage,
            paper_balance_krw=s.paper_balance_krw,
            paper_balance_usdt=s.paper_balance_usdt,
            paper_slippage_bps=s.paper_slippage_bps,
            tz=s.tz,
            chart_words=lambda bot, currency: backtest_words(s.language, bot, currency),
            words=Messages(s.language).render,
        )

    return backtest_main(argv, defaults, CandleFile)


def backup(settings: Settings) -> int:
    """`python -m bot backup`: an online copy, consistent even while the service writes."""
    db_path = settings.storage.db_path
    if not db_path.is_file():
        print(f"no database at {db_path}: check DB_PATH", file=sys.stderr)
        return 1
    ops = settings.ops
    try:
        path = backup_file(db_path, backup_folder(ops, db_path), time.time(), ops.backup_keep)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup written: {path}")
    return 0


def restore(settings: Settings, file: Path) -> int:
    """`python -m bot restore FILE`: checked, the current database kept aside, then installed.
    Every refusal is exit code 2 with the reason; nothing is changed then."""
    db_path = settings.storage.db_path
    try:
        done = restore_file(file, db_path, time.time())
    except RestoreError as exc:
        print(f"restore refused: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    info = done.backup
    counts = ", ".join(f"{n} {table}" for table, n in info.rows.items())
    print(f"restored {info.path} (schema version {info.schema}; {counts}) as {db_path}")
    for kept in done.kept:
        print(f"the previous database file was kept as {kept}")
    if not done.kept:
        print("there was no database before")
    if info.schema < LATEST_VERSION:
        print(f"the service upgrades it to schema version {LATEST_VERSION} when it starts")
    print("start the service now (e.g. sudo systemctl start kimp-bot)")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["backtest"]:
        return backtest(argv[1:])
    if argv[:1] in (["hedge-replay"], ["hedge-search"]):
        from bot.hedge_cli import run

        return run(argv[1:], search_mode=argv[0] == "hedge-search")
    args = _parser().parse_args(argv)
    env_file = args.env_file if Path(args.env_file).exists() else None
    try:
        settings = load_settings(env_file=env_file)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_CONFIG
    setup_logging(
        settings.log_level,
        settings.log_dir,
        settings.secrets(),
        settings.tz,
        settings.log_retention_days,
    )
    for unknown in unknown_settings(Settings.model_fields, env_file, os.environ):
        logger.warning(unknown.message())
    if args.command == "backup":
        return backup(settings)
    if args.command == "restore":
        return restore(settings, args.file)
    if args.command == "doctor":
        from bot.doctor.cli import main as doctor_main

        return doctor_main(settings)
    try:
        return asyncio.run(_serve(args.sim, settings))
    except (StorageError, StartupError, DemoError) as exc:
        logger.error("cannot start: {}", exc)
        return EXIT_BAD_CONFIG
    except KeyboardInterrupt:  # pragma: no cover - signals are handled above
        return 130


if __name__ == "__main__":
    sys.exit(main())
