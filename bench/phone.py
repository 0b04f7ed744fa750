"""The monthly entry page on a phone over a weak connection (part of `make bench`).

    python bench/phone.py [--write]

Debian's Chromium (Playwright, /usr/bin/chromium; nothing is downloaded) at 390×844, the
network throttled through the Chrome DevTools Protocol to 1,6 Mbps down, 750 kbps up and
150 ms round trip, against gunicorn (DEBUG off) on the benchmark database that bench/run.py
prepares (the demo ward, two years of history):
- `phone_entry_first_load`: a new browser context each time (cold cache, no service worker),
  the demo officer's entry page until its load event (`p50_ms`), the bytes the network
  carried for it (`bytes`, compressed as sent), and whether it is usable (no sideways
  scroll, `usable`);
- `phone_draft_restore`: the officer types a figure, the page is reloaded, and the time from
  the reload until the draft's figure is back in its field (`p50_ms`).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PORT = 8767
RUNS = 5  # cold loads; each is followed by one draft restore
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# 1,6 Mbps / 750 kbps in bytes per second, 150 ms round trip.
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
OFFICER = "canbo.mythoi"
TYPED = "17"


def _server_env():
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_LOG_LEVEL": "warning",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _entry_url():
    from django.urls import reverse

    from reports.models import MonthlyReport
    from wards.demo import DEMO_WARD_CODE

    draft = MonthlyReport.objects.filter(ward__code=DEMO_WARD_CODE).latest("period")
    return reverse("reports:entry", args=[DEMO_WARD_CODE, draft.period.year, draft.period.month])


def _throttled(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    carried = []
    cdp.on("Network.loadingFinished", lambda event: carried.append(event["encodedDataLength"]))
    return carried


def _context(browser, session_cookie, session):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.add_cookies(
        [{"name": session_cookie, "value": session, "domain": "127.0.0.1", "path": "/"}]
    )
    return context


def _load_ms(page) -> float:
    return page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return n.loadEventEnd - n.startTime; }"
    )


def _first_field(page):
    """The first figure an officer types (a plain count, not computed by the portal)."""
    return page.locator("input[name^='v_']:not([readonly]):not([disabled])").first


def measure_pages(url, session_cookie, session) -> list[dict]:
    from playwright.sync_api import sync_playwright

    loads, sizes, usable, restores = [], [], True, []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for _ in range(RUNS):
                context = _context(browser, session_cookie, session)
                page = context.new_page()
                carried = _throttled(context, page)
                page.goto(url, wait_until="load")
                if page.url != url or not _first_field(page).count():
                    raise RuntimeError(f"the entry page did not open (at {page.url})")
                loads.append(_load_ms(page))
                sizes.append(sum(carried))
                usable = usable and page.evaluate(
                    "() => document.documentElement.scrollWidth"
                    " <= document.documentElement.clientWidth"
                )
                restores.append(_draft_restore_ms(page))
                context.close()
        finally:
            browser.close()
    first_load = {
        "name": "phone_entry_first_load",
        "p50_ms": round(statistics.median(loads), 1),
        "p95_ms": round(max(loads), 1),
        "bytes": int(statistics.median(sizes)),
        "n": RUNS,
        "usable": usable,
        "network": "1,6 Mbps / 750 kbps, RTT 150 ms",
        "viewport": "390×844",
    }
    entries = [first_load]
    found = [ms for ms in restores if ms is not None]
    if found:
        entries.append(
            {
                "name": "phone_draft_restore",
                "p50_ms": round(statistics.median(found), 1),
                "p95_ms": round(max(found), 1),
                "n": len(found),
            }
        )
    return entries


def _draft_restore_ms(page) -> float | None:
    """Type a figure, reload, and time until it is back in its field (the draft restored).
    None when the page keeps no draft."""
    field = _first_field(page)
    name = field.get_attribute("name")
    field.fill(TYPED)
    field.dispatch_event("input")
    page.wait_for_timeout(700)  # the draft is written as the officer types
    started = time.perf_counter()
    page.reload(wait_until="domcontentloaded")
    restore = page.get_by_role("button", name="Khôi phục")
    try:
        restore.wait_for(timeout=10_000)
    except Exception:  # noqa: BLE001 (Playwright's timeout: the page offers no draft)
        return None
    restore.click()
    page.wait_for_function(
        "([name, typed]) => document.querySelector(`[name='${name}']`).value === typed",
        arg=[name, TYPED],
    )
    return (time.perf_counter() - started) * 1000


def run() -> list[dict]:
    """Both entries; Django is set up by the caller (bench/run.py) on the bench database."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from bench import loadtest

    session = loadtest._session(get_user_model().objects.get(username=OFFICER))
    url = f"http://127.0.0.1:{PORT}{_entry_url()}"
    server = loadtest.start_gunicorn(_server_env())
    try:
        loadtest.wait_healthy(f"http://127.0.0.1:{PORT}")
        return measure_pages(url, settings.SESSION_COOKIE_NAME, session)
    finally:
        loadtest.stop(server)


def main(argv):
    from bench import harness

    harness.configure_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    results = run()
    for entry in results:
        print(entry)
    if "--write" in argv:
        harness.write_results(results, {})


if __name__ == "__main__":
    main(sys.argv)
