"""Named long-lived tasks under one supervisor: crash -> log, report, restart with backoff."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from loguru import logger

from core.clock import Clock, SystemClock

RunFn = Callable[[], Awaitable[None]]
CrashReporter = Callable[[str, BaseException, int, float], None]


class ComponentState(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    RESTARTING = "restarting"
    STOPPED = "stopped"
    FAILED = "failed"  # gave up restarting (only when max_restarts is set)


@dataclass(slots=True)
class ComponentInfo:
    name: str
    run: RunFn
    restart: bool
    state: ComponentState = ComponentState.STARTING
    restarts: int = 0
    last_error: str = ""
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class Supervisor:
    """Start components in order; stop them in reverse order within a deadline.

    A component is an async function that runs until cancelled. If it raises, the error is
    logged, `on_crash` is told (the service turns that into a notification) and it is started
    again after an exponential backoff with jitter, reset after it has run healthily for a while.
    """

    def __init__(
        self,
        on_crash: CrashReporter | None = None,
        clock: Clock | None = None,
        backoff_initial: float = 1.0,
        backoff_max: float = 60.0,
        healthy_after: float = 60.0,
        max_restarts: int | None = None,
    ) -> None:
        self._components: dict[str, ComponentInfo] = {}
        self._order: list[str] = []
        self._on_crash = on_crash
        self._clock = clock or SystemClock()
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._healthy_after = healthy_after
        self._max_restarts = max_restarts

    def start(self, name: str, run: RunFn, *, restart: bool = True) -> None:
        if name in self._components and self._components[name].task is not None:
            raise ValueError(f"component {name!r} already started")
        info = ComponentInfo(name=name, run=run, restart=restart)
        self._components[name] = info
        self._order.append(name)
        info.task = asyncio.create_task(self._guard(info), name=f"component:{name}")

    def components(self) -> list[ComponentInfo]:
        return [self._components[n] for n in self._order]

    async def _guard(self, info: ComponentInfo) -> None:
        delay = self._backoff_initial
        while True:
            started = self._clock.monotonic()
            info.state = ComponentState.RUNNING
            try:
                await info.run()
            except asyncio.CancelledError:
                info.state = ComponentState.STOPPED
                raise
            except Exception as exc:
                info.restarts += 1
                info.last_error = f"{type(exc).__name__}: {exc}"
                if self._clock.monotonic() - started >= self._healthy_after:
                    delay = self._backoff_initial
                logger.opt(exception=exc).error(
                    "component {} crashed ({}); restart #{} in {:.1f}s",
                    info.name,
                    info.last_error,
                    info.restarts,
                    delay,
                )
                if self._on_crash is not None:
                    try:
                        self._on_crash(info.name, exc, info.restarts, delay)
                    except Exception:
                        logger.exception("crash reporter failed")
                if not info.restart or (
                    self._max_restarts is not None and info.restarts > self._max_restarts
                ):
                    info.state = ComponentState.FAILED
                    return
                info.state = ComponentState.RESTARTING
                await self._clock.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self._backoff_max)
            else:
                info.state = ComponentState.STOPPED
                return

    async def stop(self, deadline: float = 10.0) -> list[str]:
        """Cancel components newest first, sharing one deadline. Returns names that overran."""
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        overran: list[str] = []
        live = [
            n for n in reversed(self._order) if (t := self._components[n].task) and not t.done()
        ]
        for index, name in enumerate(live):
            info = self._components[name]
            task = info.task
            assert task is not None
            task.cancel()
            # A fair share of what is left, so one stubborn component cannot starve the rest.
            remaining = max(0.0, end - loop.time()) / (len(live) - index)
            try:
                async with asyncio.timeout(remaining):
                    await asyncio.shield(_wait_quietly(task))
            except TimeoutError:
                overran.append(name)
                logger.warning("component {} did not stop within the shutdown deadline", name)
            info.state = ComponentState.STOPPED
        return overran


async def _wait_quietly(task: asyncio.Task[None]) -> None:
    try:
        await task
    except asyncio.CancelledError:
        # The task was cancelled by us; only re-raise if *we* are being cancelled.
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
    except Exception:
        logger.exception("component {} failed while stopping", task.get_name())
