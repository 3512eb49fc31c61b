#!/usr/bin/env bash
# Lint the deployment files: the systemd unit (systemd-analyze verify) and the Dockerfile
# (hadolint). Each check is skipped, saying so, when its tool is not installed. `./dev lint` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v systemd-analyze >/dev/null 2>&1; then
  # verify wants ExecStart's program to exist: point it at this checkout's interpreter.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python=$(command -v python3 || command -v python)
  [ -x .venv/bin/python ] && python=$(readlink -f .venv/bin/python)
  sed "s|/opt/kimp-bot/.venv/bin/python|$python|" deploy/kimp-bot.service >"$tmp/kimp-bot.service"
  out=$(systemd-analyze verify "$tmp/kimp-bot.service" 2>&1) || { echo "$out" >&2; exit 1; }
  if [ -n "$out" ]; then echo "$out" >&2; exit 1; fi  # warnings count as failures
  echo "deploy/kimp-bot.service: systemd-analyze verify passed"
else
  echo "deploy/kimp-bot.service: SKIPPED (systemd-analyze not installed)"
fi

if command -v hadolint >/dev/null 2>&1; then
  hadolint deploy/Dockerfile
  echo "deploy/Dockerfile: hadolint passed"
elif command -v docker >/dev/null 2>&1 && docker image inspect hadolint/hadolint >/dev/null 2>&1; then
  docker run --rm -i hadolint/hadolint <deploy/Dockerfile
  echo "deploy/Dockerfile: hadolint (container) passed"
else
  echo "deploy/Dockerfile: SKIPPED (hadolint not installed)"
fi
