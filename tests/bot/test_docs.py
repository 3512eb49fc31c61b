"""Every setting is documented in .env.example and the README; the example file itself loads."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        env = name.upper()
        assert f"\n{env}=" in example, f"{env} missing from .env.example"
        assert f"`{env}`" in readme, f"{env} missing from the README settings table"


def test_env_example_is_valid() -> None:
    settings = load_settings(env_file=ROOT / ".env.example")
    assert settings.trading_mode.value == "paper"


def test_env_example_has_no_unknown_keys() -> None:
    from bot.settings_check import unknown_settings

    assert unknown_settings(Settings.model_fields, ROOT / ".env.example", {}) == []


def test_docs_match_the_access_rule_for_an_empty_allowed_users_list() -> None:
    """Regression (issue 12): the docs said an empty TELEGRAM_ALLOWED_USERS admits any member of
    the group, while the access gate (as its docstring says) admits none of them."""
    from bot.telegram.access import AccessGate

    gate = AccessGate(chat_id=-100, allowed_users=[])
    assert not gate.is_allowed(-100, 42, "supergroup")
    assert gate.is_allowed(7, 7, "private") is False  # not the configured chat
    assert AccessGate(chat_id=7, allowed_users=[]).is_allowed(7, 7, "private")
    for doc in ((ROOT / "README.md").read_text(), (ROOT / ".env.example").read_text()):
        assert "any member" not in doc
        assert "empty: no member can" in doc


def test_every_notification_kind_is_documented() -> None:
    from core.notifications import NotificationKind

    readme = (ROOT / "README.md").read_text()
    example = " ".join((ROOT / ".env.example").read_text().replace("#", " ").split())
    for kind in NotificationKind:
        assert f" {kind.value}," in readme or f" {kind.value} |" in readme, kind
        assert f" {kind.value}," in example or f" {kind.value} NOTIFY_LEVELS=" in example, kind


def _settings_table() -> list[list[str]]:
    """The README settings table's rows, cells split on unescaped `|` (`\\|` stays in a cell)."""
    import re

    readme = (ROOT / "README.md").read_text()
    head = "| setting | default | meaning |"
    assert readme.count(head) == 1, "one settings table"
    block = readme.split(head, 1)[1].split("\n\n", 1)[0].strip().splitlines()[1:]  # no |---|
    rows = []
    for line in block:
        assert line.startswith("| ") and line.endswith(" |"), line
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line[1:-1])]
        rows.append(cells)
    return rows


def _default_text(name: str) -> str:
    import datetime
    import enum

    value = Settings.model_fields[name].get_default(call_default_factory=True)
    if value is None or value in ("", [], (), {}):
        return "(empty)"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(value)


def test_readme_settings_table_matches_the_settings_model() -> None:
    """Issue 14: duplicated and empty rows, a row broken by an unescaped `|`, descriptions copied
    from the neighbouring setting. Every row: three cells, a setting of the model (each once,
    all of them), its real default, and a description of its own."""
    rows = _settings_table()
    assert all(len(r) == 3 for r in rows), [r for r in rows if len(r) != 3]
    names = [r[0].strip("`").lower() for r in rows]
    assert len(names) == len(set(names)), "a setting listed twice"
    assert set(names) == set(Settings.model_fields), set(names) ^ set(Settings.model_fields)
    for name, (_, default, meaning) in zip(names, rows, strict=True):
        want = _default_text(name)
        value = Settings.model_fields[name].default
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert float(default) == value, (name, default, value)
        else:
            assert default == want, (name, default, want)
        assert meaning, f"{name.upper()}: no description"
    meanings = [r[2] for r in rows]
    copied = {m for m in meanings if meanings.count(m) > 1}
    assert not copied, copied


def test_the_documented_emulator_token_passes_our_validation() -> None:
    """Issue 14: the README's emulator command used a token (123:abc) our settings refuse."""
    import re

    readme = (ROOT / "README.md").read_text()
    tokens = re.findall(r"--token (\S+?)`", readme)
    assert tokens
    for token in tokens:
        load_settings(env_file=None, telegram_bot_token=token, telegram_chat_id=1)


def test_the_users_bots_file_is_ignored_by_git() -> None:
    """Issue 14: `bots.toml` (the user's own bots, copied from bots.example.toml) showed up as a
    change to commit."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        lines = (ROOT / ".gitignore").read_text().split()
        assert "/bots.toml" in lines or "bots.toml" in lines
        return
    for path, ignored in (("bots.toml", True), ("bots.example.toml", False)):
        done = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        assert (done.returncode == 0) is ignored, path
