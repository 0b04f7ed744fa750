"""Public disclosure ("công khai, minh bạch"): a ward's funds and their statements, no login.

Everything shown here goes through the reads in campaigns/public/selectors.py, which mask
people's names and never read ID numbers or addresses.
"""

import math

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from campaigns.public import selectors as disclosure
from campaigns.public.selectors import DISBURSEMENTS, RECEIPTS, DisclosureFilter
from campaigns.selectors import GRAND_TOTAL_LABEL
from core.fields import DateField, WholeNumberField
from core.numbers import UNVALUED, format_quantity
from core.spreadsheets import csv_response, table_workbook, workbook_response
from wards import page_cache
from wards.models import Ward

PAGE_SIZE = 50


def _ward_or_404(code) -> Ward:
    return get_object_or_404(Ward.objects.select_related("province"), code=code)


class DisclosureSearchForm(forms.Form):
    q = forms.CharField(
        label="Tên, số biên nhận",
        max_length=100,
        required=False,
        help_text="Người ủng hộ là cá nhân: tìm theo họ và chữ cái đầu như đang hiển thị, "
        "ví dụ “Nguyễn V. A.”.",
    )
    loai = forms.ChoiceField(
        label="Loại",
        required=False,
        choices=[("", "Tất cả thu, chi"), (RECEIPTS, "Khoản thu"), (DISBURSEMENTS, "Khoản chi")],
    )
    so_tien_tu = WholeNumberField(label="Số tiền từ (đồng)")
    so_tien_den = WholeNumberField(label="Số tiền đến (đồng)")
    tu_ngay = DateField(label="Từ ngày", required=False)
    den_ngay = DateField(label="Đến ngày", required=False)

    DATE_ERROR = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css
        for name in ("so_tien_tu", "so_tien_den"):
            self.fields[name].widget.attrs.update(
                {"placeholder": "ví dụ 1.000.000", "class": "form-control text-end"}
            )
        for name in ("tu_ngay", "den_ngay"):
            self.fields[name].error_messages["invalid"] = self.DATE_ERROR
            self.fields[name].widget.attrs.update({"placeholder": "dd/mm/yyyy"})

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("so_tien_tu"), cleaned.get("so_tien_den")
        if low is not None and high is not None and low > high:
            self.add_error("so_tien_den", "Số tiền đến phải lớn hơn hoặc bằng số tiền từ.")
            cleaned.pop("so_tien_den", None)
        first, last = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if first and last and last < first:
            self.add_error("den_ngay", "Đến ngày phải sau hoặc trùng từ ngày.")
            cleaned.pop("den_ngay", None)
        return cleaned

    def search(self) -> DisclosureFilter:
        """The filter of the fields that are valid; invalid ones are shown and not applied."""
        self.is_valid()
        data = self.cleaned_data
        return DisclosureFilter(
            query=" ".join((data.get("q") or "").split()),
            amount_min=data.get("so_tien_tu"),
            amount_max=data.get("so_tien_den"),
            date_from=data.get("tu_ngay"),
            date_to=data.get("den_ngay"),
            kind=data.get("loai") or "",
        )


@require_GET
@page_cache.cached_for_anonymous
def public_ward(request, ward_code):
    ward = _ward_or_404(ward_code)
    campaigns = disclosure.public_campaigns(ward)
    return render(
        request,
        "campaigns/public_ward.html",
        {
            "public_ward": ward,
            "own_campaigns": [c for c in campaigns if c.ward_id],
            "province_campaigns": [c for c in campaigns if c.province_id],
        },
    )


def _fund(ward_code, campaign_pk):
    ward = _ward_or_404(ward_code)
    campaign = disclosure.public_campaign(ward, campaign_pk)
    if campaign is None:
        raise Http404("Không có quỹ này tại phường, xã.")
    return ward, campaign


@require_GET
@page_cache.cached_for_anonymous
def public_fund(request, ward_code, campaign_pk):
    if request.GET.get("format") == "csv":
        return _fund_csv(request, ward_code, campaign_pk)
    ward, campaign = _fund(ward_code, campaign_pk)
    form = DisclosureSearchForm(request.GET)
    search = form.search()
    overall = disclosure.disclosure_overall(campaign, ward)
    totals = overall if search.is_empty else disclosure.disclosure_totals(campaign, ward, search)
    after = disclosure.parse_cursor(request.GET.get("sau"))
    before = None if after else disclosure.parse_cursor(request.GET.get("truoc"))
    if totals.rows:
        page = disclosure.disclosure_page(
            campaign, ward, search, after=after, before=before, size=PAGE_SIZE, totals=totals
        )
    else:
        page = disclosure.DisclosurePage([], has_newer=False, has_older=False)
    page_count = max(1, math.ceil(totals.rows / PAGE_SIZE))
    try:
        number = int(request.GET.get("trang", 1)) if (after or before) else 1
    except ValueError:
        number = 1
    number = min(max(number, 1), page_count)
    return render(
        request,
        "campaigns/public_fund.html",
        {
            "public_ward": ward,
            "campaign": campaign,
            "form": form,
            "search": search,
            "totals": totals,
            "overall": overall,
            "page": page,
            "page_number": number,
            "page_count": page_count,
            "page_size": PAGE_SIZE,
        },
    )


CSV_HEADER = [
    "Ngày",
    "Loại",
    "Số biên nhận / số quyết định",
    "Người ủng hộ / hộ nhận",
    "Nội dung",
    "Tiền mặt (đồng)",
    "Hiện vật quy đổi (đồng)",
    "Ghi chú",
]


def _money_cells(row) -> list:
    """Cash and the goods' equivalent in their own columns; goods not valued say so."""
    if row.in_kind:
        return ["", row.amount if row.amount is not None else UNVALUED]
    return [row.amount, ""]


@require_GET
@page_cache.cached_for_anonymous
def public_fund_csv(request, ward_code, campaign_pk):
    return _fund_csv(request, ward_code, campaign_pk)


def _fund_csv(request, ward_code, campaign_pk):
    """The filtered rows, streamed through the portal's one CSV writer (wards/spreadsheets)."""
    ward, campaign = _fund(ward_code, campaign_pk)
    search = DisclosureSearchForm(request.GET).search()
    rows = (
        [
            row.day,
            "Thu" if row.is_receipt else "Chi",
            row.reference,
            row.name,
            row.content,
            *_money_cells(row),
            "Đã điều chỉnh, không tính" if row.reversed else "",
        ]
        for row in disclosure.disclosure_rows(campaign, ward, search)
    )
    return csv_response(CSV_HEADER, rows, f"sao-ke-{ward.code}-{campaign.pk}.csv")


# --- Follow the money: a province drive's trail, then one commune's step ---------------------

PROVINCE_HOLDER = "Ủy ban MTTQ tỉnh, thành phố"
COMMUNES_HOLDER = "Các phường, xã tự vận động"
PENDING = "Chờ xã xác nhận"
REVERSED = "Đã điều chỉnh, không tính"
FILE_FORMATS = ("csv", "xlsx")
CASH_COLUMN, VALUE_COLUMN = "Tiền mặt (đồng)", "Hiện vật quy đổi (đồng)"


def _drive_or_404(province_code, campaign_pk):
    campaign = disclosure.public_drive(province_code, campaign_pk)
    if campaign is None:
        raise Http404("Không có cuộc vận động này của tỉnh, thành phố.")
    return campaign


def _commune_or_404(campaign, ward_code) -> Ward:
    ward = Ward.objects.filter(code=ward_code, province=campaign.province_id).first()
    if ward is None:
        raise Http404("Phường, xã này không thuộc tỉnh, thành phố của cuộc vận động.")
    return ward


def _value(line) -> object:
    """The money equivalent of goods, or "chưa quy đổi" when none of them was valued."""
    return line.value if line.value or not line.unvalued else UNVALUED


def _received_rows(label, received) -> list:
    rows = [[label, "Tiền", "", "", "", received.cash, "", ""]]
    for line in received.goods_lines:
        rows.append(
            [label, "Hiện vật", line.description, line.unit, line.quantity, "", _value(line), ""]
        )
    return rows


def _drive_received(trail):
    header = [
        "Nơi nhận",
        "Loại",
        "Hiện vật",
        "Đơn vị tính",
        "Số lượng",
        CASH_COLUMN,
        VALUE_COLUMN,
        f"{GRAND_TOTAL_LABEL} (đồng)",
    ]
    rows = _received_rows(PROVINCE_HOLDER, trail.at_province)
    rows += _received_rows(COMMUNES_HOLDER, trail.at_communes)
    rows.append(["Tổng tiền mặt đã nhận", "", "", "", "", trail.cash_received, "", ""])
    rows.append(
        ["Tổng hiện vật quy đổi đã nhận", "", "", "", "", "", trail.goods_value_received, ""]
    )
    rows.append([GRAND_TOTAL_LABEL, "", "", "", "", "", "", trail.grand_total])
    return "Đã tiếp nhận", header, rows


def _allocation_cells(allocation) -> list:
    if allocation.is_cash:
        return [allocation.amount, "", ""]
    value = allocation.amount if allocation.amount is not None else UNVALUED
    return ["", allocation.goods_text, value]


def _allocation_row(row) -> list:
    allocation = row.allocation
    return [
        allocation.decision_number,
        allocation.decision_date,
        allocation.purpose,
        *_allocation_cells(allocation),
        allocation.confirmed_on or PENDING,
        REVERSED if row.reversed else "",
    ]


ALLOCATION_HEADER = [
    "Số quyết định",
    "Ngày quyết định",
    "Mục đích",
    CASH_COLUMN,
    "Hiện vật",
    VALUE_COLUMN,
    "Ngày xã nhận",
    "Ghi chú",
]


def _drive_allocations(trail):
    header = ["Mã phường, xã", "Phường, xã", *ALLOCATION_HEADER]
    rows = [
        [row.ward.code, row.ward.name, *_allocation_row(row)]
        for commune in trail.communes
        for row in commune.rows
    ]
    rows.append(["", "Tổng tiền mặt đã phân bổ", "", "", "", trail.allocated_cash])
    return "Phân bổ cho phường, xã", header, rows


def _goods_summary(lines) -> str:
    return "; ".join(
        f"{format_quantity(line.quantity)} {line.unit} {line.description}" for line in lines
    )


def _drive_collections(trail):
    header = ["Mã phường, xã", "Phường, xã", CASH_COLUMN, "Hiện vật", VALUE_COLUMN]
    rows = [
        [
            collection.ward.code,
            collection.ward.name,
            collection.received.cash,
            _goods_summary(collection.received.goods_lines),
            collection.received.goods_value,
        ]
        for collection in trail.collections
    ]
    return "Phường, xã tự vận động", header, rows


def _held_table(held):
    header = ["Khoản", "Số lượng", "Đơn vị tính", CASH_COLUMN]
    rows = [["Tiền mặt", "", "", held.cash]]
    rows += [[line.description, line.quantity, line.unit, ""] for line in held.goods]
    return header, rows


def _drive_held(trail):
    return ("Tỉnh còn giữ", *_held_table(trail.held))


DRIVE_TABLES = {
    "tiep-nhan": _drive_received,
    "phan-bo": _drive_allocations,
    "xa-van-dong": _drive_collections,
    "con-giu": _drive_held,
}


def _commune_allocations(campaign, ward):
    trail = disclosure.commune_trail(campaign, ward)
    rows = [_allocation_row(row) for row in trail.allocations.rows]
    rows.append(["Tổng tiền mặt đã nhận (đã xác nhận)", "", "", trail.allocations.cash])
    return "Nhận phân bổ từ tỉnh", ALLOCATION_HEADER, rows


def _commune_collected(campaign, ward):
    trail = disclosure.commune_trail(campaign, ward)
    header = ["Loại", "Hiện vật", "Đơn vị tính", "Số lượng", CASH_COLUMN, VALUE_COLUMN]
    rows = [["Tiền", "", "", "", trail.collected.cash, ""]]
    rows += [
        ["Hiện vật", line.description, line.unit, line.quantity, "", _value(line)]
        for line in trail.collected.goods_lines
    ]
    return "Tự vận động", header, rows


PAYMENT_HEADER = [
    "Ngày chi",
    "Hộ nhận",
    "Khu dân cư",
    "Mục đích",
    "Nội dung",
    "Số quyết định",
    CASH_COLUMN,
    "Hiện vật",
    VALUE_COLUMN,
]


def _payment_cells(row) -> list:
    if row.is_cash:
        return [row.amount, "", ""]
    return ["", row.goods, row.amount if row.amount is not None else UNVALUED]


def _commune_payments(campaign, ward):
    rows = (
        [
            row.paid_on,
            row.name,
            row.area,
            row.purpose,
            row.description,
            row.reference,
            *_payment_cells(row),
        ]
        for row in disclosure.commune_payments(campaign, ward)
    )
    return "Chi cho hộ", PAYMENT_HEADER, rows


HOUSE_HEADER = ["Hộ", "Khu dân cư", "Loại", "Giai đoạn", "Ngày bàn giao", "Từ Quỹ (đồng)"]


def _commune_houses(campaign, ward):
    trail = disclosure.commune_trail(campaign, ward)
    rows = [
        [h.name, h.area, h.kind, h.stage, h.handed_over_on or "", h.from_fund] for h in trail.houses
    ]
    return "Nhà", HOUSE_HEADER, rows


def _commune_held(campaign, ward):
    trail = disclosure.commune_trail(campaign, ward)
    return ("Xã còn giữ", *_held_table(trail.held))


COMMUNE_TABLES = {
    "nhan-phan-bo": _commune_allocations,
    "tu-van-dong": _commune_collected,
    "chi-ho": _commune_payments,
    "nha": _commune_houses,
    "con-giu": _commune_held,
}


def _table_file(fmt, *, title, place, campaign, header, rows, filename):
    if fmt == "csv":
        return csv_response(header, rows, f"{filename}.csv")
    book = table_workbook(
        sheet_title=title[:31],
        preamble=[[title], [campaign.name], [place], []],
        header=header,
        rows=rows,
        widths=[18] * len(header),
    )
    return workbook_response(book, f"{filename}.xlsx")


class GiftLookupForm(forms.Form):
    bien_nhan = forms.CharField(
        label="Số biên nhận",
        max_length=20,
        help_text="Ghi như trên biên nhận của Ủy ban MTTQ tỉnh, ví dụ 00012/2026.",
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "placeholder": "00012/2026"}
        ),
        error_messages={
            "required": "Nhập số biên nhận, ví dụ 00012/2026.",
            "max_length": "Số biên nhận gồm số và năm, ví dụ 00012/2026.",
        },
    )


@require_GET
def public_drive(request, province_code, campaign_pk):
    campaign = _drive_or_404(province_code, campaign_pk)
    trail = disclosure.drive_trail(campaign)
    gift, status = None, 200
    form = GiftLookupForm(request.GET) if "bien_nhan" in request.GET else GiftLookupForm()
    if form.is_bound:
        if form.is_valid():
            try:
                gift = disclosure.gift_trail(campaign, trail, form.cleaned_data["bien_nhan"])
            except disclosure.GiftReceiptInvalid as error:
                form.add_error("bien_nhan", str(error))
                status = 400
            except disclosure.GiftLookupError as error:
                form.add_error("bien_nhan", str(error))
        else:
            status = 400
    return render(
        request,
        "campaigns/public/drive.html",
        {
            "campaign": campaign,
            "trail": trail,
            "form": form,
            "gift": gift,
            "grand_total_label": GRAND_TOTAL_LABEL,
            "tables": DRIVE_TABLES,
        },
        status=status,
    )


@require_GET
def public_drive_file(request, province_code, campaign_pk, table, fmt):
    if table not in DRIVE_TABLES or fmt not in FILE_FORMATS:
        raise Http404("Không có bảng này.")
    campaign = _drive_or_404(province_code, campaign_pk)
    title, header, rows = DRIVE_TABLES[table](disclosure.drive_trail(campaign))
    return _table_file(
        fmt,
        title=title,
        place=campaign.province.name,
        campaign=campaign,
        header=header,
        rows=rows,
        filename=f"dong-tien-{campaign.province.code}-{campaign.pk}-{table}",
    )


@require_GET
def public_drive_ward(request, province_code, campaign_pk, ward_code):
    campaign = _drive_or_404(province_code, campaign_pk)
    ward = _commune_or_404(campaign, ward_code)
    trail = disclosure.commune_trail(campaign, ward)
    page_count = max(1, math.ceil(trail.paid.rows / disclosure.TRAIL_PAGE_SIZE))
    try:
        number = int(request.GET.get("trang", 1))
    except ValueError:
        number = 1
    number = min(max(number, 1), page_count)
    payments = disclosure.commune_payments(campaign, ward, page=number) if trail.paid.rows else []
    return render(
        request,
        "campaigns/public/commune.html",
        {
            "campaign": campaign,
            "public_ward": ward,
            "trail": trail,
            "payments": payments,
            "page_number": number,
            "page_count": page_count,
            "pages": range(1, page_count + 1),
            "first_row": (number - 1) * disclosure.TRAIL_PAGE_SIZE,
            "tables": COMMUNE_TABLES,
        },
    )


@require_GET
def public_drive_ward_file(request, province_code, campaign_pk, ward_code, table, fmt):
    if table not in COMMUNE_TABLES or fmt not in FILE_FORMATS:
        raise Http404("Không có bảng này.")
    campaign = _drive_or_404(province_code, campaign_pk)
    ward = _commune_or_404(campaign, ward_code)
    title, header, rows = COMMUNE_TABLES[table](campaign, ward)
    return _table_file(
        fmt,
        title=title,
        place=f"{ward.name}, {campaign.province.name}",
        campaign=campaign,
        header=header,
        rows=rows,
        filename=f"dong-tien-{campaign.province.code}-{campaign.pk}-{ward.code}-{table}",
    )
