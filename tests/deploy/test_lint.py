"""`deploy/lint.sh` says what it skipped and why, and without hadolint still fails a Dockerfile
that breaks the rules this image depends on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _lint(dockerfile: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if dockerfile is not None:
        env["DOCKERFILE"] = str(dockerfile)
    return subprocess.run(
        ["bash", "deploy/lint.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_checked_in_files_pass_and_skips_are_named() -> None:
    out = _lint()
    assert out.returncode == 0, out.stderr
    for tool, name in (("systemd-analyze", "kimp-bot.service"), ("hadolint", "Dockerfile")):
        if shutil.which(tool) is None:
            assert f"{name}: " in out.stdout and "SKIPPED" in out.stdout, out.stdout
    if shutil.which("docker") is None and shutil.which("podman") is None:
        assert "image build and --sim smoke test SKIPPED (no container runtime" in out.stdout


@pytest.mark.skipif(shutil.which("hadolint") is not None, reason="hadolint itself lints it")
def test_without_hadolint_a_root_untagged_image_fails(tmp_path: Path) -> None:
    good = (ROOT / "deploy" / "Dockerfile").read_text()
    bad = tmp_path / "Dockerfile"
    bad.write_text(
        good.replace("python:3.12-slim-bookworm", "python").replace("\nUSER kimp", "\nUSER root")
    )
    out = _lint(bad)
    assert out.returncode == 1
    assert f"{bad}: a base image without a tag" in out.stderr
    assert f"{bad}: runs as root (no final USER)" in out.stderr
