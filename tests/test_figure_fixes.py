"""Mismatches the figure-equivalence test (tests/test_figure_equivalence.py) found, each
pinned by a small example; expected figures recomputed here from the rows written.

- A campaign's progress on its page and in the list of campaigns rounded the rate as a float
  (round(6.25, 1) == 6.2, and 0,25 % showed "0,2 %"): rates show one decimal, half up.
- The membership figures filled into monthly reports counted organisations no longer in use,
  which the dashboards, documents and province tables leave out: the year's membership-rate
  row then differed from the card above it.
- A campaign numbered 1.000 or more lost its progress marks in the campaign list and on the
  ward dashboard: its number was written with a thousands dot ("progress-1.460").
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse

from reports import services as report_services
from reports.models import IndicatorValue, MonthlyReport
from tests import factories

D = datetime.date
NBSP = "\u00a0"


def rate_text(numerator, denominator) -> str:
    rate = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{rate}".replace(".", ",") + f"{NBSP}%"


def shown(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</span>', page, re.S)
    assert found, testid
    return found.group(1).replace("&nbsp;", NBSP)


def test_campaign_progress_rounds_half_up_to_one_decimal(world, login):
    officer = world.users["ward_officer"]
    campaign = factories.fund(
        ward_obj=world.ward_x,
        name="Quỹ Vì người nghèo 2025",
        starts_on=D(2025, 1, 1),
        target_amount=8_000_000,
    )
    gifts = [200_000, 300_000]  # 500.000 of 8.000.000: 6,25 %
    for amount in gifts:
        factories.donation(
            fund_obj=campaign, user=officer, received_on=D(2025, 2, 1), amount=amount
        )
    wanted = rate_text(sum(gifts), campaign.target_amount)
    assert wanted == f"6,3{NBSP}%"
    client = login(officer)
    detail = client.get(reverse("campaigns:detail", args=[world.ward_x.code, campaign.pk]))
    assert shown(detail.content.decode(), "progress-percent") == wanted
    listing = client.get(reverse("campaigns:list", args=[world.ward_x.code]))
    assert shown(listing.content.decode(), f"list-progress-{campaign.pk}") == wanted


def test_reports_leave_out_organisations_no_longer_in_use(world):
    in_use, retired = factories.organisation(), factories.organisation()
    retired.is_active = False
    retired.save()
    records = [(in_use, 40, 50), (retired, 90, 100)]
    for organisation, members, eligible in records:
        factories.membership(
            ward_obj=world.ward_x,
            org=organisation,
            members=members,
            eligible=eligible,
            as_of=D(2025, 2, 10),
        )
    report = report_services.report_save(
        report=MonthlyReport(ward=world.ward_x, period=D(2025, 3, 1)),
        user=world.users["ward_officer"],
        entries={},
    )
    saved = {
        code: (value, denominator)
        for code, value, denominator in IndicatorValue.objects.filter(report=report).values_list(
            "indicator__code", "value", "denominator"
        )
    }
    members, eligible = (
        sum(m for o, m, _e in records if o.is_active),
        sum(e for o, _m, e in records if o.is_active),
    )
    assert saved["TH_DVHV"] == (members, None)
    assert saved["TH_DOITUONG"] == (eligible, None)
    assert saved["TH_TYLE"] == (members, eligible)


def test_a_campaign_numbered_past_a_thousand_keeps_its_progress_marks(world, login):
    campaign = factories.fund(
        ward_obj=world.ward_x, pk=1460, starts_on=D(2025, 1, 1), target_amount=8_000_000
    )
    factories.donation(
        fund_obj=campaign,
        user=world.users["ward_officer"],
        received_on=D(2025, 2, 1),
        amount=500_000,
    )
    client = login(world.users["ward_officer"])
    listing = client.get(reverse("campaigns:list", args=[world.ward_x.code])).content.decode()
    assert shown(listing, "list-progress-1460") == rate_text(500_000, 8_000_000)
    dashboard = client.get(
        reverse("reports:dashboard_ward", args=[world.ward_x.code]),
        {"ky": "thang", "den": "02/2025"},
    ).content.decode()
    assert 'data-testid="progress-1460"' in dashboard
