"""Benchmarks: each module prints its own figures from `main(quick: bool = False)`.

They live outside the service packages and the service never imports them (import contract in
pyproject.toml). Run them all with `./dev bench` (`python -m bench`), one with `--only NAME`.
"""
