import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import receipts, selectors, services
from campaigns.allocations import selectors as allocation_selectors
from campaigns.bank import selectors as bank_selectors
from campaigns.forms import (
    CampaignForm,
    DisbursementForm,
    DonationForm,
    GovernmentSupportForm,
    HouseForm,
    HouseholdForm,
    PhotoForm,
    ReceivingAccountForm,
    ReversalForm,
)
from campaigns.models import (
    Campaign,
    Disbursement,
    Donation,
    GovernmentSupport,
    House,
    Household,
    HousePhoto,
)
from campaigns.places import Place
from core.numbers import percent_of
from core.spreadsheets import table_workbook, workbook_response
from wards import selectors as ward_selectors
from wards import submissions
from wards.selectors import visible_ward_or_404

PAGE_SIZE = 50


def _campaign_or_404(ward, pk) -> Campaign:
    return get_object_or_404(selectors.campaigns_of_ward(ward), pk=pk)


def _can_edit(request, ward):
    return ward_selectors.can_edit_ward(request.user, ward)


def _bank_waiting(request, ward) -> int:
    """Statement lines waiting in the ward's queue, for those who work through it."""
    return bank_selectors.waiting_count(ward) if _can_edit(request, ward) else 0


def _can_record_gifts(request, ward, campaign):
    """The ward's officers, and an organisation officer in its organisation's drives."""
    return ward_selectors.can_edit_organisation(request.user, ward, campaign.organisation_id)


def _created(request, outcome, message):
    """The success message, or the notice that this form was posted before."""
    if outcome.created:
        messages.success(request, message)
    else:
        messages.info(request, submissions.REPEATED_MESSAGE)


@login_required
def campaign_list(request, code):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    campaigns = list(selectors.campaigns_of_ward(ward))
    totals = selectors.campaign_totals(campaigns)
    for campaign in campaigns:
        campaign.totals = totals[campaign.pk]
        campaign.raised = campaign.totals.raised  # cash: what the target is compared with
        # Unrounded: the page shows one decimal, half up.
        campaign.percent = percent_of(campaign.raised, campaign.target_amount)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "ward": ward,
            "campaigns": campaigns,
            "can_edit": _can_edit(request, ward),
            "can_create": ward_selectors.can_edit_part_of_ward(request.user, ward),
            "bank_waiting": _bank_waiting(request, ward),
            "breadcrumbs": ["Cuộc vận động, quỹ"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request, code):
    # The ward's officers, or its organisation officer (for its organisation's drives).
    ward = ward_selectors.part_editable_ward_or_error(request.user, code)
    return campaign_form_page(
        request, Place(ward), only=ward_selectors.organisation_of(request.user, ward)
    )


def campaign_form_page(request, place: Place, *, breadcrumbs=(), only=None):
    """Create a commune's own campaign (an organisation officer's: its organisation's drive),
    or a province's own drive, once per posted form."""
    form = CampaignForm(
        request.POST or None, initial={"starts_on": timezone.localdate()}, only=only
    )
    if place.is_province:
        form.fields.pop("organisation", None)  # member organisations' drives are communes'

        def create(**fields):
            return services.province_campaign_create(**place.holder_kwargs, **fields)
    else:

        def create(**fields):
            return services.campaign_create(**place.holder_kwargs, user=request.user, **fields)

    submissions.add_to(form, request)
    for field, value in place.rows.items():  # the model's validation of the form sees the holder
        setattr(form.instance, field, value)
    outcome = submissions.submit_once(
        request,
        form,
        lambda: create(**form.cleaned_data),
        model=Campaign,
    )
    if outcome is not None:
        if outcome.record is None:
            messages.info(request, submissions.REPEATED_MESSAGE)
            return place.redirect("list")
        _created(request, outcome, f"Đã tạo “{outcome.record.name}”.")
        return place.redirect("detail", outcome.record.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            **place.context,
            "form": form,
            "title": "Tạo cuộc vận động",
            "breadcrumbs": [*breadcrumbs, "Tạo mới"],
        },
        status=400 if form.errors else 200,
    )


@login_required
def campaign_detail(request, code, pk):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    campaign = _campaign_or_404(ward, pk)
    page, personal = donations_page(request, campaign, ward)
    disbursements = campaign.disbursements.filter(ward=ward).select_related("household__area")[:50]
    for payment in disbursements:
        payment.recipient = _recipient(payment, personal)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "ward": ward,
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign),
            "page": page,
            "disbursements": disbursements,
            "can_edit": _can_edit(request, ward),
            "can_record_gifts": _can_record_gifts(request, ward, campaign),
            "bank_waiting": _bank_waiting(request, ward),
            "personal": personal,
            "breadcrumbs": [campaign.name],
            **_province_drive_context(request, campaign, ward),
        },
    )


def own_money_campaign_or_404(holder, pk) -> Campaign:
    """A fund or housing programme the holder itself runs (a province drive's account is the
    province's to set, not its communes')."""
    campaign = (
        selectors.campaigns_at(holder)
        .filter(pk=pk, kind__in=[Campaign.Kind.FUND, Campaign.Kind.HOUSING])
        .first()
    )
    own = campaign is not None and (
        campaign.province_id == holder.pk
        if Place(holder).is_province
        else campaign.ward_id == holder.pk
    )
    if not own:
        raise Http404("Không tìm thấy quỹ nhận tiền ủng hộ của đơn vị này.")
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_account(request, code, pk):
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    return account_form_page(request, Place(ward), own_money_campaign_or_404(ward, pk))


def account_form_page(request, place: Place, campaign: Campaign, *, breadcrumbs=()):
    """The fund's receiving account (VietQR on its public page), saved from the version the
    page showed; a stale save shows the account saved meanwhile beside what was typed."""
    form = ReceivingAccountForm(request.POST or None, campaign=campaign)
    conflict = None
    if request.method == "POST" and form.is_valid():
        account = {name: form.cleaned_data[name] for name in services.ACCOUNT_FIELDS}
        try:
            services.campaign_account_update(
                campaign=campaign, shown=form.cleaned_data["shown"], **account
            )
        except services.AccountConflict as error:
            conflict = error.current
            # Typed values kept; saving again now overwrites the current account knowingly.
            data = request.POST.copy()
            data["shown"] = services.account_version(conflict)
            form = ReceivingAccountForm(data, campaign=conflict)
            form.is_valid()
            form.add_error(None, str(error))
        except (services.FundRefusal, ValidationError) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            if any(account.values()):
                messages.success(request, "Đã lưu tài khoản nhận chuyển khoản.")
            else:
                messages.success(
                    request, "Đã xóa tài khoản nhận; trang công khai không còn mã VietQR."
                )
            return place.redirect("detail", campaign.pk)
    return render(
        request,
        "campaigns/giving/account_form.html",
        {
            **place.context,
            "campaign": campaign,
            "form": form,
            "conflict": conflict,
            "title": f"Tài khoản nhận chuyển khoản · {campaign.name}",
            "breadcrumbs": [*breadcrumbs, campaign.name, "Tài khoản nhận"],
        },
        status=400 if form.errors else 200,
    )


def _province_drive_context(request, campaign, ward) -> dict:
    """A province drive seen from a commune: what the province gave it and what it holds."""
    if not campaign.province_id:
        return {}
    return {
        "received": allocation_selectors.allocations_received(ward, campaign),
        "ward_balance": selectors.fund_balance(campaign=campaign, at=ward),
        "province_link": ward_selectors.role_of(request.user)
        in (ward_selectors.ADMIN, *ward_selectors.PROVINCE_ROLES),
    }


def donations_page(request, campaign, holder):
    """(the page of the holder's donations asked for, whether donors are named in full)."""
    page = Paginator(selectors.donations_at(campaign, holder), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    personal = selectors.can_see_personal_data(request.user, holder)
    for donation in page.object_list:
        donation.display_name = selectors.donor_name(donation, personal=personal)
    return page, personal


def _recipient(payment, personal):
    if payment.household is None:
        return payment.description
    name = selectors.head_name(payment.household, personal=personal)
    return f"{name} ({payment.household.area})" if payment.household.area else name


def _record_once(request, form, record, campaign, holder, model):
    """A fund's money form, written by the service `record` once per posted form, at the
    holder (`{"ward": …}` or `{"province": …}`)."""
    submissions.add_to(form, request)
    return submissions.submit_once(
        request,
        form,
        lambda: record(campaign=campaign, **holder, user=request.user, **form.cleaned_data),
        model=model,
    )


@login_required
@require_http_methods(["GET", "POST"])
def donation_create(request, code, pk):
    ward = ward_selectors.part_editable_ward_or_error(request.user, code)
    campaign = _campaign_or_404(ward, pk)
    if not _can_record_gifts(request, ward, campaign):
        raise PermissionDenied(services.OTHER_ORGANISATION_DRIVE)
    return donation_form_page(request, Place(ward), campaign)


def donation_form_page(request, place: Place, campaign: Campaign, *, breadcrumbs=()):
    """Record a donation at a commune or at the province's committee, once per posted form."""
    form = DonationForm(request.POST or None, initial={"received_on": timezone.localdate()})
    try:
        outcome = _record_once(
            request, form, services.donation_record, campaign, place.holder_kwargs, Donation
        )
    except (services.FundRefusal, ValidationError) as refusal:
        form.add_service_error(refusal)
    else:
        if outcome is not None:
            if outcome.record is None:
                messages.info(request, submissions.REPEATED_MESSAGE)
                return place.redirect("detail", campaign.pk)
            donation = outcome.record
            _created(
                request,
                outcome,
                f"Đã ghi nhận khoản ủng hộ, biên nhận số {donation.receipt_label}.",
            )
            return place.redirect("donation_detail", donation.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            **place.context,
            "form": form,
            "title": f"Ghi nhận ủng hộ – {campaign.name}",
            "breadcrumbs": [*breadcrumbs, campaign.name, "Ghi nhận ủng hộ"],
        },
        status=400 if form.errors else 200,
    )


def held_donation_or_404(place: Place, pk) -> Donation:
    """A donation this commune, or this province's committee, recorded."""
    return get_object_or_404(
        Donation.objects.select_related(
            "ward__province", "province", "campaign", "recorded_by", "reversal__reversed_by"
        ),
        pk=pk,
        **place.rows,
    )


@login_required
def donation_detail(request, code, pk):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    place = Place(ward)
    return donation_page(
        request, place, held_donation_or_404(place, pk), can_edit=_can_edit(request, ward)
    )


def donation_page(request, place: Place, donation: Donation, *, can_edit, breadcrumbs=()):
    personal = selectors.can_see_personal_data(request.user, place.holder)
    return render(
        request,
        "campaigns/donation_detail.html",
        {
            **place.context,
            "donation": donation,
            "reversal": getattr(donation, "reversal", None),
            "can_edit": can_edit,
            "reversal_form": ReversalForm(),
            "personal": personal,
            "donor_name": selectors.donor_name(donation, personal=personal),
            # Other readers get nothing that would name a donor who asked not to be named.
            "donor_withheld": not personal and donation.is_anonymous,
            "public_name": selectors.public_donor_name(donation),
            "campaign_url": place.url("detail", donation.campaign_id),
            "receipt_url": place.url("receipt_pdf", donation.pk),
            "reverse_url": place.url("donation_reverse", donation.pk),
            "breadcrumbs": [
                *breadcrumbs,
                donation.campaign.name,
                f"Biên nhận {donation.receipt_label}",
            ],
        },
    )


@login_required
@require_POST
def donation_reverse(request, code, pk):
    place = Place(ward_selectors.editable_ward_or_error(request.user, code))
    return donation_reverse_action(request, place, held_donation_or_404(place, pk))


def donation_reverse_action(request, place: Place, donation: Donation):
    form = ReversalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ghi rõ lý do điều chỉnh.")
    else:
        try:
            services.donation_reverse(
                donation=donation,
                user=request.user,
                reason=form.cleaned_data["reason"],
                on=timezone.localdate(),
            )
        except services.FundRefusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"Đã điều chỉnh biên nhận {donation.receipt_label}; khoản này không còn được "
                "tính vào quỹ.",
            )
    return place.redirect("donation_detail", donation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def disbursement_create(request, code, pk):
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    campaign = _campaign_or_404(ward, pk)
    initial = {"paid_on": timezone.localdate()}
    if request.GET.get("hinh_thuc") == Disbursement.Form.IN_KIND:
        initial["form"] = Disbursement.Form.IN_KIND
    form = DisbursementForm(request.POST or None, ward=ward, initial=initial)
    try:
        outcome = _record_once(
            request, form, services.disbursement_record, campaign, {"ward": ward}, Disbursement
        )
    except services.FundRefusal as refusal:
        goods = form.cleaned_data.get("form") == Disbursement.Form.IN_KIND
        form.add_error("in_kind_quantity" if goods else "amount", str(refusal))
    except ValidationError as refusal:
        form.add_service_error(refusal)
    else:
        if outcome is not None:
            _created(request, outcome, "Đã ghi khoản chi.")
            return redirect("campaigns:detail", code=ward.code, pk=campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {
            "ward": ward,
            "form": form,
            "title": f"Chi từ quỹ – {campaign.name}",
            "intro": _holdings_text(campaign, ward),
            "breadcrumbs": [campaign.name, "Ghi khoản chi"],
        },
        status=400 if form.errors else 200,
    )


def _holdings_text(campaign, holder) -> str:
    """ "Số dư tiền mặt: 4.000.000 đ. Hiện vật quỹ đang giữ: 200 kg Gạo; 30 thùng Mì gói." """
    balance = selectors.fund_balance(campaign=campaign, at=holder)
    text = "Số dư tiền mặt: " + selectors.format_dong(balance)
    held = [line for line in selectors.goods_held(campaign, holder) if line.held > 0]
    if held:
        goods = "; ".join(f"{line.text(line.held)} {line.description}" for line in held)
        text += f". Hiện vật quỹ đang giữ: {goods}"
    return text + "."


def _year(request):
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404("Năm không hợp lệ.")
    return year


def _ledger_months(request, place: Place, campaign: Campaign):
    year = _year(request)
    months = selectors.ledger(
        campaign=campaign,
        first=datetime.date(year, 1, 1),
        last=datetime.date(year, 12, 31),
        at=place.holder,
    )
    return year, months


@dataclass(frozen=True)
class LedgerColumn:
    header: str  # as in the spreadsheet
    label: str  # as on the page
    attribute: str  # of LedgerMonth
    kind: str = "flow"  # "opening", "flow" or "closing": what the year's line shows
    width: int = 20  # in the spreadsheet


LEDGER_COLUMNS = [
    LedgerColumn("Số dư tiền mặt đầu kỳ", "Số dư tiền mặt đầu kỳ", "opening", "opening"),
    LedgerColumn("Thu tiền mặt", "Thu tiền mặt", "receipts"),
    LedgerColumn("Chi tiền mặt", "Chi tiền mặt", "disbursements"),
    LedgerColumn("Số dư tiền mặt cuối kỳ", "Số dư tiền mặt cuối kỳ", "closing", "closing"),
    LedgerColumn(
        "Hiện vật nhận (giá trị quy đổi)", "Hiện vật nhận (quy đổi)", "in_kind_received", width=24
    ),
    LedgerColumn(
        "Hiện vật đã trao (giá trị quy đổi)",
        "Hiện vật đã trao (quy đổi)",
        "in_kind_handed_out",
        width=24,
    ),
]
ALLOCATIONS_RECEIVED = LedgerColumn(
    "Nhận phân bổ từ tỉnh", "Nhận phân bổ từ tỉnh", "allocations_received"
)
ALLOCATIONS_GIVEN = LedgerColumn("Chi phân bổ", "Chi phân bổ", "allocations_given")


def ledger_columns(campaign: Campaign, place: Place) -> list[LedgerColumn]:
    """The book's columns: a province drive's book also moves cash by allocations, received
    by a commune (after its receipts), given by the province's committee (after its payments).
    A ward's own fund has no allocations and keeps its columns."""
    if not campaign.province_id:
        return LEDGER_COLUMNS
    extra, after = (
        (ALLOCATIONS_GIVEN, "disbursements")
        if place.is_province
        else (ALLOCATIONS_RECEIVED, "receipts")
    )
    at = next(i for i, c in enumerate(LEDGER_COLUMNS) if c.attribute == after) + 1
    return [*LEDGER_COLUMNS[:at], extra, *LEDGER_COLUMNS[at:]]


def _ledger_table(columns, months) -> tuple[list, list]:
    """(one row of values per month, the year's line): the opening of January, the sum of each
    flow, the closing of December."""
    rows = [[getattr(month, c.attribute) for c in columns] for month in months]
    year = []
    for index, column in enumerate(columns):
        values = [row[index] for row in rows]
        year.append({"opening": values[0], "closing": values[-1]}.get(column.kind, sum(values)))
    return rows, year


@login_required
def ledger(request, code, pk):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    return ledger_page(request, Place(ward), _campaign_or_404(ward, pk))


def ledger_page(request, place: Place, campaign: Campaign, *, breadcrumbs=()):
    year, months = _ledger_months(request, place, campaign)
    columns = ledger_columns(campaign, place)
    rows, year_line = _ledger_table(columns, months)
    return render(
        request,
        "campaigns/ledger.html",
        {
            **place.context,
            "campaign": campaign,
            "year": year,
            "columns": columns,
            "rows": [(month.month, values) for month, values in zip(months, rows, strict=True)],
            "year_line": year_line,
            "xlsx_url": place.url("ledger_xlsx", campaign.pk),
            "allocations": len(columns) > len(LEDGER_COLUMNS),
            "breadcrumbs": [*breadcrumbs, campaign.name, f"Sổ quỹ năm {year}"],
        },
    )


@login_required
def ledger_xlsx(request, code, pk):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    return ledger_workbook(request, Place(ward), _campaign_or_404(ward, pk))


def ledger_workbook(request, place: Place, campaign: Campaign):
    year, months = _ledger_months(request, place, campaign)
    columns = ledger_columns(campaign, place)
    rows, _year_line = _ledger_table(columns, months)
    holder = place.holder
    workbook = table_workbook(
        sheet_title=f"So quy {year}",
        preamble=[
            [f"Sổ quỹ {campaign.name} – {holder.name} – năm {year}"],
            [
                "Đơn vị: đồng. Sổ quỹ tiền mặt; giá trị quy đổi của hiện vật ghi riêng, không "
                "tính vào số dư."
            ],
        ],
        header=["Tháng", *(column.header for column in columns)],
        rows=(
            [f"{month.month:%m/%Y}", *values] for month, values in zip(months, rows, strict=True)
        ),
        widths=(10, *(column.width for column in columns)),
    )
    return workbook_response(workbook, f"so-quy-{holder.code}-{campaign.pk}-{year}.xlsx")


@login_required
def household_list(request, code):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    personal = selectors.can_see_personal_data(request.user, ward)
    households = Household.objects.filter(ward=ward).select_related("area")
    search = request.GET.get("q", "").strip()
    if search and personal:
        households = households.filter(Q(head_name__icontains=search) | Q(id_number=search))
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    for household in page.object_list:
        household.display_name = selectors.head_name(household, personal=personal)
    return render(
        request,
        "campaigns/household_list.html",
        {
            "ward": ward,
            "page": page,
            "search": search,
            "personal": personal,
            "can_edit": _can_edit(request, ward),
            "breadcrumbs": ["Hộ được hỗ trợ"],
        },
    )


def _save_form(request, ward, form, save, *, title, added, back, extra=None):
    """Add a record (`added` says so), once per posted form (wards/submissions), or save the
    record the form edits."""
    creating = form.instance.pk is None
    if creating:
        submissions.add_to(form, request)
    try:
        if creating:
            outcome = submissions.submit_once(
                request, form, lambda: save(form), model=form._meta.model
            )
            if outcome is not None:
                _created(request, outcome, added)
                return redirect(back, code=ward.code)
        elif request.method == "POST" and form.is_valid():
            save(form)
            messages.success(request, "Đã lưu.")
            return redirect(back, code=ward.code)
    except services.FundRefusal as refusal:
        form.add_error(None, str(refusal))
    except ValidationError as refusal:
        form.add_error(None, refusal.messages[0])
    return render(
        request,
        "campaigns/form.html",
        {"ward": ward, "form": form, "title": title, "breadcrumbs": [title], **(extra or {})},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, code, pk=None):
    """Add a household (no pk) or edit one."""
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    household = get_object_or_404(Household, pk=pk, ward=ward) if pk is not None else None
    form = HouseholdForm(request.POST or None, instance=household, ward=ward)
    return _save_form(
        request,
        ward,
        form,
        lambda f: services.household_save(ward=ward, household=household, **f.cleaned_data),
        title=f"Sửa hộ {household.head_name}" if household else "Thêm hộ được hỗ trợ",
        added="Đã thêm hộ.",
        back="campaigns:households",
    )


@login_required
def house_list(request, code):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    personal = selectors.can_see_personal_data(request.user, ward)
    houses = House.objects.filter(ward=ward).select_related("household__area", "campaign")
    page = Paginator(houses, PAGE_SIZE).get_page(request.GET.get("page"))
    for house in page.object_list:
        house.display_name = selectors.head_name(house.household, personal=personal)
    return render(
        request,
        "campaigns/house_list.html",
        {
            "ward": ward,
            "page": page,
            "can_edit": _can_edit(request, ward),
            "breadcrumbs": ["Nhà Đại đoàn kết"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def house_edit(request, code, pk=None):
    """Add a house (no pk), or edit one and add its photos."""
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    house = get_object_or_404(House, pk=pk, ward=ward) if pk is not None else None
    if house is not None and request.method == "POST" and "image" in request.FILES:
        return _photo_add(request, ward, house)
    form = HouseForm(
        request.POST or None,
        instance=house,
        ward=ward,
        campaigns=selectors.campaigns_of_ward(ward),
    )
    return _save_form(
        request,
        ward,
        form,
        lambda f: services.house_save(ward=ward, house=house, **f.cleaned_data),
        title=f"Nhà của hộ {house.household.head_name}" if house else "Thêm nhà Đại đoàn kết",
        added="Đã thêm nhà.",
        back="campaigns:houses",
        extra={"house": house, "photos": house.photos.all(), "photo_form": PhotoForm()}
        if house
        else None,
    )


def _photo_add(request, ward, house):
    photo_form = PhotoForm(request.POST, request.FILES)
    outcome = submissions.submit_once(
        request,
        photo_form,
        lambda: services.house_photo_add(house=house, **photo_form.cleaned_data),
        model=HousePhoto,
    )
    if outcome is not None:
        _created(request, outcome, "Đã thêm ảnh.")
    else:
        messages.error(request, " ".join(photo_form.errors.get("image", ["Ảnh không hợp lệ."])))
    return redirect("campaigns:house_update", code=ward.code, pk=house.pk)


@login_required
@require_http_methods(["GET", "POST"])
def support_list(request, code):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    can_edit = _can_edit(request, ward)
    form = GovernmentSupportForm(request.POST or None, ward=ward) if can_edit else None
    if form is not None:
        submissions.add_to(form, request)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Bạn không có quyền ghi số liệu của phường, xã này.")
        outcome = submissions.submit_once(
            request,
            form,
            lambda: services.government_support_record(
                ward=ward, user=request.user, **form.cleaned_data
            ),
            model=GovernmentSupport,
        )
        if outcome is not None:
            _created(request, outcome, "Đã ghi khoản hỗ trợ của Nhà nước.")
            return redirect("campaigns:supports", code=ward.code)
    supports = GovernmentSupport.objects.filter(ward=ward).select_related("household")
    page = Paginator(supports, PAGE_SIZE).get_page(request.GET.get("page"))
    personal = selectors.can_see_personal_data(request.user, ward)
    for support in page.object_list:
        if support.household:
            support.display_name = selectors.head_name(support.household, personal=personal)
    return render(
        request,
        "campaigns/support_list.html",
        {"ward": ward, "page": page, "form": form, "breadcrumbs": ["Hỗ trợ của Nhà nước (chi hộ)"]},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_safe
def receipt_pdf(request, code, pk):
    place = Place(visible_ward_or_404(request.user, code))
    return receipt_response(held_donation_or_404(place, pk))


def receipt_response(donation: Donation) -> HttpResponse:
    response = HttpResponse(receipts.receipt_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=receipts.receipt_filename(donation)
    )
    # Donors' names and addresses: not for shared caches, not kept by the browser.
    patch_cache_control(response, private=True, no_store=True)
    return response
