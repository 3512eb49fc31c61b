"""`python -m bot` — run the service. `python -m bot --help` lists the sub-commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path

from loguru import logger

from bot.config import SettingsError, load_settings
from bot.features import StartupError
from bot.logging_setup import setup_logging
from bot.storage import StorageError

EXIT_BAD_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    p.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    p.add_argument(
        "--sim",
        action="store_true",
        help="offline demo: run against the built-in exchange simulator (no keys, no internet)",
    )
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="run the service (the default)")
    sub.add_parser("backtest", help="backtest a bot: python -m bot backtest --help", add_help=False)
    bench = sub.add_parser("bench", help="print the performance benchmarks")
    bench.add_argument("--quick", action="store_true", help="smaller runs, for a quick look")
    bench.add_argument("--only", choices=sorted(BENCHMARKS), action="append", help="run only these")
    return p


# Each area's benchmark module exposes main(quick: bool) and prints its own figures.
BENCHMARKS = {
    "streams": "exchanges.bench",
    "strategies": "strategies.bench",
    "kimp": "alerts.bench",
    "orders": "bot.trading.bench",
    "telegram": "bot.telegram.bench",
}


# Smaller runs for `bench --quick`, for benchmarks that take command-line arguments.
QUICK_ARGS = {
    "streams": ["--events", "200000", "--symbols", "100"],
    "kimp": ["--updates", "200000"],
}


def _bench(quick: bool, only: list[str] | None) -> int:
    import importlib
    import inspect

    failed = 0
    for name in only or list(BENCHMARKS):
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(BENCHMARKS[name])
        run = module.main
        try:
            params = inspect.signature(run).parameters
            if "quick" in params:
                run(quick=quick)
            elif "argv" in params:
                run(QUICK_ARGS.get(name, []) if quick else [])
            else:
                run()
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed += 1
            print(f"{name} benchmark failed: {type(exc).__name__}: {exc}", flush=True)
    return 1 if failed else 0


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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["backtest"]:
        from strategies.backtest import main as backtest_main

        return backtest_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "bench":
        return _bench(args.quick, args.only)
    env_file = args.env_file if Path(args.env_file).exists() else None
    try:
        settings = load_settings(env_file=env_file)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_CONFIG
    setup_logging(settings.log_level, settings.log_dir, settings.secrets())
    try:
        return asyncio.run(_serve(args.sim, settings))
    except (StorageError, StartupError) as exc:
        logger.error("cannot start: {}", exc)
        return EXIT_BAD_CONFIG
    except KeyboardInterrupt:  # pragma: no cover - signals are handled above
        return 130


if __name__ == "__main__":
    sys.exit(main())
