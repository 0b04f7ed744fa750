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
from core.fields import DateField, WholeNumberField
from core.numbers import UNVALUED
from core.spreadsheets import csv_response
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
        return public_fund_csv(request, ward_code, campaign_pk)
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
def public_fund_csv(request, ward_code, campaign_pk):
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
