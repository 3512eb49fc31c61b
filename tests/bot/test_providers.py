"""The facade's provider protocols (bot/providers.py) are declarations: importing the facade
loads no feature area, so a command module typed against them depends on the protocol only.
(That the features' classes satisfy them is checked by mypy where the installers assign them.)"""

from __future__ import annotations

import subprocess
import sys

FEATURES = ("trading", "strategies", "alerts", "exchanges")


def test_facade_and_providers_load_no_feature() -> None:
    code = (
        "import sys, bot.facade, bot.providers\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FEATURES!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
