"""Browser tests: Playwright's sync API driving Debian's chromium against pytest-django's
live server. No `playwright install`: the browser is the system's /usr/bin/chromium (CI
installs the package); without it these tests are skipped, saying why.

Playwright's sync API runs an asyncio event loop in the test thread, and Django refuses
database work in a thread with a running loop (SynchronousOnlyOperation). The tests only
create rows with factories and services between browser steps, so the check is switched off
for the browser tests only: set when the browser starts, restored when this package's last
test is done.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium")
# Where the browser tests save their screenshots: var/screenshots (ignored by git) unless
# WORKBENCH_SCREENSHOTS says otherwise; `make screenshots` writes the README's, in
# tests/screenshots/.
SCREENSHOTS = Path(
    os.environ.get(
        "WORKBENCH_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"
    )
)
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's password
TIMEOUT_MS = 15_000


def _chromium_missing() -> str | None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing (apt-get install chromium; CI installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - playwright is in requirements.txt
        return "playwright is not installed (pip install -r requirements.txt)"
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """One chromium for all browser tests (about 1.5 s to start), closed after them."""
    reason = _chromium_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as env, sync_playwright() as p:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # --no-sandbox: chromium's sandbox needs user namespaces, which containers and root
        # (CI) don't offer; the browser only visits the local test server.
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """A factory of pages, each in its own browser context (own cookies: one per user);
    every context is closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context (no one signed in)."""
    return new_page()


def sign_in(page, username: str, password: str = PASSWORD, *, next_url: str = "/") -> None:
    """Sign in through the sign-in form (as a person would); lands on `next_url`."""
    page.goto(f"/sign-in/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if re.search(r"/sign-in/", page.url):
        raise AssertionError(f"signing in as {username} failed: {page.url}")


def screenshot(page, name: str) -> Path:
    """Save the page (the 1280x800 viewport) as <SCREENSHOTS>/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


__all__ = ["PASSWORD", "screenshot", "sign_in"]
