"""The dashboard in a real headless Chromium against the service on the simulator: log in, the
live table, a premium change pushed without reload, sorting, a coin's chart, stopping a bot after
confirming, Korean and English; phone and desktop screenshots under tests/web/screenshots/."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_asyncio
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.conftest import UPBIT_BOT
from tests.helpers import eventually
from tests.web.browser import chrome, ensure_browser
from tests.web.conftest import TOKEN, Web

pytestmark = pytest.mark.asyncio(loop_scope="module")
SHOTS = Path(__file__).parent / "screenshots"
T = TypeVar("T")


def action_of(button: str) -> Callable[[WebDriver], str | None]:
    """The bot button's next action (start/stop), None while the bots table has no such button."""

    def read(d: WebDriver) -> str | None:
        found = d.find_elements(By.CSS_SELECTOR, button)
        return found[0].get_attribute("data-action") if found else None

    return read


class Page:
    """The browser, driven from a worker thread so the service's loop keeps serving."""

    def __init__(self, driver: WebDriver, base: str) -> None:
        self.driver, self.base = driver, base

    async def do(self, fn: Callable[[WebDriver], T]) -> T:
        """Run `fn` in the browser thread. The live table re-renders as pushes arrive, so an
        element found a moment ago may be gone: the whole lookup is run again, as a user's eye
        would look again (a stale element raises before any click or key reaches it)."""
        for attempt in range(5):
            try:
                return await asyncio.to_thread(fn, self.driver)
            except StaleElementReferenceException:
                if attempt == 4:
                    raise
                await asyncio.sleep(0.05)
        raise AssertionError("unreachable")

    async def login(self, token: str = TOKEN) -> None:
        def go(d: WebDriver) -> None:
            d.get(self.base + "/")
            d.execute_script("localStorage.setItem('lang', 'en')")
            d.get(self.base + "/")

        await self.do(go)
        await eventually(lambda: self.do(lambda d: d.find_element(By.ID, "token").is_displayed()))
        await self.do(lambda d: d.find_element(By.ID, "token").send_keys(token))
        await self.do(lambda d: d.find_element(By.CSS_SELECTOR, "#login button").click())

    async def rows(self) -> dict[str, list[str]]:
        def read(d: WebDriver) -> dict[str, list[str]]:
            out: dict[str, list[str]] = d.execute_script(
                "const o = {}; document.querySelectorAll('#kimp tbody tr').forEach(tr => "
                "{ o[tr.dataset.coin] = [...tr.cells].map(c => c.textContent); }); return o;"
            )
            return out

        return await self.do(read)

    async def order(self) -> list[str]:
        return await self.do(
            lambda d: d.execute_script(
                "return [...document.querySelectorAll('#kimp tbody tr')].map(t => t.dataset.coin)"
            )
        )


@pytest.fixture(scope="module")
def browser() -> tuple[str, str]:
    found = ensure_browser()
    if isinstance(found, str):
        pytest.skip(f"no headless Chromium: {found}")
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def page(web: Web, browser: tuple[str, str]) -> AsyncIterator[Page]:
    driver = await asyncio.to_thread(chrome, *browser, 1280, 900)
    try:
        yield Page(driver, web.base)
    finally:
        await asyncio.to_thread(driver.quit)


async def test_wrong_token_is_refused_and_shows_nothing(page: Page) -> None:
    await page.login("not-the-token")
    await eventually(lambda: page.do(lambda d: d.find_element(By.ID, "login-error").is_displayed()))
    assert not await page.do(lambda d: d.find_element(By.ID, "main").is_displayed())


async def test_login_fills_the_table_and_a_premium_change_arrives_without_reload(
    page: Page, web: Web
) -> None:
    await page.login()
    rows = await eventually(page.rows, timeout=20)
    assert "BTC" in rows and "ETH" in rows
    marker = await page.do(lambda d: d.execute_script("return window.__marker = Math.random()"))

    before = float(rows["ETH"][1].rstrip("%"))
    target = round(before + 4.0, 1)
    web.world.sim.market.set_premium("ETH", target)
    facade = web.world.service.facade
    assert facade is not None and facade.kimp is not None
    kimp = facade.kimp

    def served() -> bool:
        snap = kimp.monitor.snapshots()
        eth = next(s for s in snap if s.coin == "ETH")
        return eth.usdt_kimp is not None and eth.usdt_kimp > before + 3.0

    await eventually(served, timeout=20)
    started = time.monotonic()

    async def shown() -> bool:
        return float((await page.rows())["ETH"][1].rstrip("%")) > before + 3.0

    # The figure: on the page within 2 s of the service having it.
    await eventually(shown, timeout=2.0, interval=0.05)
    print(f"premium change on the page {time.monotonic() - started:.2f} s after the service had it")
    assert (
        await page.do(lambda d: d.execute_script("return window.__marker")) == marker
    )  # no reload


async def test_the_alert_for_that_change_is_listed_and_the_equity_curve_drawn(page: Page) -> None:
    """The previous test put ETH's premium above KIMP_HIGH_PCT; the alert reaches the page."""

    async def listed() -> bool:
        text: str = await page.do(lambda d: d.find_element(By.ID, "alerts").text)
        return "ETH" in text

    await eventually(listed, timeout=30)
    points = await page.do(
        lambda d: d.execute_script(
            "return document.querySelector('#equity polyline').getAttribute('points')"
        )
    )
    assert points and len(points.split()) == 30


async def test_sorting_by_column(page: Page) -> None:
    await page.do(lambda d: d.find_element(By.CSS_SELECTOR, "th[data-sort='coin']").click())
    coins = await page.order()
    assert coins == sorted(coins)
    await page.do(lambda d: d.find_element(By.CSS_SELECTOR, "th[data-sort='coin']").click())
    assert await page.order() == sorted(coins, reverse=True)
    await page.do(lambda d: d.find_element(By.CSS_SELECTOR, "th[data-sort='usdt_kimp']").click())
    # Read in one script, in page order (a push may redraw the table between two commands).
    shown: list[str] = await page.do(
        lambda d: d.execute_script(
            "return [...document.querySelectorAll('#kimp tbody tr')].map(t => t.cells[1].textContent)"
        )
    )
    kimps = [float(v.rstrip("%")) for v in shown if v != "—"]
    assert len(kimps) > 2 and kimps == sorted(kimps, reverse=True)


async def test_filter(page: Page) -> None:
    await page.do(lambda d: d.find_element(By.ID, "filter").send_keys("et"))
    shown = await page.order()
    assert "ETH" in shown and all("ET" in c for c in shown)
    await page.do(lambda d: d.find_element(By.ID, "filter").clear())
    await page.do(
        lambda d: d.execute_script(
            "document.querySelector('#filter').dispatchEvent(new Event('input'))"
        )
    )
    assert len(await page.order()) > 2


async def test_stream_health_shows_each_connections_data_age(page: Page) -> None:
    async def aged() -> bool:
        text: str = await page.do(lambda d: d.find_element(By.ID, "streams").text)
        return "upbit-0" in text and "last data" in text

    await eventually(aged, timeout=20)


async def test_a_coins_chart_renders(page: Page) -> None:
    # One script finds and clicks the row: pushed updates redraw the rows between two commands.
    await page.do(
        lambda d: d.execute_script("document.querySelector(\"#kimp tr[data-coin='BTC']\").click()")
    )

    async def drawn() -> bool:
        width: int = await page.do(
            lambda d: d.execute_script(
                "const i = document.querySelector('#chart'); return i.complete ? i.naturalWidth : 0"
            )
        )
        return width > 100

    await eventually(drawn, timeout=20)

    async def executable() -> bool:
        text: str = await page.do(lambda d: d.find_element(By.ID, "exec").text)
        return "Executable, forward" in text and "Executable, reverse" in text

    await eventually(executable, timeout=20)


async def test_stop_a_bot_from_the_page_after_confirming(page: Page, web: Web) -> None:
    facade = web.world.service.facade
    assert facade is not None and facade.bots is not None
    bots = facade.bots
    if UPBIT_BOT not in bots.runners:
        await bots.start(UPBIT_BOT)
        await page.do(lambda d: d.refresh())
        await eventually(page.rows, timeout=20)
    button = f"#bots button[data-bot='{UPBIT_BOT}']"
    await eventually(lambda: page.do(lambda d: action_of(button)(d) == "stop"), timeout=20)
    # Dismissing the question does nothing.
    await page.do(lambda d: d.execute_script("window.confirm = () => false"))
    await page.do(lambda d: d.find_element(By.CSS_SELECTOR, button).click())
    await asyncio.sleep(0.5)  # let a (wrong) stop land if the page sent one; checked below
    assert UPBIT_BOT in bots.runners
    # Confirming stops it.
    await page.do(lambda d: d.execute_script("window.confirm = () => true"))
    await page.do(lambda d: d.find_element(By.CSS_SELECTOR, button).click())
    await eventually(lambda: UPBIT_BOT not in bots.runners, timeout=20)
    await eventually(lambda: page.do(lambda d: action_of(button)(d) == "start"), timeout=20)


async def test_korean_and_english(page: Page) -> None:
    def pick(lang: str) -> Callable[[WebDriver], Any]:
        def go(d: WebDriver) -> None:
            d.execute_script(
                "const s = document.querySelector('#lang'); s.value = arguments[0];"
                "s.dispatchEvent(new Event('change'))",
                lang,
            )

        return go

    await page.do(pick("ko"))
    await eventually(
        lambda: page.do(lambda d: d.find_element(By.CSS_SELECTOR, "h1").text == "김프 봇 대시보드")
    )
    assert (
        await page.do(lambda d: d.find_element(By.CSS_SELECTOR, "th[data-sort='usdt_kimp']").text)
        == "USDT 김프"
    )
    await page.do(pick("en"))
    await eventually(
        lambda: page.do(
            lambda d: d.find_element(By.CSS_SELECTOR, "h1").text == "kimp-bot dashboard"
        )
    )


async def test_screenshots_phone_and_desktop(
    page: Page, browser: tuple[str, str], web: Web
) -> None:
    SHOTS.mkdir(exist_ok=True)
    await page.do(lambda d: d.save_screenshot(str(SHOTS / "desktop.png")))
    phone = await asyncio.to_thread(chrome, *browser, 390, 844)
    try:
        p = Page(phone, web.base)
        await p.login()
        await eventually(p.rows, timeout=20)
        await p.do(lambda d: d.save_screenshot(str(SHOTS / "phone.png")))
        # On a phone the page fits the width: no horizontal scrolling of the whole page.
        wide = await p.do(
            lambda d: d.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
        )
        assert wide[0] <= wide[1], wide
    finally:
        await asyncio.to_thread(phone.quit)
    for name in ("desktop.png", "phone.png"):
        assert (SHOTS / name).read_bytes().startswith(b"\x89PNG")
