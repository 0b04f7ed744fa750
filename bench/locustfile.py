"""Mixed workload for `make loadtest` (bench/loadtest.py starts it; not run on its own).

Who does what, as in a province's working day:
- ward officers open their ward's monthly entry page, save it (two figures changed, every
  other field posted back as shown) and record donations (form, save, receipt page);
- party committee viewers read their ward's dashboard, province officers their province's;
- the public opens disclosure pages and searches them by name and amount.

Accounts, their sessions and the wards come from the plan file bench/loadtest.py writes
(LOADTEST_PLAN). Every save and donation is logged (ward, values, tag, outcome) in the run's
directory so that bench/consistency.py can check afterwards that nothing was lost or doubled.
"""

import datetime
import html
import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie
from pathlib import Path

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text(encoding="utf-8"))
# 0 for the saturation phases: every user sends its next request as soon as it has an answer.
THINK = float(os.environ.get("LOADTEST_THINK", "1"))
RUN_ID = PLAN["run_id"]
LOG = Path(PLAN["log_dir"]) / f"actions-{os.getpid()}.jsonl"
_log_file = None

INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)(?:="([^"]*)")?')
# The figures the officers type: plain counts of the propaganda group.
CHANGED = ("v_TT_BUOI", "v_TT_LUOT")
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Ngọc Dung", "Võ Thanh Hải"]
AMOUNTS = [50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000]
# The portal's own error pages (templates/503.html, 500.html): a failure that ends on one of
# them failed cleanly.
ERROR_PAGES = ("Hệ thống tạm thời gián đoạn", "Hệ thống đang gặp sự cố")
CLEAN = "trang lỗi tiếng Việt"


def log(**record):
    global _log_file
    if _log_file is None:
        _log_file = LOG.open("a", encoding="utf-8")
    _log_file.write(json.dumps(record, ensure_ascii=False) + "\n")
    _log_file.flush()


@events.quitting.add_listener
def _close_log(**kwargs):
    if _log_file is not None:
        _log_file.close()


def form_fields(page: str) -> dict:
    """The fields a browser would post: every enabled input with its shown value."""
    fields = {}
    for tag in INPUT.findall(page):
        attributes = {k: html.unescape(v or "") for k, v in ATTRIBUTE.findall(tag[6:-1])}
        if "name" in attributes and "disabled" not in attributes:
            fields[attributes["name"]] = attributes.get("value", "")
    return fields


def fail(response):
    clean = any(text in (response.text or "") for text in ERROR_PAGES)
    response.failure(f"HTTP {response.status_code}" + (f", {CLEAN}" if clean else ""))


def dots(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _accounts(kind):
    return itertools.cycle(PLAN[kind])


OFFICERS, VIEWERS, PROVINCES = _accounts("officers"), _accounts("viewers"), _accounts("provinces")


def think(low, high):
    return between(low * THINK, high * THINK) if THINK else constant(0)


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = think(0.5, 1.5)

    def sign_in(self, accounts):
        """Become the next of the plan's `accounts`, with the session the plan made for it
        (password hashing would swamp the first seconds)."""
        self.account = next(accounts)
        cookie = _cookie(PLAN["session_cookie"], self.account["session"], PLAN["host"])
        self.client.cookiejar.set_cookie(cookie)

    def page(self, url, name):
        # A redirect (to the login page, say) is a failure here, not a page.
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                fail(response)
            return response

    def submit(self, url, data, name):
        """Post a form as the browser does; a saved form answers with a redirect. Returns
        where it redirects to, or None when it was refused."""
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                fail(response)
                return None
            return response.headers.get("Location") or ""


def _cookie(name, value, host):
    return Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )


def record_donation(user):
    """The donation form, its save (tagged for bench/consistency.py) and the receipt page."""
    form = user.page(user.account["donation_url"], "donation_form")
    if form.status_code != 200:
        return
    fields = form_fields(form.text)
    # The process id too: each phase of a run is a locust process of its own, counting anew.
    tag = f"loadtest:{RUN_ID}:{os.getpid()}:{user.account['username']}:{next(user.donations)}"
    amount = random.choice(AMOUNTS)
    data = {
        "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken", ""),
        "received_on": datetime.date.today().strftime("%d/%m/%Y"),
        "donor_kind": "individual",
        "donor_name": random.choice(NAMES),
        "publish_name": "on",
        "form": "cash",
        "channel": "cash",
        "amount": dots(amount),
        "note": tag,
    }
    location = user.submit(user.account["donation_url"], data, "donation_create")
    ok = location is not None
    log(kind="donation", ward=user.account["ward"], tag=tag, amount=amount, ok=ok)
    if location:
        user.page(location, "donation_detail")


class WardOfficer(PortalUser):
    fixed_count = PLAN["counts"]["officers"]

    def on_start(self):
        self.sign_in(OFFICERS)
        self.fields = None
        self.initial_logged = False
        self.saves = itertools.count(1)
        self.donations = itertools.count(1)

    def open_entry(self):
        response = self.page(self.account["entry_url"], "monthly_entry_open")
        if response.status_code == 200:
            self.fields = form_fields(response.text)
            if not self.initial_logged:
                log(
                    kind="initial",
                    ward=self.account["ward"],
                    period=self.account["period"],
                    values={code: self.fields.get(code, "") for code in CHANGED},
                )
                self.initial_logged = True

    @task(4)
    def entry_page(self):
        self.open_entry()

    @task(3)
    def save_entry(self):
        if self.fields is None:
            self.open_entry()
            if self.fields is None:
                return
        n = next(self.saves)
        values = {CHANGED[0]: str(1 + n % 9), CHANGED[1]: str(100 + n)}
        data = {**self.fields, **values, "action": "save"}
        ok = self.submit(self.account["entry_url"], data, "monthly_entry_save") is not None
        log(
            kind="save",
            ward=self.account["ward"],
            period=self.account["period"],
            values=values,
            ok=ok,
        )
        # The browser follows the redirect back to the page, with the new version.
        self.fields = None
        self.open_entry()

    @task(2)
    def record_donation(self):
        record_donation(self)

    @task(2)
    def home(self):
        self.page("/", "officer_home")

    @task(1)
    def ward_page(self):
        self.page(f"/phuong-xa/{self.account['ward']}/", "ward_page")


class PartyViewer(PortalUser):
    fixed_count = PLAN["counts"]["viewers"]

    def on_start(self):
        self.sign_in(VIEWERS)

    @task(3)
    def dashboard(self):
        self.page(self.account["dashboard_url"], "ward_dashboard")

    @task(1)
    def dashboard_last_year(self):
        self.page(self.account["last_year_url"], "ward_dashboard_year")


class ProvinceOfficer(PortalUser):
    fixed_count = PLAN["counts"]["provinces"]
    wait_time = think(1, 3)

    def on_start(self):
        self.sign_in(PROVINCES)

    @task(3)
    def dashboard(self):
        self.page(f"/tinh/{self.account['province']}/tong-quan/", "province_dashboard")

    @task(1)
    def wards(self):
        self.page(f"/tinh/{self.account['province']}/", "province_ward_list")


class Public(PortalUser):
    weight = 1  # everyone not counted above

    def on_start(self):
        self.fund = random.choice(PLAN["public_funds"])

    @task(2)
    def ward(self):
        self.page(self.fund["ward_url"], "disclosure_ward")

    @task(3)
    def fund_page(self):
        self.page(self.fund["url"], "disclosure_fund")

    @task(3)
    def search_by_name(self):
        self.page(random.choice(self.fund["searches"]), "disclosure_search")

    @task(1)
    def search_by_amount(self):
        self.page(self.fund["amount_search"], "disclosure_search_amount")


# --- Saturation and the public spike (bench/loadtest.py, bench/spike.py pick these by name) --


class TrivialVisitor(PortalUser):
    """The floor: a view that does nothing (robots.txt) behind the same middleware, on the
    same gunicorn, asked as fast as it answers."""

    wait_time = constant(0)

    @task
    def robots(self):
        self.page("/robots.txt", "trivial")


SPIKE = PLAN.get("spike") or {}


class SpikeFundVisitor(PortalUser):
    """Only the drive's fund page, as fast as it answers: its throughput over the trivial
    view's is the spike's ratio_to_trivial."""

    wait_time = constant(0)

    @task
    def fund_page(self):
        self.page(SPIKE["url"], "spike_fund")


class SpikeVisitor(PortalUser):
    """Someone who followed a shared link to the drive: reads the page, searches it for their
    own gift, sometimes downloads the list."""

    weight = 1

    @task(6)
    def fund_page(self):
        self.page(SPIKE["url"], "spike_fund")

    @task(3)
    def search(self):
        self.page(random.choice(SPIKE["searches"]), "spike_search")

    @task(1)
    def csv(self):
        self.page(SPIKE["csv_url"], "spike_csv")


SPIKE_OFFICERS = itertools.cycle(SPIKE.get("officers") or [{}])


class SpikeOfficer(PortalUser):
    """The drive's own officers, recording the gifts that keep coming in: each one a form to
    fill in (a name, an amount), so one every 10–20 s per officer."""

    fixed_count = len(SPIKE.get("officers") or [])
    wait_time = think(10, 20)

    def on_start(self):
        self.sign_in(SPIKE_OFFICERS)
        self.donations = itertools.count(1)

    @task
    def record_donation(self):
        record_donation(self)
