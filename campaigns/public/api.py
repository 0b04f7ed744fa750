"""The public read API (/cong-khai/api/v1/…): the disclosure's funds, lines and trail as JSON.

Plain Django views, no API framework: a handful of read-only GET endpoints over selectors
that already do the work, so a framework would add a dependency and a second way of writing
views for nothing the portal needs (no writes, no authentication, no content negotiation).

Every answer is JSON in UTF-8: amounts in integer đồng, days as ISO dates, quantities of
goods as numbers. The rows come from the same masked selectors as the pages, so a name is
masked here exactly as it is there. Each answer carries an ETag and a Last-Modified computed
before the answer is built (`selectors.*_freshness`: one query), and a conditional GET that
matches gets 304 without the work. Any origin may read (CORS `*`); a preflight OPTIONS is
answered. Bad parameters get 400 with a Vietnamese message, unknown places and funds 404, both
as JSON. The description is `openapi.py` (OpenAPI 3.1), the human page `api_docs`.
"""

import functools
import hashlib
import math

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from campaigns.public import openapi
from campaigns.public import selectors as disclosure
from campaigns.public.forms import DisclosureSearchForm
from wards import page_cache
from wards.models import Province, Ward

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
# Numbered pages read the keys of every row before them: past this, narrow by dates.
MAX_OFFSET = 100_000
CACHE_CONTROL = "public, max-age=60"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}


class ApiError(Exception):
    """A refusal the client can fix; the message is Vietnamese."""

    def __init__(self, message: str, *, status: int = 400, fields: dict | None = None):
        super().__init__(message)
        self.status, self.fields = status, fields or {}


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


def _error(message: str, status: int, fields: dict | None = None) -> JsonResponse:
    body = {"error": message}
    if fields:
        body["fields"] = fields
    return _json(body, status)


def api_view(view):
    """GET and HEAD answered with CORS headers, OPTIONS as a preflight, other methods 405;
    Http404 and ApiError as JSON."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for name, value in PREFLIGHT_HEADERS.items():
                response[name] = value
        elif request.method not in ("GET", "HEAD"):
            response = _error("API chỉ cho phép đọc (GET).", 405)
            response["Allow"] = "GET, HEAD, OPTIONS"
        else:
            try:
                response = view(request, *args, **kwargs)
            except Http404 as error:
                response = _error(str(error) or "Không tìm thấy.", 404)
            except ApiError as error:
                response = _error(str(error), error.status, error.fields)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    # The CSRF check never applies: nothing here writes.
    wrapper.csrf_exempt = True
    return wrapper


def _answer(request, fresh: disclosure.Freshness, build, *, links=None) -> HttpResponse:
    """304 when the client's validators match, else the JSON `build()` returns; both with the
    validators and the cache policy."""
    modified = int(fresh.last_modified.timestamp()) if fresh.last_modified else None
    response = get_conditional_response(request, etag=fresh.etag, last_modified=modified)
    if response is None:
        response = _json(build())
        if links:
            response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links if url)
    response["ETag"] = fresh.etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = CACHE_CONTROL
    return response


# --- Looking up what the URL names ---------------------------------------------------------


def _ward(code) -> Ward:
    ward = Ward.objects.select_related("province").filter(code=code).first()
    if ward is None:
        raise Http404(f"Không có phường, xã mã {code}.")
    return ward


def _province(code) -> Province:
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise Http404(f"Không có tỉnh, thành phố mã {code}.")
    return province


def _fund(ward_code, campaign_pk):
    ward = _ward(ward_code)
    campaign = disclosure.public_campaign(ward, campaign_pk)
    if campaign is None:
        raise Http404("Không có quỹ này tại phường, xã.")
    return ward, campaign


def _drive(province_code, campaign_pk):
    campaign = disclosure.public_drive(province_code, campaign_pk)
    if campaign is None:
        raise Http404("Không có cuộc vận động này của tỉnh, thành phố.")
    return campaign


def _commune(campaign, ward_code) -> Ward:
    ward = Ward.objects.filter(code=ward_code, province=campaign.province_id).first()
    if ward is None:
        raise Http404("Phường, xã này không thuộc tỉnh, thành phố của cuộc vận động.")
    return ward


def _positive(request, names, default: int) -> int:
    for name in names:
        text = request.GET.get(name)
        if text is not None:
            break
    else:
        return default
    text = text.strip()
    if not text.isdecimal() or len(text) > 9 or int(text) < 1:
        raise ApiError(f"Tham số “{names[0]}” phải là số nguyên dương, ví dụ {names[0]}=2.")
    return int(text)


def _paging(request) -> tuple[int, int]:
    """(page number, rows per page) from ?trang= (or ?page=) and ?limit=."""
    page = _positive(request, ("trang", "page"), 1)
    limit = _positive(request, ("limit",), DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        raise ApiError(f"Tham số “limit” tối đa là {MAX_LIMIT}.")
    if (page - 1) * limit > MAX_OFFSET:
        raise ApiError(
            f"Trang quá sâu (quá {MAX_OFFSET:,} dòng).".replace(",", ".")
            + " Hãy thu hẹp bằng tu_ngay, den_ngay rồi đọc lại từ trang 1."
        )
    return page, limit


def _page_url(request, page: int | None) -> str | None:
    if page is None:
        return None
    query = request.GET.copy()
    query.pop("page", None)
    query["trang"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _url(request, name, *args) -> str:
    return request.build_absolute_uri(reverse(f"campaigns:{name}", args=args))


# --- Serialising ---------------------------------------------------------------------------


def _place(unit) -> dict:
    return {"code": unit.code, "name": unit.name}


def _account(campaign) -> dict | None:
    if not campaign.has_bank_account:
        return None
    return {
        "bank_bin": campaign.bank_bin,
        "account_number": campaign.bank_account_number,
        "account_name": campaign.bank_account_name,
    }


def _campaign(campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "kind": campaign.kind,
        "kind_label": campaign.get_kind_display(),
        "status": campaign.status,
        "status_label": campaign.get_status_display(),
        "level": "ward" if campaign.ward_id else "province",
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "reference": campaign.reference if campaign.reference_code else None,
        "account": _account(campaign),
    }


def _ward_fund(request, campaign, ward) -> dict:
    """A fund at a ward with its totals there (read by public_campaigns)."""
    urls = {
        "self": _url(request, "api_fund", ward.code, campaign.pk),
        "lines": _url(request, "api_fund_lines", ward.code, campaign.pk),
        "page": _url(request, "public_fund", ward.code, campaign.pk),
        "csv": _url(request, "public_fund_csv", ward.code, campaign.pk),
        "xlsx": _url(request, "public_fund_xlsx", ward.code, campaign.pk),
    }
    if campaign.province_id:
        urls["drive"] = _url(request, "api_drive", ward.province.code, campaign.pk)
    return {
        **_campaign(campaign),
        "totals": {
            "cash_received": campaign.received,
            "goods_value_received": campaign.in_kind,
            "grand_total": campaign.grand_total,
            "cash_paid": campaign.paid,
            "cash_balance": campaign.balance,
        },
        "urls": urls,
    }


def _quantity(value):
    """A quantity of goods as a JSON number: whole ones as integers."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _goods(line) -> dict:
    return {
        "description": line.description,
        "unit": line.unit,
        "quantity": _quantity(line.quantity),
        "value": line.value,
        "unvalued_rows": line.unvalued,
    }


def _verification(check) -> dict | None:
    if check is None:
        return None
    return {
        "status": check.status,
        "label": check.label,
        "statement_line_date": check.booked_on,
        "statement_from": check.statement_from,
        "statement_to": check.statement_to,
    }


def _row(row) -> dict:
    return {
        "kind": "receipt" if row.is_receipt else "payment",
        "date": row.day,
        "reference": row.reference,
        "name": row.name,
        "content": row.content,
        "form": "in_kind" if row.in_kind else "cash",
        "cash": None if row.in_kind else row.amount,
        "goods_value": row.amount if row.in_kind else None,
        "reversed": row.reversed,
        "verification": _verification(row.verification),
    }


def _overall(totals) -> dict:
    return {
        "cash_received": totals.received,
        "receipt_rows": totals.receipt_rows,
        "reversed_rows": totals.reversed_rows,
        "goods_value_received": totals.in_kind_received,
        "grand_total": totals.grand_total,
        "cash_paid": totals.paid,
        "payment_rows": totals.payment_rows,
        "goods_value_paid": totals.in_kind_paid,
        "cash_balance": totals.balance,
    }


def _balances(balance) -> dict:
    counts = balance.counts
    statement = balance.statement
    return {
        "verification": {
            "verified_rows": counts.verified_rows,
            "verified_cash": counts.verified,
            "bank_unverified_rows": counts.unverified_rows,
            "bank_unverified_cash": counts.unverified,
            "hand_rows": counts.hand_rows,
            "hand_cash": counts.hand,
            "goods_rows": counts.goods_rows,
        },
        "books": balance.books,
        "statement": None
        if statement is None
        else {
            "account_number": statement.account_number,
            "first_on": statement.first_on,
            "last_on": statement.last_on,
            "imported_at": statement.imported_at,
            "closing_balance": statement.closing_balance,
        },
        "difference": balance.difference,
        "explained": [
            {"key": key, "label": label, "amount": amount, "rows": rows}
            for key, label, amount, rows in balance.items
        ],
        "unexplained": balance.unexplained,
        "goods_note": "Hiện vật không nằm trong số dư nào: cả hai số dư chỉ là tiền.",
    }


# --- Endpoints -----------------------------------------------------------------------------


@require_safe
def api_docs(request):
    """The API explained in Vietnamese, for people."""
    return render(
        request,
        "campaigns/public/api_docs.html",
        {
            "base": request.build_absolute_uri(reverse("campaigns:api_index")),
            "openapi_url": reverse("campaigns:api_openapi"),
            "max_limit": MAX_LIMIT,
            "default_limit": DEFAULT_LIMIT,
        },
    )


def _static_freshness(*parts) -> disclosure.Freshness:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return disclosure.Freshness(f'"{digest}"', None)


@api_view
def api_openapi(request):
    base = request.build_absolute_uri(reverse("campaigns:api_index"))
    fresh = _static_freshness(openapi.VERSION, base)
    return _answer(request, fresh, lambda: openapi.description(base))


@api_view
def api_index(request):
    provinces = [(p.code, p.name) for p in Province.objects.order_by("code").only("code", "name")]
    fresh = _static_freshness(openapi.VERSION, request.get_full_path(), provinces)
    return _answer(
        request,
        fresh,
        lambda: {
            "openapi": _url(request, "api_openapi"),
            "docs": _url(request, "api_docs"),
            "provinces": [
                {
                    "code": code,
                    "name": name,
                    "funds": _url(request, "api_province_funds", code),
                }
                for code, name in provinces
            ],
        },
    )


@api_view
def api_ward_funds(request, ward_code):
    ward = _ward(ward_code)
    versions = page_cache.versions(wards=[ward.code])
    fresh = disclosure.ward_freshness(ward, versions, request.get_full_path())

    def build():
        campaigns = disclosure.public_campaigns(ward)
        return {
            "ward": {**_place(ward), "province": _place(ward.province)},
            "funds": [_ward_fund(request, campaign, ward) for campaign in campaigns],
            "urls": {
                "page": _url(request, "public_ward", ward.code),
                "csv": request.build_absolute_uri(
                    reverse("campaigns:public_ward_file", args=[ward.code, "csv"])
                ),
                "xlsx": request.build_absolute_uri(
                    reverse("campaigns:public_ward_file", args=[ward.code, "xlsx"])
                ),
            },
        }

    return _answer(request, fresh, build)


@api_view
def api_province_funds(request, province_code):
    province = _province(province_code)
    versions = page_cache.versions()
    fresh = disclosure.province_freshness(province, versions, request.get_full_path())

    def build():
        funds = disclosure.province_funds(province)
        drives = []
        for drive in funds.drives:
            totals = drive.totals
            drives.append(
                {
                    **_campaign(drive),
                    "committee_totals": {
                        "cash_received": totals.raised,
                        "goods_value_received": totals.in_kind,
                        "cash_allocated": totals.allocated,
                        "cash_held": totals.held,
                    },
                    "urls": {
                        "self": _url(request, "api_drive", province.code, drive.pk),
                        "page": _url(request, "public_drive", province.code, drive.pk),
                    },
                }
            )
        communes = []
        for ward, ward_funds in funds.communes:
            communes.append(
                {
                    **_place(ward),
                    "funds_url": _url(request, "api_ward_funds", ward.code),
                    "funds": [
                        {
                            **_campaign(fund),
                            "totals": {
                                "cash_received": fund.totals.raised,
                                "goods_value_received": fund.totals.in_kind,
                                "grand_total": fund.totals.grand_total,
                                "cash_paid": fund.totals.disbursed,
                                "cash_balance": fund.totals.raised - fund.totals.disbursed,
                            },
                            "urls": {"self": _url(request, "api_fund", ward.code, fund.pk)},
                        }
                        for fund in ward_funds
                    ],
                }
            )
        return {"province": _place(province), "drives": drives, "communes": communes}

    return _answer(request, fresh, build)


@api_view
def api_fund(request, ward_code, campaign_pk):
    ward, campaign = _fund(ward_code, campaign_pk)
    versions = page_cache.versions(wards=[ward.code])
    fresh = disclosure.fund_freshness(campaign, ward, versions, request.get_full_path())

    def build():
        overall = disclosure.disclosure_overall(campaign, ward)
        campaign.received, campaign.in_kind, campaign.paid = (
            overall.received,
            overall.in_kind_received,
            overall.paid,
        )
        campaign.balance, campaign.grand_total = overall.balance, overall.grand_total
        return {
            **_ward_fund(request, campaign, ward),
            "ward": {**_place(ward), "province": _place(ward.province)},
            "totals": _overall(overall),
            "balances": _balances(disclosure.bank_balance(campaign, ward, overall)),
        }

    return _answer(request, fresh, build)


@api_view
def api_fund_lines(request, ward_code, campaign_pk):
    ward, campaign = _fund(ward_code, campaign_pk)
    page, limit = _paging(request)
    form = DisclosureSearchForm(request.GET)
    search = form.search()
    if form.errors:
        raise ApiError(
            "Điều kiện tra cứu không hợp lệ.",
            fields={name: list(errors) for name, errors in form.errors.items()},
        )
    versions = page_cache.versions(wards=[ward.code])
    fresh = disclosure.fund_freshness(campaign, ward, versions, request.get_full_path())
    links = []

    def build():
        overall = disclosure.disclosure_overall(campaign, ward)
        totals = (
            overall if search.is_empty else disclosure.disclosure_totals(campaign, ward, search)
        )
        rows, more = [], False
        if totals.rows:
            rows, more = disclosure.disclosure_slice(
                campaign, ward, search, offset=(page - 1) * limit, limit=limit, totals=totals
            )
        pages = max(1, math.ceil(totals.rows / limit))
        following = page + 1 if more else None
        preceding = min(page - 1, pages) if page > 1 else None
        links.extend(
            [("next", _page_url(request, following)), ("prev", _page_url(request, preceding))]
        )
        return {
            "count": totals.rows,
            "page": page,
            "limit": limit,
            "pages": pages,
            "next": _page_url(request, following),
            "previous": _page_url(request, preceding),
            "fund": _url(request, "api_fund", ward.code, campaign.pk),
            "totals": _overall(totals),
            "results": [_row(row) for row in rows],
        }

    return _answer(request, fresh, build, links=links)


def _allocation(row) -> dict:
    allocation = row.allocation
    return {
        "ward": _place(row.ward),
        "decision_number": allocation.decision_number,
        "decision_date": allocation.decision_date,
        "purpose": allocation.purpose,
        "form": "cash" if allocation.is_cash else "in_kind",
        "cash": allocation.amount if allocation.is_cash else None,
        "goods": None
        if allocation.is_cash
        else {
            "description": allocation.in_kind_description,
            "unit": allocation.in_kind_unit,
            "quantity": _quantity(allocation.in_kind_quantity),
            "value": allocation.amount,
        },
        "confirmed_on": allocation.confirmed_on,
        "reversed": row.reversed,
    }


def _received(received) -> dict:
    return {
        "cash": received.cash,
        "cash_rows": received.cash_rows,
        "goods": [_goods(line) for line in received.goods_lines],
        "goods_value": received.goods_value,
    }


def _held(held) -> dict:
    return {
        "cash": held.cash,
        "goods": [
            {
                "description": line.description,
                "unit": line.unit,
                "quantity": _quantity(line.quantity),
            }
            for line in held.goods
        ],
    }


@api_view
def api_drive(request, province_code, campaign_pk):
    campaign = _drive(province_code, campaign_pk)
    versions = page_cache.versions()
    fresh = disclosure.drive_freshness(campaign, None, versions, request.get_full_path())

    def build():
        trail = disclosure.drive_trail(campaign)
        code = campaign.province.code
        return {
            **_campaign(campaign),
            "province": _place(campaign.province),
            "received": {
                "province_committee": _received(trail.at_province),
                "communes": _received(trail.at_communes),
                "cash": trail.cash_received,
                "goods_value": trail.goods_value_received,
                "grand_total": trail.grand_total,
            },
            "allocations": [_allocation(row) for row in trail.allocation_rows],
            "allocated_cash": trail.allocated_cash,
            "allocated_goods": [_goods(line) for line in trail.allocated_goods],
            "collections": [
                {
                    "ward": _place(collection.ward),
                    **_received(collection.received),
                    "url": _url(request, "api_drive_ward", code, campaign.pk, collection.ward.code),
                }
                for collection in trail.collections
            ],
            "communes": [
                {
                    **_place(commune.ward),
                    "url": _url(request, "api_drive_ward", code, campaign.pk, commune.ward.code),
                }
                for commune in trail.communes
            ],
            "held": _held(trail.held),
            "urls": {"page": _url(request, "public_drive", code, campaign.pk)},
        }

    return _answer(request, fresh, build)


def _house(house) -> dict:
    return {
        "name": house.name,
        "area": house.area,
        "kind": house.kind,
        "stage": house.stage,
        "handed_over_on": house.handed_over_on,
        "from_fund": house.from_fund,
    }


@api_view
def api_drive_ward(request, province_code, campaign_pk, ward_code):
    campaign = _drive(province_code, campaign_pk)
    ward = _commune(campaign, ward_code)
    versions = page_cache.versions(wards=[ward.code])
    fresh = disclosure.drive_freshness(campaign, ward, versions, request.get_full_path())

    def build():
        trail = disclosure.commune_trail(campaign, ward)
        code = campaign.province.code
        return {
            "drive": {**_campaign(campaign), "url": _url(request, "api_drive", code, campaign.pk)},
            "ward": _place(ward),
            "allocations": [_allocation(row) for row in trail.allocations.rows],
            "allocated_cash_confirmed": trail.allocations.cash,
            "allocated_goods_confirmed": [_goods(line) for line in trail.allocations.goods_lines],
            "allocated_cash_pending": trail.pending_cash,
            "collected": _received(trail.collected),
            "paid": {
                "cash": trail.paid.cash,
                "rows": trail.paid.rows,
                "goods": [_goods(line) for line in trail.paid.goods_lines],
            },
            "houses": [_house(house) for house in trail.houses],
            "held": _held(trail.held),
            "urls": {
                "payments": _url(request, "api_drive_ward_payments", code, campaign.pk, ward.code),
                "page": _url(request, "public_drive_ward", code, campaign.pk, ward.code),
            },
        }

    return _answer(request, fresh, build)


def _payment(row) -> dict:
    return {
        "date": row.paid_on,
        "name": row.name,
        "area": row.area,
        "purpose": row.purpose,
        "description": row.description,
        "reference": row.reference,
        "form": "cash" if row.is_cash else "in_kind",
        "cash": row.amount if row.is_cash else None,
        "goods": row.goods or None,
        "goods_value": None if row.is_cash else row.amount,
    }


@api_view
def api_drive_ward_payments(request, province_code, campaign_pk, ward_code):
    campaign = _drive(province_code, campaign_pk)
    ward = _commune(campaign, ward_code)
    page, limit = _paging(request)
    versions = page_cache.versions(wards=[ward.code])
    fresh = disclosure.drive_freshness(campaign, ward, versions, request.get_full_path())
    links = []

    def build():
        count = disclosure.commune_payment_count(campaign, ward)
        rows = disclosure.commune_payments(campaign, ward, page=page, size=limit) if count else []
        pages = max(1, math.ceil(count / limit))
        following = page + 1 if page < pages else None
        preceding = min(page - 1, pages) if page > 1 else None
        links.extend(
            [("next", _page_url(request, following)), ("prev", _page_url(request, preceding))]
        )
        return {
            "count": count,
            "page": page,
            "limit": limit,
            "pages": pages,
            "next": _page_url(request, following),
            "previous": _page_url(request, preceding),
            "results": [_payment(row) for row in rows],
        }

    return _answer(request, fresh, build, links=links)


# Names of the views that only read (core/db_router.REPLICA_VIEWS lists them too).
VIEWS = (
    "api_index",
    "api_openapi",
    "api_ward_funds",
    "api_province_funds",
    "api_fund",
    "api_fund_lines",
    "api_drive",
    "api_drive_ward",
    "api_drive_ward_payments",
)
