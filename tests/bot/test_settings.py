"""Settings validation: every bad value gets its own message; secrets never appear in output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, TradingMode, load_settings

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:SECRET-token-value-abcdef"
SECRET = "super-secret-binance-value"


def test_defaults_are_paper_with_console_chat() -> None:
    s = load_settings(env_file=None)
    assert s.trading_mode is TradingMode.PAPER
    assert s.telegram_bot_token is None
    assert s.upbit_rest_url == "https://api.upbit.com"
    assert s.telegram_api_url == "https://api.telegram.org/bot"
    assert str(s.db_path).startswith("data")
    assert s.timezone == "Asia/Seoul"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"trading_mode": "lve"}, "TRADING_MODE"),
        ({"upbit_rest_url": "ftp://x"}, "UPBIT_REST_URL: 'ftp://x' is not a http/https URL"),
        ({"binance_ws_url": "http://127.0.0.1:1"}, "BINANCE_WS_URL"),
        ({"telegram_chat_id": "abc"}, "TELEGRAM_CHAT_ID"),
        ({"trading_mode": "live"}, "TRADING_MODE=live needs exchange keys"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"log_level": "LOUD"}, "LOG_LEVEL"),
        ({"telegram_bot_token": TOKEN}, "TELEGRAM_CHAT_ID is not"),
        ({"default_leverage": 30}, "DEFAULT_LEVERAGE is above MAX_LEVERAGE"),
        ({"notify_levels": "order_filled=loud"}, "NOTIFY_LEVELS"),
    ],
)
def test_each_bad_value_has_a_clear_message(overrides: dict[str, object], expected: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env_file=None, **overrides)
    assert expected in str(info.value)
    assert "Traceback" not in str(info.value)


def test_all_problems_listed_at_once() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env_file=None, trading_mode="x", upbit_ws_url="nope", telegram_chat_id="y")
    text = str(info.value)
    for name in ("TRADING_MODE", "UPBIT_WS_URL", "TELEGRAM_CHAT_ID"):
        assert name in text


def test_secret_values_never_echoed() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(env_file=None, telegram_bot_token="not a token " + SECRET)
    assert SECRET not in str(info.value)
    s = load_settings(
        env_file=None,
        trading_mode="live",
        binance_api_key="k" * 20,
        binance_api_secret=SECRET,
    )
    assert SECRET not in repr(s)
    assert SECRET not in str(s.redacted())
    assert SECRET in s.secrets()


def test_env_file_and_csv_lists(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "TRADING_MODE=paper\nTELEGRAM_ALLOWED_USERS=1, 2,3\nKIMP_DENYLIST=btt,gas\n"
        "NOTIFY_LEVELS=kimp_alert=silent,order_filled=on\n"
    )
    s = load_settings(env_file=env)
    assert s.telegram_allowed_users == [1, 2, 3]
    assert s.kimp_denylist == ["BTT", "GAS"]
    assert s.notify_levels["kimp_alert"].value == "silent"


def test_bad_settings_exit_2_without_traceback_or_secret(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "TRADING_MODE": "live",
        "UPBIT_REST_URL": "not-a-url",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_CHAT_ID": "not-a-number",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "Traceback" not in out
    assert "UPBIT_REST_URL" in out and "TELEGRAM_CHAT_ID" in out
    assert TOKEN not in out and "SECRET-token" not in out


def test_log_redaction_hides_configured_secrets(tmp_path: Path) -> None:
    from loguru import logger

    from bot.logging_setup import setup_logging

    setup_logging("DEBUG", tmp_path, [SECRET, TOKEN])
    try:
        logger.info("calling with key {} and url https://x/bot{}/getMe", SECRET, TOKEN)
        try:
            raise ValueError(f"bad signature for {SECRET}")
        except ValueError:
            logger.exception("request failed")
    finally:
        logger.remove()
    text = (tmp_path / "bot.log").read_text()
    assert "calling with key ***" in text
    assert SECRET not in text and TOKEN not in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ko", "ko"), ("EN", "en"), ("en_US:en", "en"), ("ko_KR.UTF-8", "ko"), ("de_DE:de", "en")],
)
def test_language_accepts_system_locale_values(raw: str, expected: str) -> None:
    # Regression: LANGUAGE is also the system locale list, e.g. "en_US:en" on Ubuntu.
    assert load_settings(env_file=None, language=raw).language == expected


def test_language_rejects_a_wrong_word() -> None:
    with pytest.raises(SettingsError, match="LANGUAGE: use ko or en"):
        load_settings(env_file=None, language="korean")


def test_every_setting_belongs_to_exactly_one_section() -> None:
    from dataclasses import fields

    from bot.config import Settings
    from bot.settings_sections import SECTIONS

    owners: dict[str, list[str]] = {}
    for section, cls in SECTIONS.items():
        for f in fields(cls):
            owners.setdefault(f.name, []).append(section)
    assert set(owners) == set(Settings.model_fields)
    assert {name: where for name, where in owners.items() if len(where) > 1} == {}


def test_sections_are_frozen_views_of_the_flat_settings(tmp_path: Path) -> None:
    from dataclasses import FrozenInstanceError

    s = load_settings(
        env_file=None,
        kimp_high_pct=4.5,
        kimp_denylist="btt",
        max_leverage=7,
        default_leverage=3,
        db_path=tmp_path / "x.db",
        notify_levels="kimp_alert=silent",
    )
    assert s.kimp.kimp_high_pct == 4.5 and s.kimp.kimp_denylist == ("BTT",)
    assert s.risk.max_leverage == 7 and s.risk.default_leverage == 3
    assert s.storage.db_path == tmp_path / "x.db"
    assert s.notify.notify_levels["kimp_alert"].value == "silent"
    assert s.core.trading_mode is TradingMode.PAPER
    assert s.telegram.telegram_bot_token is None
    with pytest.raises(FrozenInstanceError):
        s.kimp.kimp_high_pct = 1.0  # type: ignore[misc]


def test_unknown_env_file_key_names_the_likely_setting(tmp_path: Path) -> None:
    from bot.config import Settings
    from bot.settings_check import unknown_settings

    env = tmp_path / ".env"
    env.write_text("KIMP_HIGH_PCT=3\nKIMP_HIHG_PCT=4\nkimp_low_pct=-1\nWHATEVER_ELSE=1\n")
    found = unknown_settings(Settings.model_fields, env, {})
    assert [u.message() for u in found] == [
        "unknown setting KIMP_HIHG_PCT in .env — did you mean KIMP_HIGH_PCT?",
        "unknown setting WHATEVER_ELSE in .env",
    ]


def test_unknown_app_prefixed_environment_variables_are_reported() -> None:
    from bot.config import Settings
    from bot.settings_check import unknown_settings

    environ = {
        "UPBIT_ACESS_KEY": "x",  # typo of an app setting
        "TELEGRAM_CHAT_ID": "1",  # known
        "NO_PROXY": "localhost",  # the machine's, not ours
        "PATH": "/bin",
    }
    found = unknown_settings(Settings.model_fields, None, environ)
    assert [u.message() for u in found] == [
        "unknown setting UPBIT_ACESS_KEY in the environment — did you mean UPBIT_ACCESS_KEY?"
    ]


def test_unknown_setting_is_warned_once_at_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.__main__ as entry

    env = tmp_path / ".env"
    env.write_text(f"KIMP_HIHG_PCT=4\nLOG_DIR={tmp_path / 'logs'}\nDB_PATH={tmp_path / 'b.db'}\n")

    async def no_service(sim: bool, settings: object) -> int:
        return 0

    monkeypatch.setattr(entry, "_serve", no_service)
    from loguru import logger

    try:
        assert entry.main(["--env-file", str(env)]) == 0
    finally:
        logger.remove()
    log = (tmp_path / "logs" / "bot.log").read_text()
    line = "unknown setting KIMP_HIHG_PCT in .env — did you mean KIMP_HIGH_PCT?"
    assert log.count(line) == 1
