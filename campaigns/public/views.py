"""Public disclosure ("công khai, minh bạch"): a ward's funds and their statements, no login.

Everything shown here goes through the reads in campaigns/public/selectors.py, which mask
people's names and never read ID numbers or addresses.
"""

import math

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from campaigns.public import selectors as disclosure
from campaigns.public.forms import DisclosureSearchForm, GiftLookupForm
from campaigns.selectors import GRAND_TOTAL_LABEL
from core.numbers import UNVALUED, format_quantity
from core.spreadsheets import csv_response, table_workbook, workbook_response
from wards import page_cache
from wards.models import Ward

PAGE_SIZE = 50
REVERSED = "Đã điều chỉnh, không tính"
FILE_FORMATS = ("csv", "xlsx")


def _ward_or_404(code) -> Ward:
    return get_object_or_404(Ward.objects.select_related("province"), code=code)


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
            "balance": disclosure.bank_balance(campaign, ward, overall),
            "lookup": disclosure.reference_lookup(campaign, ward, search.query),
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
    # Added with the bank statements: after the older columns, which keep their places.
    "Đối chiếu sao kê",
    "Ngày giao dịch trên sao kê",
]


def _money_cells(row) -> list:
    """Cash and the goods' equivalent in their own columns; goods not valued say so."""
    if row.in_kind:
        return ["", row.amount if row.amount is not None else UNVALUED]
    return [row.amount, ""]


def fund_file_row(row) -> list:
    """One line of a fund's statement as the files give it, the page's masking and labels."""
    check = row.verification
    return [
        row.day,
        "Thu" if row.is_receipt else "Chi",
        row.reference,
        row.name,
        row.content,
        *_money_cells(row),
        REVERSED if row.reversed else "",
        check.label if check else "",
        check.booked_on if check and check.is_verified else "",
    ]


def _fund_rows(request, ward_code, campaign_pk):
    ward, campaign = _fund(ward_code, campaign_pk)
    search = DisclosureSearchForm(request.GET).search()
    rows = map(fund_file_row, disclosure.disclosure_rows(campaign, ward, search))
    return ward, campaign, rows


@require_GET
@page_cache.cached_for_anonymous
def public_fund_csv(request, ward_code, campaign_pk):
    return _fund_csv(request, ward_code, campaign_pk)


def _fund_csv(request, ward_code, campaign_pk):
    """The filtered rows, streamed through the portal's one CSV writer (core/spreadsheets)."""
    ward, campaign, rows = _fund_rows(request, ward_code, campaign_pk)
    return csv_response(CSV_HEADER, rows, f"sao-ke-{ward.code}-{campaign.pk}.csv")


@require_GET
def public_fund_xlsx(request, ward_code, campaign_pk):
    """The filtered rows as a workbook: numbers as numbers, days as dates."""
    ward, campaign, rows = _fund_rows(request, ward_code, campaign_pk)
    book = table_workbook(
        sheet_title="Sao kê",
        preamble=[[f"Sao kê {campaign.name}"], [f"{ward.name}, {ward.province.name}"], []],
        header=CSV_HEADER,
        rows=rows,
        widths=[12, 6, 16, 28, 36, 16, 16, 16, 32, 14],
    )
    return workbook_response(book, f"sao-ke-{ward.code}-{campaign.pk}.xlsx")


WARD_HEADER = [
    "Quỹ, cuộc vận động",
    "Của",
    "Loại",
    "Trạng thái",
    "Từ ngày",
    "Đến ngày",
    "Tiền mặt đã nhận (đồng)",
    "Hiện vật quy đổi (đồng)",
    f"{GRAND_TOTAL_LABEL} (đồng)",
    "Tiền mặt đã chi (đồng)",
    "Số dư tiền mặt (đồng)",
]


def ward_file_row(campaign) -> list:
    return [
        campaign.name,
        "Phường, xã" if campaign.ward_id else "Tỉnh, thành phố",
        campaign.get_kind_display(),
        campaign.get_status_display(),
        campaign.starts_on,
        campaign.ends_on or "",
        campaign.received,
        campaign.in_kind,
        campaign.grand_total,
        campaign.paid,
        campaign.balance,
    ]


@require_GET
def public_ward_file(request, ward_code, fmt):
    """The ward page's table of funds as CSV or XLSX."""
    if fmt not in FILE_FORMATS:
        raise Http404("Không có định dạng này.")
    ward = _ward_or_404(ward_code)
    rows = [ward_file_row(campaign) for campaign in disclosure.public_campaigns(ward)]
    filename = f"cong-khai-{ward.code}"
    if fmt == "csv":
        return csv_response(WARD_HEADER, rows, f"{filename}.csv")
    book = table_workbook(
        sheet_title="Các quỹ",
        preamble=[[f"Công khai thu, chi các quỹ · {ward.name}"], [ward.province.name], []],
        header=WARD_HEADER,
        rows=rows,
        widths=[36, 14, 24, 16, 12, 12, 18, 18, 20, 18, 18],
    )
    return workbook_response(book, f"{filename}.xlsx")


# --- Follow the money: a province drive's trail, then one commune's step ---------------------

PROVINCE_HOLDER = "Ủy ban MTTQ tỉnh, thành phố"
COMMUNES_HOLDER = "Các phường, xã tự vận động"
PENDING = "Chờ xã xác nhận"
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
