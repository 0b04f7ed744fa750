"""Browser tests: Debian's Chromium driven by Playwright, against Django's live server.

Playwright never downloads a browser here; it starts /usr/bin/chromium (apt-get install chromium).
"""

import os
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM checks refuse that
# unless told the live-server tests are single-threaded on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, with one request at a time reaching Django (connections are still
    accepted by threads). Its threads share the test's in-memory SQLite connection, and two
    requests at once could deadlock in sqlite3: one thread inside a query waited for the
    interpreter lock to run the Vietnamese collation (a Python function) while holding the
    connection, the other held the interpreter lock waiting for the connection. A request's
    body is read whole before the next one starts: a streamed download queries as it goes."""

    serving = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.serving:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeServer


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def catalogues(transactional_db):
    """Every browser test runs in real transactions (see tests/conftest.py)."""


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
