"""The image builds from the lockfile and answers /status in the offline demo (`--sim`), when a
container runtime is available; skipped, saying why, when it is not."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _runtime() -> str:
    for name in ("docker", "podman"):
        path = shutil.which(name)
        if path is None:
            continue
        try:
            ok = subprocess.run([path, "info"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return path
    pytest.skip("no container runtime: neither docker nor podman is installed and running")


@pytest.mark.timeout(2400)  # a cold build downloads and installs every locked dependency
def test_image_builds_and_answers_status_in_the_demo() -> None:
    runtime = _runtime()
    tag = f"kimp-bot-smoke:{uuid.uuid4().hex[:8]}"
    build = subprocess.run(
        [runtime, "build", "-f", "deploy/Dockerfile", "-t", tag, "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    name = f"kimp-bot-smoke-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [runtime, "run", "--rm", "-i", "--name", name, "-e", "LANGUAGE=en",
         "--tmpfs", "/data:uid=10001", tag, "--sim"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdin is not None and proc.stdout is not None
        out = ""
        for line in proc.stdout:  # the container's output, until the answers are in
            out += line
            if "Console chat ready" in line:
                proc.stdin.write("/status\n/version\n")
                proc.stdin.flush()
            if "database schema" in line:
                break
        assert "Mode: paper" in out and "database schema" in out, out[-4000:]
        assert "Traceback" not in out
        subprocess.run([runtime, "stop", "-t", "20", name], capture_output=True, timeout=60)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run([runtime, "rmi", "-f", tag], capture_output=True, timeout=120)
