"""A province's own drives: the committee's donations, receipts, book and bank statements.

The pages are the communes' (campaigns/views.py, campaigns/bank/views.py) with the province's
committee as the holder (campaigns/places.py). Province officers and the chair record; the
province's viewers and admins read; communes' users get 403: these are the committee's books.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import selectors
from campaigns import views as fund_views
from campaigns.bank import selectors as bank_selectors
from campaigns.bank import views as bank_views
from campaigns.models import Campaign
from campaigns.places import Place
from core.numbers import percent_of
from wards import selectors as ward_selectors

LIST_LABEL = "Cuộc vận động của tỉnh"
NOT_FOR_COMMUNES = "Trang này là sổ sách của Ủy ban MTTQ tỉnh, dành cho cán bộ cấp tỉnh."


def _readable(request, code):
    """The province if the user may read its committee's books: 404 for a province they
    cannot see, 403 for communes' users."""
    province = ward_selectors.visible_province_or_404(request.user, code)
    if ward_selectors.role_of(request.user) != ward_selectors.ADMIN and not (
        ward_selectors.is_province_role(request.user)
    ):
        raise PermissionDenied(NOT_FOR_COMMUNES)
    return province


def _editable(request, code):
    return ward_selectors.editable_province_or_error(request.user, code)


def _drive_or_404(province, pk) -> Campaign:
    return get_object_or_404(selectors.province_campaigns(province), pk=pk)


def _bank_waiting(request, province) -> int:
    """Statement lines waiting in the committee's queue, for those who work through it."""
    if not ward_selectors.can_edit_province(request.user, province):
        return 0
    return bank_selectors.waiting_count(province)


def _crumbs(province) -> list[str]:
    return [province.name, LIST_LABEL]


@login_required
def campaign_list(request, code):
    province = _readable(request, code)
    campaigns = list(selectors.province_campaigns(province))
    totals = selectors.province_drive_totals(campaigns, province)
    for campaign in campaigns:
        campaign.totals = totals[campaign.pk]
        campaign.percent = percent_of(campaign.totals.raised, campaign.target_amount)
    return render(
        request,
        "campaigns/province/campaign_list.html",
        {
            "province": province,
            "campaigns": campaigns,
            "can_edit": ward_selectors.can_edit_province(request.user, province),
            "bank_waiting": _bank_waiting(request, province),
            "breadcrumbs": _crumbs(province),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request, code):
    province = _editable(request, code)
    return fund_views.campaign_form_page(request, Place(province), breadcrumbs=_crumbs(province))


@login_required
def campaign_detail(request, code, pk):
    province = _readable(request, code)
    campaign = _drive_or_404(province, pk)
    page, personal = fund_views.donations_page(request, campaign, province)
    return render(
        request,
        "campaigns/province/campaign_detail.html",
        {
            "province": province,
            "campaign": campaign,
            "progress": selectors.province_progress(campaign, province),
            "page": page,
            "allocations": selectors.allocations_of(campaign),
            "can_edit": ward_selectors.can_edit_province(request.user, province),
            "bank_waiting": _bank_waiting(request, province),
            "personal": personal,
            "breadcrumbs": [*_crumbs(province), campaign.name],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_account(request, code, pk):
    province = _editable(request, code)
    return fund_views.account_form_page(
        request,
        Place(province),
        fund_views.own_money_campaign_or_404(province, pk),
        breadcrumbs=_crumbs(province),
    )


@login_required
@require_http_methods(["GET", "POST"])
def donation_create(request, code, pk):
    province = _editable(request, code)
    return fund_views.donation_form_page(
        request, Place(province), _drive_or_404(province, pk), breadcrumbs=_crumbs(province)
    )


@login_required
def donation_detail(request, code, pk):
    province = _readable(request, code)
    place = Place(province)
    return fund_views.donation_page(
        request,
        place,
        fund_views.held_donation_or_404(place, pk),
        can_edit=ward_selectors.can_edit_province(request.user, province),
        breadcrumbs=_crumbs(province),
    )


@login_required
@require_POST
def donation_reverse(request, code, pk):
    place = Place(_editable(request, code))
    return fund_views.donation_reverse_action(
        request, place, fund_views.held_donation_or_404(place, pk)
    )


@login_required
@require_safe
def receipt_pdf(request, code, pk):
    place = Place(_readable(request, code))
    return fund_views.receipt_response(fund_views.held_donation_or_404(place, pk))


@login_required
def ledger(request, code, pk):
    province = _readable(request, code)
    return fund_views.ledger_page(
        request, Place(province), _drive_or_404(province, pk), breadcrumbs=_crumbs(province)
    )


@login_required
def ledger_xlsx(request, code, pk):
    province = _readable(request, code)
    return fund_views.ledger_workbook(request, Place(province), _drive_or_404(province, pk))


@login_required
@require_http_methods(["GET", "POST"])
def bank_import(request, code, pk):
    province = _editable(request, code)
    return bank_views.statement_import(
        request,
        Place(province),
        bank_views.money_campaign_or_404(province, pk),
        breadcrumbs=_crumbs(province),
    )
