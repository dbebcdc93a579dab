"""Browser tests: a live Django server (pytest-django's `live_server`) driven by Playwright in Debian's
chromium. Every test in this folder is marked `e2e`.

Fixtures other e2e tests can reuse:
  browser      one headless chromium per test module (/usr/bin/chromium)
  page         a fresh browser context on the live server (base_url set), JS errors collected
  login(user)  logs `user` in through the login form (password: tests.conftest.PASSWORD)
  shot(page, name)  saves a full-page screenshot under $TRIPLEC_E2E_SCREENSHOTS (default /tmp/triplec-e2e)
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is safe (it is: the loop only talks to the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TRIPLEC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
SCREENSHOTS = Path(os.environ.get("TRIPLEC_E2E_SCREENSHOTS", "/tmp/triplec-e2e"))


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _wait_for_chromium(timeout_s: float = 180) -> str | None:
    """Path of chromium; apt may still be installing it when the suite starts, so wait a little."""
    deadline = time.monotonic() + timeout_s
    while True:
        path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
        if path:
            return path
        if time.monotonic() > deadline:
            return None
        time.sleep(5)


@pytest.fixture(scope="module")  # per module: two sync Playwright instances cannot run at once
def browser():
    path = _wait_for_chromium()
    if path is None:
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1360, "height": 900},
                                  locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(60_000)  # the live server's first request loads every app
    tab = context.new_page()
    tab.js_errors = []
    tab.on("pageerror", lambda error: tab.js_errors.append(str(error)))
    yield tab
    context.close()


@pytest.fixture
def login(page):
    from tests.conftest import PASSWORD

    def _login(user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return _login


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
