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
from bot.cli_words import cli_language
from bot.config import Settings, SettingsError, load_settings
from bot.demo import DemoError
from bot.features import StartupError
from bot.i18n import Messages
from bot.logging_setup import setup_logging
from bot.settings_check import unknown_settings
from bot.settings_sections import backup_folder
from core.storage import StorageError
from core.storage.backup import BackupError, backup_file
from core.storage.migrations import LATEST_VERSION
from core.storage.restore import RestoreError, restore_file

EXIT_BAD_CONFIG = 2


def _parser(t: Messages) -> argparse.ArgumentParser:
    """The command line, its help worded in LANGUAGE (argparse's own headings stay English)."""
    p = argparse.ArgumentParser(
        prog="python -m bot",
        description=t("cli.help.description", cmd="python -m bot", help="python -m bot --help"),
        add_help=False,
    )
    p.add_argument("-h", "--help", action="help", help=t("cli.help.help"))
    p.add_argument("--env-file", default=".env", help=_h(t("cli.help.env_file")))
    p.add_argument("--sim", action="store_true", help=_h(t("cli.help.sim")))
    p.add_argument(
        "--version",
        action="version",
        version=f"kimp-bot {__version__} (database schema {LATEST_VERSION})",
        help=_h(t("cli.help.version")),
    )
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help=_h(t("cli.help.run")))
    sub.add_parser("doctor", help=_h(t("cli.help.doctor")))
    sub.add_parser("backup", help=_h(t("cli.help.backup")))
    restore = sub.add_parser("restore", help=_h(t("cli.help.restore")))
    restore.add_argument(
        "file",
        type=Path,
        help=_h(t("cli.help.restore_file", example="backups/bot-20260101-000000.sqlite3")),
    )
    sub.add_parser(
        "backtest",
        help=_h(t("cli.help.backtest", cmd="python -m bot backtest --help")),
        add_help=False,
    )
    sub.add_parser(
        "hedge-replay",
        help=_h(t("cli.help.hedge_replay", cmd="python -m bot hedge-replay --help")),
        add_help=False,
    )
    sub.add_parser(
        "hedge-search",
        help=_h(t("cli.help.hedge_search", cmd="python -m bot hedge-search --help")),
        add_help=False,
    )
    return p


def _h(text: str) -> str:
    """argparse %-formats help texts: a literal % must be doubled."""
    return text.replace("%", "%%")


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

    return backtest_main(argv, defaults, CandleFile, cli_language().render)


def backup(settings: Settings) -> int:
    """`python -m bot backup`: an online copy, consistent even while the service writes."""
    t = Messages(settings.core.language)
    db_path = settings.storage.db_path
    if not db_path.is_file():
        print(t("cli.backup.no_db", path=db_path), file=sys.stderr)
        return 1
    ops = settings.ops
    try:
        path = backup_file(db_path, backup_folder(ops, db_path), time.time(), ops.backup_keep)
    except BackupError as exc:
        print(t("cli.backup.failed", reason=t.render(exc.text)), file=sys.stderr)
        return 1
    print(t("cli.backup.written", path=path))
    return 0


def restore(settings: Settings, file: Path) -> int:
    """`python -m bot restore FILE`: checked, the current database kept aside, then installed.
    Every refusal is exit code 2 with the reason; nothing is changed then."""
    t = Messages(settings.core.language)
    db_path = settings.storage.db_path
    try:
        done = restore_file(file, db_path, time.time())
    except RestoreError as exc:
        print(t("cli.restore.refused", reason=t.render(exc.text)), file=sys.stderr)
        return EXIT_BAD_CONFIG
    info = done.backup
    counts = ", ".join(t("cli.restore.count", n=n, table=table) for table, n in info.rows.items())
    print(t("cli.restore.done", path=info.path, schema=info.schema, counts=counts, db=db_path))
    for kept in done.kept:
        print(t("cli.restore.kept", path=kept))
    if not done.kept:
        print(t("cli.restore.no_previous"))
    if info.schema < LATEST_VERSION:
        print(t("cli.restore.upgrade", latest=LATEST_VERSION))
    print(t("cli.restore.start", cmd="sudo systemctl start kimp-bot"))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["backtest"]:
        return backtest(argv[1:])
    if argv[:1] in (["hedge-replay"], ["hedge-search"]):
        from bot.hedge_cli import run

        return run(argv[1:], search_mode=argv[0] == "hedge-search")
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--env-file", default=".env")
    args = _parser(cli_language(pre.parse_known_args(argv)[0].env_file)).parse_args(argv)
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
