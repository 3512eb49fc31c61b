"""Headless Chromium for the page tests: Debian's `chromium` + `chromium-driver`, driven by
Selenium with the system driver (never a browser downloaded from a vendor).

`chrome()` installs the packages with apt-get when they are missing and we may (root); it
returns None with the reason when no browser can be had, and the tests skip with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

PACKAGES = ("chromium", "chromium-driver")


def ensure_browser() -> tuple[str, str] | str:
    """(chromium, chromedriver) paths, or why there is none."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "no chromium/chromedriver and cannot apt-get install them (not root or no apt)"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"apt-get could not install chromium: {done.stderr.strip()[-300:]}"
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        return "apt-get ran but chromium/chromedriver are still missing"
    return chromium, driver


def chrome(chromium: str, driver: str, width: int, height: int) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",  # root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    if width < 500:
        # Headless windows are at least 500 px wide: a phone is emulated (viewport and DPR).
        metrics = {"width": width, "height": height, "pixelRatio": 2.0}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)
