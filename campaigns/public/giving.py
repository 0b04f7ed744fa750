"""Giving by bank transfer from a fund's public page: the fund's VietQR and account, pledge
codes, the short shareable URL (/q/<reference>) and the printable A4 QR poster.

Everything here is derived from the fund itself (its account, its reference), so the same
pieces serve a commune's fund (cong-khai/<ward>/<pk>/) and a province drive
(cong-khai/tinh/<province>/<pk>/). The fund page is cached for anonymous visitors and is
what a viral spike hits: its QR is rendered once per payload (an in-process LRU in front of
the shared cache; the payload holds the account and the reference, so a changed account is
a new key and nothing goes stale).

The pledge form cannot sit, POSTing, on the cached fund page: a CSRF token would be cached
with it (or, rendered, set a cookie that keeps the page out of the cache). The fund page
therefore asks for the amount with a GET to the pledge page, which is never cached and
posts with its CSRF token and the portal's one-time token (wards/submissions.py), under a
per-address limit.
"""

import functools
import hashlib
import logging
import time
from dataclasses import dataclass

import segno
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, re_path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from campaigns import references
from campaigns.models import Campaign, Pledge
from campaigns.public import selectors as disclosure
from campaigns.public import services
from campaigns.receipts import issuer_name
from campaigns.services import FundRefusal
from core import banks, vietqr
from core.numbers import WholeNumberField, format_dong
from core.printing import render_document
from core.security import client_ip
from wards import submissions
from wards.models import Ward

logger = logging.getLogger(__name__)

QR_CACHE_SECONDS = 30 * 24 * 3600
POSTER_CACHE_SECONDS = 24 * 3600
# Bumped when the poster's template changes, so no poster of the old layout is served.
POSTER_LAYOUT = 1
# Pledges one address may take in a window: enough for a family or an office behind one
# address, too few to fill a fund with codes.
PLEDGE_LIMIT = 10
PLEDGE_WINDOW_SECONDS = 600
PLEDGE_MAX_AMOUNT = 10**12

WRONG_PLEDGE = (
    "Mã chuyển khoản không đúng hoặc không còn. Hãy kiểm tra lại từng ký tự (mã bắt đầu bằng "
    "MT, gồm 11 ký tự), hoặc nhận mã mới trên trang công khai của quỹ."
)
WRONG_FUND = (
    "Không có quỹ nào mang mã này. Hãy kiểm tra lại đường dẫn (mã quỹ bắt đầu bằng MT, gồm "
    "7 ký tự), hoặc tìm quỹ trên trang công khai của phường, xã."
)
TOO_MANY = (
    "Bạn đã nhận nhiều mã chuyển khoản trong thời gian ngắn. Hãy dùng mã đã nhận, hoặc thử lại "
    "sau {minutes} phút. Bạn vẫn có thể chuyển khoản với nội dung “{note}”."
)


# --- Reads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Giving:
    """What a donor needs to transfer to a fund (or for one pledge of it)."""

    campaign: Campaign
    bank_name: str
    account_number: str
    account_name: str
    reference: str
    note: str
    amount: int | None
    payload: str

    @property
    def qr_svg(self) -> SafeString:
        title = f"Mã VietQR chuyển khoản, nội dung {self.note}"
        return mark_safe(qr_svg(self.payload, title=title))

    @property
    def amount_text(self) -> str:
        return format_dong(self.amount) if self.amount else ""


def giving_of(campaign: Campaign, pledge: Pledge | None = None) -> Giving | None:
    """The fund's transfer details and VietQR payload (dynamic with the pledge's amount), or
    None when it has no receiving account."""
    if not campaign.has_bank_account:
        return None
    reference = pledge.reference if pledge else campaign.reference
    note = references.transfer_note(reference)
    amount = pledge.amount if pledge else None
    try:
        payload = vietqr.payload(
            campaign.bank_bin, campaign.bank_account_number, amount=amount, note=note
        )
    except vietqr.PayloadError:
        # Only an account typed outside the portal's forms (the admin) gets here.
        logger.warning("Fund %s has an account no VietQR can carry", campaign.pk)
        return None
    return Giving(
        campaign=campaign,
        bank_name=banks.short_name(campaign.bank_bin),
        account_number=campaign.bank_account_number,
        account_name=campaign.bank_account_name,
        reference=reference,
        note=note,
        amount=amount,
        payload=payload,
    )


def _svg(text: str, title: str) -> str:
    code = segno.make_qr(text, error="m")
    return code.svg_inline(
        scale=1, border=4, omitsize=True, light="#fff", dark="#000", svgclass="qr", title=title
    )


@functools.lru_cache(maxsize=1024)
def qr_svg(text: str, *, title: str = "Mã QR") -> str:
    """The QR of `text` as inline SVG (scales to its box): rendered once per process and
    shared through the cache across processes."""
    key = "qr-svg:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:32]
    svg = cache.get(key)
    if svg is None:
        svg = _svg(text, title)
        cache.set(key, svg, QR_CACHE_SECONDS)
    return svg


def fund_page_path(campaign: Campaign) -> str:
    if campaign.ward_id:
        return reverse("campaigns:public_fund", args=[campaign.ward.code, campaign.pk])
    return reverse("campaigns:public_drive", args=[campaign.province.code, campaign.pk])


def poster_path(campaign: Campaign) -> str:
    if campaign.ward_id:
        return reverse("campaigns:public_fund_poster", args=[campaign.ward.code, campaign.pk])
    return reverse("campaigns:public_drive_poster", args=[campaign.province.code, campaign.pk])


def pledge_form_path(campaign: Campaign) -> str:
    if campaign.ward_id:
        return reverse("campaigns:public_fund_pledge", args=[campaign.ward.code, campaign.pk])
    return reverse("campaigns:public_drive_pledge", args=[campaign.province.code, campaign.pk])


def short_path(campaign: Campaign) -> str:
    return reverse("campaigns:short_link", args=[campaign.reference])


def absolute_url(request, url_path: str) -> str:
    """The address to share or print: PUBLIC_BASE_URL when set (the same on every server),
    else the host this request came to."""
    base = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    return base + url_path


def holder_name(campaign: Campaign) -> str:
    """ "Ủy ban MTTQ Việt Nam phường Mỹ Thới, tỉnh An Giang" """
    if campaign.ward_id:
        ward = campaign.ward
        return f"Ủy ban MTTQ Việt Nam {issuer_name(ward)}, {issuer_name(ward.province)}"
    return f"Ủy ban MTTQ Việt Nam {issuer_name(campaign.province)}"


def _public_campaigns():
    return Campaign.objects.select_related("ward__province", "province").filter(
        kind__in=disclosure.PUBLIC_CAMPAIGN_KINDS
    )


def fund_by_code(fund_code: str) -> Campaign | None:
    return _public_campaigns().filter(reference_code=fund_code).first()


def pledge_by_reference(text: str) -> Pledge | None:
    """The pledge a reference names (look-alikes, lower case and spaces forgiven), or None
    for anything else: a fund's reference, a wrong check character, an unknown code."""
    parsed = references.parse(text or "")
    if parsed is None or not parsed[1]:
        return None
    fund_code, pledge_code = parsed
    return (
        Pledge.objects.select_related("campaign__ward__province", "campaign__province")
        .filter(
            campaign__reference_code=fund_code,
            campaign__kind__in=disclosure.PUBLIC_CAMPAIGN_KINDS,
            code=pledge_code,
        )
        .first()
    )


# --- The pledge form ---------------------------------------------------------------------


class PledgeForm(forms.Form):
    so_tien = WholeNumberField(
        label="Số tiền dự định chuyển (đồng, không bắt buộc)",
        min_value=1,
        max_value=PLEDGE_MAX_AMOUNT,
        help_text="Ví dụ 500.000. Để trống nếu chưa định số tiền: mã vẫn dùng được.",
        error_messages={
            "min_value": "Số tiền phải lớn hơn 0, hoặc để trống.",
            "negative": "Số tiền phải lớn hơn 0, hoặc để trống.",
            "max_value": f"Số tiền tối đa {format_dong(PLEDGE_MAX_AMOUNT)} cho một mã.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["so_tien"].widget.attrs.update(
            {
                "class": "form-control form-control-lg text-end",
                "placeholder": "500.000",
                "autocomplete": "off",
            }
        )


def _allowed(request) -> tuple[bool, int]:
    """(may this address take another pledge now, minutes until its window ends)."""
    now = time.time()
    window = int(now // PLEDGE_WINDOW_SECONDS)
    key = f"pledge-rate:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, PLEDGE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PLEDGE_WINDOW_SECONDS)
        count = 1
    minutes = max(1, round(((window + 1) * PLEDGE_WINDOW_SECONDS - now) / 60))
    return count <= PLEDGE_LIMIT, minutes


def pledge_page_path(pledge: Pledge) -> str:
    return reverse("campaigns:public_pledge", args=[pledge.reference])


def _pledge_form_page(request, campaign: Campaign):
    giving = giving_of(campaign)
    status = 200
    if request.method == "POST":
        form = PledgeForm(request.POST)
        repeat = submissions.earlier(request, model=Pledge)
        if repeat is not None and repeat.record is not None:
            return redirect(pledge_page_path(repeat.record) + "?lai=1")
        status = 400
        if giving is None:
            form.is_valid()
            form.add_error(None, services.NO_ACCOUNT)
        elif form.is_valid():
            allowed, minutes = _allowed(request)
            if not allowed:
                form.add_error(None, TOO_MANY.format(minutes=minutes, note=giving.note))
                status = 429
            else:
                try:
                    outcome = submissions.create_once(
                        request,
                        lambda: services.pledge_create(
                            campaign=campaign, amount=form.cleaned_data["so_tien"]
                        ),
                        model=Pledge,
                    )
                except FundRefusal as error:
                    form.add_error(None, str(error))
                else:
                    if outcome.record is None:  # a token another form claimed: nothing to show
                        form.add_error(None, submissions.REPEATED_MESSAGE)
                    else:
                        suffix = "" if outcome.created else "?lai=1"
                        return redirect(pledge_page_path(outcome.record) + suffix)
    elif "so_tien" in request.GET:
        # From the fund page's amount box: check what was typed before offering the button.
        form = PledgeForm(request.GET)
        if not form.is_valid():
            status = 400
    else:
        form = PledgeForm()
    return render(
        request,
        "campaigns/giving/pledge_form.html",
        {
            "campaign": campaign,
            "giving": giving,
            "form": form,
            "fund_url": fund_page_path(campaign),
            "holder": holder_name(campaign),
        },
        status=status,
    )


def _ward_fund_or_404(ward_code, campaign_pk) -> Campaign:
    ward = Ward.objects.select_related("province").filter(code=ward_code).first()
    campaign = disclosure.public_campaign(ward, campaign_pk) if ward else None
    if campaign is None or campaign.ward_id != ward.pk:
        # A province drive's pieces live under its own address (cong-khai/tinh/…).
        raise _NotFound(WRONG_FUND)
    return campaign


def _drive_or_404(province_code, campaign_pk) -> Campaign:
    campaign = disclosure.public_drive(province_code, campaign_pk)
    if campaign is None:
        raise _NotFound(WRONG_FUND)
    return campaign


class _NotFound(Exception):
    """Answered as the Vietnamese 404 page of giving, with its message."""


def _not_found(request, message, *, reference=""):
    return render(
        request,
        "campaigns/giving/not_found.html",
        {"message": message, "reference": reference},
        status=404,
    )


def _answers_not_found(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _NotFound as error:
            return _not_found(request, str(error))

    return wrapper


# --- Views -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_answers_not_found
def fund_pledge(request, ward_code, campaign_pk):
    return _pledge_form_page(request, _ward_fund_or_404(ward_code, campaign_pk))


@require_http_methods(["GET", "POST"])
@_answers_not_found
def drive_pledge(request, province_code, campaign_pk):
    return _pledge_form_page(request, _drive_or_404(province_code, campaign_pk))


@require_GET
def pledge_page(request, reference):
    """A pledge's code, note and dynamic VietQR, at a stable address to come back to."""
    pledge = pledge_by_reference(reference)
    if pledge is None:
        return _not_found(request, WRONG_PLEDGE, reference=reference[:40])
    campaign = pledge.campaign
    return render(
        request,
        "campaigns/giving/pledge.html",
        {
            "campaign": campaign,
            "pledge": pledge,
            "giving": giving_of(campaign, pledge),
            "fund_url": fund_page_path(campaign),
            "holder": holder_name(campaign),
            "repeated": "lai" in request.GET,
            "repeated_message": submissions.REPEATED_MESSAGE,
            "page_url": absolute_url(request, pledge_page_path(pledge)),
        },
    )


@require_GET
def short_link(request, reference):
    """/q/MT7K2AW → the fund's public page (a pledge's reference → its pledge page)."""
    parsed = references.parse(reference or "")
    if parsed and parsed[1]:
        pledge = pledge_by_reference(reference)
        if pledge is not None:
            return redirect(pledge_page_path(pledge))
    campaign = fund_by_code(parsed[0]) if parsed and not parsed[1] else None
    if campaign is None:
        return _not_found(request, WRONG_FUND, reference=reference[:40])
    return redirect(fund_page_path(campaign))


def poster_html(request, campaign: Campaign) -> str:
    """The A4 poster: a QR that opens the fund's page (its short link) and, when the fund has
    an account, its VietQR with the account written out."""
    page_url = absolute_url(request, short_path(campaign))
    return render_to_string(
        "campaigns/giving/poster.html",
        {
            "campaign": campaign,
            "giving": giving_of(campaign),
            "holder": holder_name(campaign),
            "page_url": page_url,
            "page_qr": mark_safe(qr_svg(page_url, title="Mã QR mở trang công khai của quỹ")),
        },
    )


def poster_pdf(request, campaign: Campaign) -> bytes:
    """The poster's PDF, kept in the cache under everything it shows (a shared poster is
    fetched by many at once; WeasyPrint takes a good part of a second)."""
    html = poster_html(request, campaign)
    key = f"poster-pdf:{POSTER_LAYOUT}:" + hashlib.sha256(html.encode()).hexdigest()[:32]
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_document(html).write_pdf()
        cache.set(key, pdf, POSTER_CACHE_SECONDS)
    return pdf


def _poster_response(request, campaign: Campaign) -> HttpResponse:
    response = HttpResponse(poster_pdf(request, campaign), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ap-phich-{campaign.reference}.pdf"'
    return response


@require_GET
@_answers_not_found
def fund_poster(request, ward_code, campaign_pk):
    return _poster_response(request, _ward_fund_or_404(ward_code, campaign_pk))


@require_GET
@_answers_not_found
def drive_poster(request, province_code, campaign_pk):
    return _poster_response(request, _drive_or_404(province_code, campaign_pk))


FUND = "cong-khai/<str:ward_code>/<int:campaign_pk>"
DRIVE = "cong-khai/tinh/<str:province_code>/<int:campaign_pk>"

# Included first by campaigns/public/urls.py: "ma-chuyen-khoan" and "ap-phich.pdf" must not
# be read as a commune's code on a drive's trail (cong-khai/tinh/<p>/<pk>/<ward>/).
urlpatterns = [
    # Shared links sometimes gain a trailing slash on the way: both open the fund.
    re_path(r"^q/(?P<reference>[^/]{1,40})/?$", short_link, name="short_link"),
    path("cong-khai/ma/<str:reference>/", pledge_page, name="public_pledge"),
    path(f"{DRIVE}/ma-chuyen-khoan/", drive_pledge, name="public_drive_pledge"),
    path(f"{DRIVE}/ap-phich.pdf", drive_poster, name="public_drive_poster"),
    path(f"{FUND}/ma-chuyen-khoan/", fund_pledge, name="public_fund_pledge"),
    path(f"{FUND}/ap-phich.pdf", fund_poster, name="public_fund_poster"),
]
