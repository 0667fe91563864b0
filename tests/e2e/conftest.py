"""Browser journeys: Playwright drives Debian's Chromium against a live test server.

Every test here:

* is marked ``e2e`` (left out of the default unit run; ``make e2e`` runs them) and is
  skipped when no Chromium is installed;
* runs twice, at desktop 1280×800 and phone 390×844 (``screen`` parameter);
* fails on any browser console error or uncaught page error (``browser_log``), except
  those a test expects and names with ``browser_log.allow(...)``;
* runs axe-core (vendored in ``vendor/``, never downloaded) on every page it visits and
  fails on a violation of impact "serious" or "critical" (``tests/e2e/browser.py``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.e2e.browser import BrowserLog

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("E2E_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_PRESENT = Path(CHROMIUM).exists()
SCREENS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``e2e`` (before ``-m`` selects), skip without Chromium."""
    skip = pytest.mark.skip(reason="Chromium tidak ditemukan: uji peramban dilewati")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM_PRESENT:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _async_unsafe_allowed():
    """Playwright's sync API runs an event loop in the test thread; the test's own database
    calls (building data, setting up and flushing the test database) are still synchronous.
    Set for the session (the database is set up once, inside Playwright's loop), and only
    inside this test process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args: dict, screen: str, live_server: Any) -> dict:
    return {
        **browser_context_args,
        **SCREENS[screen],
        "base_url": live_server.url,
        "locale": "id-ID",
        "timezone_id": "Asia/Jakarta",
        "accept_downloads": True,
    }


@pytest.fixture(autouse=True)
def browser_log(page: Page) -> Any:
    log = BrowserLog(page)
    yield log
    log.finish()
