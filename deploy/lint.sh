#!/usr/bin/env bash
# Lint the deployment files: the systemd unit (systemd-analyze verify) and the Dockerfile
# (hadolint). Each check is skipped, saying so, when its tool is not installed. `./dev lint` runs it.
# Last, it says whether the image's build and smoke test (tests/deploy/test_docker.py) can run here.
set -euo pipefail
cd "$(dirname "$0")/.."
dockerfile=${DOCKERFILE:-deploy/Dockerfile}  # another file for the lint tests

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
  hadolint "$dockerfile"
  echo "$dockerfile: hadolint passed"
elif command -v docker >/dev/null 2>&1 && docker image inspect hadolint/hadolint >/dev/null 2>&1; then
  docker run --rm -i hadolint/hadolint <"$dockerfile"
  echo "$dockerfile: hadolint (container) passed"
else
  # Without hadolint, the rules this image depends on are still checked (a partial stand-in).
  problems=()
  grep -Eq '^FROM [^ :]+:[^ ]+' "$dockerfile" || problems+=("a base image without a tag")
  grep -Eq '^FROM [^ ]+:latest' "$dockerfile" && problems+=("a base image tagged latest")
  last_user=$(grep -E '^USER ' "$dockerfile" | tail -n1 | awk '{print $2}')
  case "$last_user" in ""|root|0) problems+=("runs as root (no final USER)") ;; esac
  grep -Eq '^HEALTHCHECK ' "$dockerfile" || problems+=("no HEALTHCHECK")
  grep -Eq 'uv sync --frozen' "$dockerfile" || problems+=("dependencies not from the lockfile")
  if [ ${#problems[@]} -gt 0 ]; then
    for problem in "${problems[@]}"; do echo "$dockerfile: $problem" >&2; done
    exit 1
  fi
  echo "$dockerfile: hadolint SKIPPED (not installed: https://github.com/hadolint/hadolint);" \
    "basic checks passed (tagged base, non-root USER, HEALTHCHECK, uv sync --frozen)"
fi

# The image itself is built and smoke-tested by the test suite, only with a container runtime.
runtime=""
for name in docker podman; do
  if command -v "$name" >/dev/null 2>&1 && "$name" info >/dev/null 2>&1; then runtime=$name; break; fi
done
if [ -n "$runtime" ]; then
  echo "$dockerfile: image build and --sim smoke test run by the tests ($runtime)"
else
  echo "$dockerfile: image build and --sim smoke test SKIPPED (no container runtime: neither" \
    "docker nor podman is installed and running; tests/deploy/test_docker.py is skipped too)"
fi
