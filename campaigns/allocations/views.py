"""Allocations down the levels: the province's pages (a drive's allocations, give, correct,
reverse) and the commune's (what it was given, confirm receipt)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import selectors as campaign_selectors
from campaigns.allocations import selectors, services
from campaigns.allocations.forms import AllocationForm, AllocationReversalForm, ConfirmForm
from campaigns.models import Allocation, Campaign
from wards import selectors as ward_selectors
from wards import submissions

READ_REFUSAL = "Trang phân bổ của tỉnh dành cho cán bộ Ủy ban MTTQ tỉnh, thành phố."
WRITE_REFUSAL = "Bạn không có quyền ghi phân bổ của tỉnh, thành phố này."


# --- The province's side ---------------------------------------------------------------------


def _province_drive(request, code, pk, *, write=False):
    """The province (403 for anyone but its officers and admins, 404 for another province)
    and its drive named in the URL; `write`: 403 for the province's viewer."""
    province = ward_selectors.province_page_or_error(request.user, code, READ_REFUSAL)
    if write and not ward_selectors.can_edit_province(request.user, province):
        raise PermissionDenied(WRITE_REFUSAL)
    campaign = get_object_or_404(Campaign, pk=pk, province=province)
    if not campaign.holds_money:
        raise Http404("Cuộc vận động này không có quỹ để phân bổ.")
    return province, campaign


def _allocation_or_404(campaign, allocation_id) -> Allocation:
    allocation = selectors.allocation_of_drive(campaign, allocation_id)
    if allocation is None:
        raise Http404("Không tìm thấy khoản phân bổ.")
    return allocation


def _back(province, campaign):
    return redirect("campaigns:allocation_list", code=province.code, pk=campaign.pk)


def _page(request, template, province, campaign, context, *, status=200, crumbs=()):
    return render(
        request,
        template,
        {
            "province": province,
            "campaign": campaign,
            "breadcrumbs": [campaign.name, "Phân bổ cho phường, xã", *crumbs],
            **context,
        },
        status=status,
    )


@login_required
def allocation_list(request, code, pk):
    province, campaign = _province_drive(request, code, pk)
    return _page(
        request,
        "campaigns/allocations/drive.html",
        province,
        campaign,
        {
            "summary": selectors.drive_allocations(campaign, province),
            "can_edit": ward_selectors.can_edit_province(request.user, province),
        },
    )


def _holdings_text(campaign, province) -> str:
    balance = campaign_selectors.fund_balance(campaign=campaign, at=province)
    text = "Tỉnh đang giữ: tiền mặt " + campaign_selectors.format_dong(balance)
    held = [g for g in campaign_selectors.goods_held(campaign, province) if g.held > 0]
    if held:
        text += "; hiện vật " + "; ".join(f"{g.text(g.held)} {g.description}" for g in held)
    return text + "."


def _add_refusal(form, refusal):
    if isinstance(refusal, services.FundRefusal):
        text = str(refusal)
        name = "decision_number" if text == services.DUPLICATE_MESSAGE else form.refusal_field()
        form.add_error(name, text)
    else:
        form.add_service_error(refusal)


@login_required
@require_http_methods(["GET", "POST"])
def allocation_create(request, code, pk):
    province, campaign = _province_drive(request, code, pk, write=True)
    form = AllocationForm(
        request.POST or None,
        communes=selectors.communes_of(province),
        initial={"decision_date": timezone.localdate(), "form": Allocation.Form.CASH},
    )
    submissions.add_to(form, request)
    try:
        outcome = submissions.submit_once(
            request,
            form,
            lambda: services.allocation_record(
                campaign=campaign, user=request.user, **form.cleaned_data
            ),
            model=Allocation,
        )
    except (services.FundRefusal, ValidationError) as refusal:
        _add_refusal(form, refusal)
    else:
        if outcome is not None:
            if outcome.created:
                messages.success(
                    request, f"Đã ghi phân bổ cho {outcome.record.ward.name}; chờ xã xác nhận."
                )
            else:
                messages.info(request, submissions.REPEATED_MESSAGE)
            return _back(province, campaign)
    return _page(
        request,
        "campaigns/allocations/form.html",
        province,
        campaign,
        {
            "form": form,
            "title": f"Phân bổ cho phường, xã – {campaign.name}",
            "intro": _holdings_text(campaign, province),
        },
        status=400 if form.errors else 200,
        crumbs=["Ghi phân bổ"],
    )


def _initial(allocation: Allocation) -> dict:
    return {
        "ward": allocation.ward_id,
        "decision_number": allocation.decision_number,
        "decision_date": allocation.decision_date,
        "purpose": allocation.purpose,
        "form": allocation.form,
        "amount": allocation.amount if allocation.is_cash else None,
        "in_kind_description": allocation.in_kind_description,
        "in_kind_quantity": allocation.in_kind_quantity,
        "in_kind_unit": allocation.in_kind_unit,
        "in_kind_value": allocation.amount if allocation.is_in_kind else None,
        "version": allocation.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def allocation_update(request, code, pk, allocation_id):
    province, campaign = _province_drive(request, code, pk, write=True)
    allocation = _allocation_or_404(campaign, allocation_id)
    if allocation.is_confirmed or selectors.is_reversed(allocation):
        messages.error(
            request,
            f"Khoản phân bổ này {selectors.status_text(allocation).lower()} nên không sửa được "
            "nữa; nếu cần, hãy điều chỉnh (bút toán đảo) rồi phân bổ lại.",
        )
        return _back(province, campaign)
    data = request.POST.copy() if request.method == "POST" else None
    form = AllocationForm(
        data,
        communes=selectors.communes_of(province),
        initial=_initial(allocation),
        editing=True,
    )
    conflict = None
    if data is not None and form.is_valid():
        fields = dict(form.cleaned_data)
        version = fields.pop("version")
        try:
            services.allocation_update(allocation=allocation, version=version, **fields)
        except services.AllocationConflict as refused:
            conflict = refused.saved
            conflict.status = selectors.status_text(conflict)
            # Saving again from this page is a decision taken seeing the saved values.
            data["version"] = conflict.version
            form.add_error(None, str(refused))
        except (services.FundRefusal, ValidationError) as refusal:
            _add_refusal(form, refusal)
        else:
            messages.success(request, "Đã lưu khoản phân bổ.")
            return _back(province, campaign)
    return _page(
        request,
        "campaigns/allocations/form.html",
        province,
        campaign,
        {
            "form": form,
            "saved": conflict,
            "title": f"Sửa phân bổ QĐ {allocation.decision_number} – {allocation.ward.name}",
            "intro": _holdings_text(campaign, province),
        },
        status=409 if conflict else 400 if form.errors else 200,
        crumbs=["Sửa phân bổ"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_reverse(request, code, pk, allocation_id):
    """GET: the reason. POST without confirmation: what the reversal does, to confirm. POST
    confirmed: the counter-entry."""
    province, campaign = _province_drive(request, code, pk, write=True)
    allocation = _allocation_or_404(campaign, allocation_id)
    allocation.status = selectors.status_text(allocation)
    if selectors.is_reversed(allocation):
        messages.info(request, "Khoản phân bổ này đã được điều chỉnh trước đó.")
        return _back(province, campaign)
    form = AllocationReversalForm(request.POST if request.method == "POST" else None)
    confirming = False
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif request.POST.get("xac_nhan") != "1":
            confirming = True
        else:
            try:
                services.allocation_reverse(
                    allocation=allocation,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    on=timezone.localdate(),
                )
            except services.FundRefusal as refusal:
                form.add_error(None, str(refusal))
                status = 400
            else:
                messages.success(
                    request,
                    f"Đã điều chỉnh phân bổ QĐ {allocation.decision_number} cho "
                    f"{allocation.ward.name}; khoản này không còn được tính ở tỉnh và ở xã.",
                )
                return _back(province, campaign)
    return _page(
        request,
        "campaigns/allocations/reverse.html",
        province,
        campaign,
        {"allocation": allocation, "form": form, "confirming": confirming},
        status=status,
        crumbs=["Điều chỉnh phân bổ"],
    )


# --- The commune's side ----------------------------------------------------------------------


def _received_page(request, ward, *, failed=None, status=200):
    """The commune's received allocations; `failed` is (allocation id, bound form) of a
    confirmation refused, shown again with what was typed."""
    can_edit = ward_selectors.can_edit_ward(request.user, ward)
    rows = selectors.allocations_received(ward)
    today = timezone.localdate()
    failed_form, failed_shown = (failed[1], False) if failed else (None, False)
    for row in rows:
        if can_edit and not row.is_confirmed and not row.reversed:
            if failed and failed[0] == row.pk:
                row.confirm_form, failed_shown = failed_form, True
            else:
                row.confirm_form = ConfirmForm(
                    prefix=f"a{row.pk}", initial={"confirmed_on": today, "version": row.version}
                )
    drives = {}
    for row in rows:
        drives.setdefault(row.campaign_id, row.campaign)
    return render(
        request,
        "campaigns/allocations/received.html",
        {
            "ward": ward,
            "rows": rows,
            "drives": [
                {
                    "campaign": campaign,
                    "balance": campaign_selectors.fund_balance(campaign=campaign, at=ward),
                }
                for campaign in drives.values()
            ],
            "can_edit": can_edit,
            # A refused confirmation: its messages above the list when its row has no form
            # any more (confirmed or reversed meanwhile).
            "failed_form": failed_form,
            "failed_shown": failed_shown,
            "breadcrumbs": ["Phân bổ từ tỉnh"],
        },
        status=status,
    )


@login_required
def allocation_received(request, code):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    return _received_page(request, ward)


@login_required
@require_POST
def allocation_confirm(request, code, allocation_id):
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    allocation = get_object_or_404(
        Allocation, pk=allocation_id, ward=ward, campaign__province=ward.province_id
    )
    form = ConfirmForm(request.POST, prefix=f"a{allocation.pk}")
    if form.is_valid():
        try:
            services.allocation_confirm(
                allocation=allocation,
                ward=ward,
                user=request.user,
                on=form.cleaned_data["confirmed_on"],
                version=form.cleaned_data["version"],
            )
        except services.FundRefusal as refusal:
            form.add_error("confirmed_on", str(refusal))
        else:
            messages.success(
                request,
                f"Đã xác nhận nhận phân bổ QĐ {allocation.decision_number}; xã có thể chi cho "
                "các hộ từ cuộc vận động này.",
            )
            return redirect("campaigns:allocation_received", code=ward.code)
    return _received_page(request, ward, failed=(allocation.pk, form), status=400)
