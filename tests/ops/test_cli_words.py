"""The operations command lines speak the configured language: `restore` and `backup` (their
refusals worded from the typed reasons core/storage returns), `--help`, and the backtest's help
and refusals. Korean mode shows Korean (issue 19)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import backup, restore
from bot.config import load_settings
from core.storage.migrations import LATEST_VERSION
from tests.ops.test_cli import ROOT
from tests.ops.test_restore import REFUSED, _bad_files, _digest, _make_db

# One phrase of each refusal's Korean template: the reason, not only the frame, is Korean.
KOREAN_REASONS = {
    "missing": "에 파일이 없습니다",
    "folder": "는 파일이 아닙니다",
    "empty": "가 비어 있습니다",
    "text": "는 SQLite 데이터베이스가 아닙니다",
    "newer": f"스키마 버전 {LATEST_VERSION + 1}은 이 프로그램({LATEST_VERSION})보다 새 버전",
    "foreign": "스키마 버전이 없는 SQLite 파일",
    "foreign_v3": "없는 테이블: alert_state, alerts_sent, balances",
    "damaged": "손상되었습니다",
}


def _ko(data: Path, **kw: object) -> object:
    return load_settings(env_file=None, db_path=data / "bot.sqlite3", language="ko", **kw)


def test_restore_speaks_korean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _make_db(data / "bot.sqlite3", LATEST_VERSION, orders=3)
    before = _digest(data)
    for name, (file, _english) in _bad_files(tmp_path).items():
        code = restore(_ko(data), file)  # type: ignore[arg-type]
        out = capsys.readouterr()
        assert code == REFUSED, (name, out)
        assert out.err.startswith("복원 거부: ") and KOREAN_REASONS[name] in out.err, (name, out)
        assert "restore refused" not in out.err and "Traceback" not in out.err
    assert _digest(data) == before
    old = tmp_path / "bot-20250101-000000.sqlite3"
    _make_db(old, 1, orders=7)
    assert restore(_ko(data), old) == 0  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert f"{old}(스키마 버전 1; orders 7행, fills 0행" in out and "복원했습니다" in out
    assert "이전 데이터베이스 파일은" in out and "보관했습니다" in out
    assert f"스키마 버전 {LATEST_VERSION}로 업그레이드합니다" in out
    assert "이제 서비스를 시작하세요 (예: sudo systemctl start kimp-bot)" in out
    assert "restored" not in out and "start the service" not in out


def test_backup_speaks_korean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert backup(_ko(data)) == 1  # type: ignore[arg-type]
    assert "데이터베이스가 없습니다: DB_PATH를 확인하세요" in capsys.readouterr().err
    _make_db(data / "bot.sqlite3", LATEST_VERSION, orders=1)
    (tmp_path / "taken").write_text("a file where the backup folder should be")
    assert backup(_ko(data, backup_dir=tmp_path / "taken" / "backups")) == 1  # type: ignore[arg-type]
    err = capsys.readouterr().err
    assert err.startswith("백업 실패: 백업 폴더 ") and "를 만들 수 없습니다" in err, err
    assert backup(_ko(data)) == 0  # type: ignore[arg-type]
    (copy,) = (data / "backups").iterdir()
    assert capsys.readouterr().out.strip() == f"백업 완료: {copy}"


def _run_ko(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "UPBIT_", "BINANCE_"))
    }
    env.update(PYTHONPATH=str(ROOT), DB_PATH=str(tmp / "bot.db"), LOG_DIR=str(tmp / "logs"))
    env["LANGUAGE"] = "ko"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_and_the_backtest_speak_korean(tmp_path: Path) -> None:
    top = _run_ko(tmp_path, "--help")
    assert top.returncode == 0, top.stderr
    assert "서비스를 실행합니다 (기본)" in top.stdout and "설정 파일 (기본: .env)" in top.stdout
    assert "run the service" not in top.stdout and "settings file" not in top.stdout
    bt_help = _run_ko(tmp_path, "backtest", "--help")
    assert bt_help.returncode == 0, bt_help.stderr
    assert "봇 파일에 있는 봇 이름" in bt_help.stdout and "bot name" not in bt_help.stdout
    (tmp_path / "bots.toml").write_text(
        '[bots.c]\nstrategy = "rsi"\nexchange = "upbit"\nsymbols = ["BTC/KRW"]\nstake = 100000\n'
    )
    args = ["--from", "2026-01-01", "--to", "2026-01-02", "--bots", "bots.toml"]
    no_bot = _run_ko(tmp_path, "backtest", "--bot", "zz", *args)
    assert no_bot.returncode == 2
    assert no_bot.stderr.startswith("백테스트: bots.toml에 봇 'zz'이 없습니다; 있는 봇: c")
    no_db = _run_ko(tmp_path, "backtest", "--bot", "c", *args)
    assert no_db.returncode == 2
    assert "데이터베이스가 없습니다: --db PATH 또는 --csv FILE를 주세요" in no_db.stderr
    assert "Traceback" not in no_bot.stderr + no_db.stderr


def test_the_hedge_commands_speak_korean(tmp_path: Path) -> None:
    search = _run_ko(tmp_path, "hedge-search", "--help")
    assert search.returncode == 0, search.stderr
    assert "진입 구간, from:to:step %" in search.stdout and "학습에 쓸 기간의 비율" in search.stdout
    assert "entry bands" not in search.stdout
    bad = _run_ko(tmp_path, "hedge-search", "--bot", "kh", "--from", "2026-01-01", "--to",
                  "2026-01-02", "--bots", "none.toml")  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.startswith("hedge-search: none.toml에 봇 'kh'이 없습니다; 있는 봇: 없음")
