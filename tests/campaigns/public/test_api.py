"""The public read API (issue 15, point 6): its OpenAPI 3.1 description validates and every
path it lists answers what its schema says; numbered pages with next links; ETag and
Last-Modified with 304; CORS; JSON refusals in Vietnamese; amounts in đồng, days ISO."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from campaigns import services
from campaigns.allocations import services as allocation_services
from campaigns.models import (
    BankStatement,
    Disbursement,
    Donation,
    DonationReversal,
    StatementLine,
)
from campaigns.public import api, openapi
from core.db_router import REPLICA_VIEWS
from tests import factories
from tests.campaigns.builders import gift

D = datetime.date


def fund_args(d):
    return [d.world.ward_x.code, d.fund.pk]


def lines_url(d):
    return reverse("campaigns:api_fund_lines", args=fund_args(d))


def fund_api_url(d):
    return reverse("campaigns:api_fund", args=fund_args(d))


def _bulk(d, count):
    Donation.objects.bulk_create(
        Donation(
            campaign=d.fund,
            ward=d.world.ward_x,
            receipt_year=2026,
            receipt_number=1000 + i,
            received_on=D(2026, 5, 1) + datetime.timedelta(days=i // 7),
            donor_kind="individual",
            donor_name=f"Hoàng Văn Tư {i}",
            form="cash",
            channel="cash",
            amount=10_000 * (i + 1),
            recorded_by=d.officer,
        )
        for i in range(count)
    )


# The description ---------------------------------------------------------------------------


def test_the_openapi_description_is_valid_openapi_3_1():
    spec = openapi.description("https://cong.example/cong-khai/api/v1")
    assert spec["openapi"] == "3.1.0"
    validate_spec(spec)


def _schema_validator(spec, name):
    registry = Registry().with_resource(
        "urn:mttq-api", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": f"urn:mttq-api#/components/schemas/{name}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _concrete(path, values):
    return re.sub(r"\{(\w+)\}", lambda found: str(values[found[1]]), path)


@pytest.mark.django_db
def test_every_documented_path_answers_what_its_schema_says(client, bank, trail):
    d = bank.d
    served = client.get(reverse("campaigns:api_openapi"))
    assert served.status_code == 200
    spec = served.json()
    validate_spec(spec)
    base = spec["servers"][0]["url"]
    assert base == "http://testserver/cong-khai/api/v1"
    values = {
        "province_code": d.world.province_a.code,
        "ward_code": d.world.ward_x.code,
        "fund_id": d.fund.pk,
        "drive_id": trail.drive.pk,
    }
    # Documented paths and routed API views are the same set.
    assert len(spec["paths"]) == len(api.VIEWS)
    for path, item in spec["paths"].items():
        url = base + _concrete(path, values)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json"
        body = response.json()
        schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            errors = list(_schema_validator(spec, name).iter_errors(body))
            assert not errors, (url, [f"{list(e.path)}: {e.message}" for e in errors[:5]])
        assert response["ETag"] and response["Access-Control-Allow-Origin"] == "*"
    # Filtered and later pages, the province fund at a ward, an unverified row too.
    for url in (
        lines_url(d) + "?q=FT26065001",
        lines_url(d) + "?trang=2&limit=3&loai=thu",
        lines_url(d) + "?page=3&limit=2",
        reverse("campaigns:api_fund", args=[d.world.ward_x.code, d.province_fund.pk]),
    ):
        body = client.get(url).json()
        name = "FundDetail" if "/khoan/" not in url else "LinePage"
        assert not list(_schema_validator(spec, name).iter_errors(body)), url


@pytest.mark.django_db
def test_the_error_answers_follow_the_error_schema(client, disclosure):
    spec = client.get(reverse("campaigns:api_openapi")).json()
    validator = _schema_validator(spec, "Error")
    for url in (
        lines_url(disclosure) + "?trang=0",
        lines_url(disclosure) + "?tu_ngay=31/02/2026",
        reverse("campaigns:api_ward_funds", args=["99999"]),
    ):
        response = client.get(url)
        assert response.status_code in (400, 404)
        assert not list(validator.iter_errors(response.json())), url


# Figures and formats -----------------------------------------------------------------------


@pytest.mark.django_db
def test_amounts_are_whole_dong_and_days_iso(client, bank):
    d = bank.d
    detail = client.get(fund_api_url(d)).json()
    totals = detail["totals"]
    received = sum(
        x.amount
        for x in Donation.objects.filter(campaign=d.fund, reversal__isnull=True)
        if x.form == "cash"
    )
    assert totals["cash_received"] == received and isinstance(totals["cash_received"], int)
    assert totals["goods_value_received"] == d.in_kind
    assert detail["starts_on"] == "2026-01-01"
    assert detail["account"] == {
        "bank_bin": "970436",
        "account_number": "0071000123456",
        "account_name": "UB MTTQ PHUONG MY THOI",
    }
    assert detail["reference"] == d.fund.reference
    balances = detail["balances"]
    assert balances["books"] == totals["cash_balance"]
    assert balances["statement"]["closing_balance"] == 3_100_000
    assert balances["statement"]["last_on"] == "2026-03-31"
    assert balances["difference"] == balances["books"] - 3_100_000
    explained = sum(part["amount"] for part in balances["explained"])
    assert balances["unexplained"] == balances["difference"] - explained
    rows = client.get(lines_url(d) + "?limit=500").json()["results"]
    cuc = next(row for row in rows if row["reference"] == d.counted[1].receipt_label)
    assert cuc == {
        "kind": "receipt",
        "date": "2026-03-06",
        "reference": d.counted[1].receipt_label,
        "name": "Trần T. C.",
        "content": "Chuyển khoản",
        "form": "cash",
        "cash": 2_500_000,
        "goods_value": None,
        "reversed": False,
        "verification": {
            "status": "bank_verified",
            "label": "Đã đối chiếu sao kê ngày 06/03/2026",
            "statement_line_date": "2026-03-06",
            "statement_from": "2026-03-01",
            "statement_to": "2026-03-31",
        },
    }
    rice = next(row for row in rows if row["form"] == "in_kind")
    assert (rice["cash"], rice["goods_value"]) == (None, 4_000_000)
    assert rice["verification"]["status"] == "hand_goods"
    payment = next(row for row in rows if row["reference"] == "12/QĐ-MTTQ")
    assert payment["kind"] == "payment" and payment["verification"] is None


@pytest.mark.django_db
def test_the_trail_json_holds_the_pages_figures(client, trail):
    code, pk, ward = trail.world.province_a.code, trail.drive.pk, trail.world.ward_x.code
    drive = client.get(reverse("campaigns:api_drive", args=[code, pk])).json()
    counted = Donation.objects.filter(campaign=trail.drive, reversal__isnull=True)
    province_cash = sum(x.amount for x in counted.filter(ward__isnull=True, form="cash"))
    assert drive["received"]["province_committee"]["cash"] == province_cash
    [rice] = drive["received"]["province_committee"]["goods"]
    assert (rice["description"], rice["quantity"], rice["unit"]) == ("Gạo", 500, "kg")
    assert drive["allocated_cash"] == 10_000_000
    assert drive["held"]["cash"] == province_cash - 10_000_000
    assert {row["decision_number"] for row in drive["allocations"] if row["reversed"]} == {
        "03/QĐ-MTTQ"
    }
    commune = client.get(reverse("campaigns:api_drive_ward", args=[code, pk, ward])).json()
    assert commune["allocated_cash_confirmed"] == 6_000_000
    assert commune["paid"]["cash"] == trail.paid_dung.amount
    assert commune["houses"][0]["handed_over_on"] == "2026-05-20"
    payments = client.get(commune["urls"]["payments"]).json()
    assert payments["count"] == 2
    assert [p["name"] for p in payments["results"]] == ["Lê V. D.", "Phạm V. Đ."]
    assert payments["results"][1]["goods"] == "50 kg Gạo"


# Pages --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_numbered_pages_cover_every_row_once_with_next_links(client, disclosure):
    d = disclosure
    _bulk(d, 120)
    first = client.get(lines_url(d), {"limit": 50})
    body = first.json()
    total = 10 + 120
    assert (body["count"], body["pages"], body["page"], body["limit"]) == (total, 3, 1, 50)
    assert body["previous"] is None
    assert f'<{body["next"]}>; rel="next"' in first["Link"]
    keys, following, seen = [], lines_url(d) + "?limit=50", 0
    while following:
        page = client.get(following).json()
        keys += [(row["date"], row["kind"], row["reference"]) for row in page["results"]]
        following = page["next"]
        seen += 1
        assert seen <= 3
    assert len(keys) == len(set(keys)) == total
    dates = [key[0] for key in keys]
    assert dates == sorted(dates, reverse=True)
    third = client.get(lines_url(d), {"page": 3, "limit": 50}).json()
    assert len(third["results"]) == total - 100 and third["next"] is None
    assert "trang=2" in third["previous"] and "page=" not in third["previous"]
    # The same rows as the HTML pages, in the same order.
    html = client.get(reverse("campaigns:public_fund", args=fund_args(d)))
    assert [row.reference for row in html.context["page"].rows] == [key[2] for key in keys[:50]]
    beyond = client.get(lines_url(d), {"trang": 9}).json()
    assert beyond["results"] == [] and beyond["next"] is None
    filtered = client.get(lines_url(d), {"q": "hoàng", "limit": 100}).json()
    assert filtered["count"] == 120 and "q=ho%C3%A0ng" in filtered["next"]


@pytest.mark.django_db
def test_the_lines_cost_a_fixed_number_of_queries(client, disclosure):
    d = disclosure

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(lines_url(d), params).status_code == 200
        return len(captured)

    # Ward, campaign, validators, overall totals (3), keys of receipts and of payments, the
    # page's receipts and payments by id.
    small = queries({"limit": 20})
    assert small <= 2 + 1 + 3 + 2 + 2
    _bulk(d, 300)
    for params in ({"limit": 20}, {"limit": 20, "trang": 12}, {"limit": 200, "trang": 2}):
        assert queries(params) <= small, params
    # A search adds its totals: a query per kind of donor it matches, the reversed, payments.
    assert queries({"limit": 20, "trang": 3, "q": "h"}) <= small + 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params, message",
    [
        ({"trang": "0"}, "Tham số “trang” phải là số nguyên dương"),
        ({"trang": "hai"}, "Tham số “trang” phải là số nguyên dương"),
        ({"page": "-1"}, "Tham số “trang” phải là số nguyên dương"),
        ({"limit": "1000"}, "Tham số “limit” tối đa là 500."),
        ({"limit": "1e3"}, "Tham số “limit” phải là số nguyên dương"),
        ({"trang": "999999", "limit": "500"}, "Trang quá sâu"),
        ({"tu_ngay": "31/02/2026"}, "Điều kiện tra cứu không hợp lệ."),
        ({"so_tien_tu": "1,5 triệu"}, "Điều kiện tra cứu không hợp lệ."),
    ],
)
def test_bad_parameters_get_a_vietnamese_400(client, disclosure, params, message):
    response = client.get(lines_url(disclosure), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert message in response.json()["error"]
    if "tu_ngay" in params:
        assert response.json()["fields"] == {
            "tu_ngay": ["Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026."]
        }


@pytest.mark.django_db
def test_unknown_places_and_funds_get_a_json_404(client, disclosure, trail):
    d = disclosure
    code, pk = trail.world.province_a.code, trail.drive.pk
    for url, message in [
        (reverse("campaigns:api_ward_funds", args=["99999"]), "Không có phường, xã mã 99999."),
        (reverse("campaigns:api_province_funds", args=["77"]), "Không có tỉnh, thành phố mã 77."),
        (reverse("campaigns:api_fund", args=[d.world.ward_x.code, 987654]), "Không có quỹ này"),
        (reverse("campaigns:api_fund", args=[d.world.ward_z.code, d.fund.pk]), "Không có quỹ"),
        (reverse("campaigns:api_fund", args=[d.world.ward_x.code, d.movement.pk]), "Không có"),
        (reverse("campaigns:api_drive", args=[code, 987654]), "Không có cuộc vận động này"),
        (
            reverse("campaigns:api_drive_ward", args=[code, pk, d.world.ward_z.code]),
            "không thuộc tỉnh",
        ),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert message in response.json()["error"], url


# Validators, 304, CORS ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_conditional_get_gets_304_until_something_it_reads_changes(client, bank):
    d = bank.d
    urls = [
        lines_url(d),
        fund_api_url(d),
        reverse("campaigns:api_ward_funds", args=[fund_args(d)[0]]),
    ]

    def validators():
        found = {}
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200
            found[url] = (response["ETag"], response["Last-Modified"])
        return found

    def unchanged(found):
        for url, (etag, modified) in found.items():
            again = client.get(url, HTTP_IF_NONE_MATCH=etag)
            assert again.status_code == 304, url
            assert again.content == b""
            assert again["ETag"] == etag and again["Last-Modified"] == modified
            assert again["Access-Control-Allow-Origin"] == "*"
            assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        return True

    def all_changed(before):
        after = validators()
        assert all(after[url][0] != before[url][0] for url in urls), after
        return after

    found = validators()
    assert unchanged(found)
    head = client.head(urls[0], HTTP_IF_NONE_MATCH=found[urls[0]][0])
    assert head.status_code == 304
    # A new gift.
    late = gift(d.world, d.fund, 50_000, on=D(2026, 6, 1), donor_kind="anonymous")
    found = all_changed(found)
    assert unchanged(found)
    # A reversal.
    services.donation_reverse(donation=late, user=d.officer, reason="Ghi trùng", on=D(2026, 6, 2))
    found = all_changed(found)
    # A statement imported.
    factories.bank_statement(
        ward_obj=d.world.ward_x,
        user=d.officer,
        account_number="0071000123456",
        first_on=D(2026, 4, 1),
        last_on=D(2026, 4, 30),
        closing_balance=4_000_000,
    )
    found = all_changed(found)
    # A waiting line set aside (its version moves on), no new row anywhere.
    line = StatementLine.objects.filter(status="waiting").first()
    line.status, line.set_aside_reason, line.version = "set_aside", "Hoàn trả", line.version + 1
    line.save()
    found = all_changed(found)
    # The fund renamed.
    d.fund.name = "Quỹ Vì người nghèo năm 2026"
    d.fund.save()
    after = validators()
    assert after[urls[1]][0] != found[urls[1]][0]
    # A stale validator gets the whole answer.
    response = client.get(urls[0], HTTP_IF_NONE_MATCH='"stale"')
    assert response.status_code == 200 and response.json()["count"]
    older = http_date(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC).timestamp())
    assert client.get(urls[0], HTTP_IF_MODIFIED_SINCE=older).status_code == 200


@pytest.mark.django_db
def test_last_modified_is_the_newest_record_the_answer_reads(client, bank):
    d = bank.d
    ward = d.world.ward_x
    donations = Donation.objects.filter(campaign=d.fund, ward=ward)
    times = [
        *(x.recorded_at for x in donations),
        *(x.recorded_at for x in DonationReversal.objects.filter(donation__in=donations)),
        *(x.recorded_at for x in Disbursement.objects.filter(campaign=d.fund, ward=ward)),
        *(x.imported_at for x in BankStatement.objects.filter(ward=ward)),
    ]
    response = client.get(lines_url(d))
    assert response["Last-Modified"] == http_date(int(max(times).timestamp()))
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.django_db
def test_the_trails_validators_follow_allocations_and_houses(client, trail):
    code, pk, ward = trail.world.province_a.code, trail.drive.pk, trail.world.ward_x.code
    drive_url = reverse("campaigns:api_drive", args=[code, pk])
    commune_url = reverse("campaigns:api_drive_ward", args=[code, pk, ward])
    before = {url: client.get(url)["ETag"] for url in (drive_url, commune_url)}
    for url, etag in before.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    trail.house.completed_on = D(2026, 5, 10)
    trail.house.save()
    assert client.get(commune_url, HTTP_IF_NONE_MATCH=before[commune_url]).status_code == 200
    allocation = trail.to_y
    allocation_services.allocation_confirm(
        allocation=allocation, ward=trail.world.ward_y, user=trail.admin, on=D(2026, 4, 20)
    )
    assert client.get(drive_url, HTTP_IF_NONE_MATCH=before[drive_url]).status_code == 200


@pytest.mark.django_db
def test_any_origin_may_read_and_a_preflight_is_answered(client, disclosure):
    url = lines_url(disclosure)
    response = client.get(url, HTTP_ORIGIN="https://bao.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        url,
        HTTP_ORIGIN="https://bao.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    refused = client.post(url)
    assert refused.status_code == 405
    assert refused.json()["error"] == "API chỉ cho phép đọc (GET)."
    assert refused["Allow"] == "GET, HEAD, OPTIONS"


# Routing and the page for people -----------------------------------------------------------


def test_every_api_view_reads_from_the_replica():
    for name in (*api.VIEWS, "public_fund_xlsx", "public_ward_file"):
        assert f"campaigns:{name}" in REPLICA_VIEWS, name


@pytest.mark.django_db
def test_the_api_page_explains_it_in_vietnamese(client, world):
    response = client.get(reverse("campaigns:api_docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "API dữ liệu công khai thu, chi các quỹ" in page
    assert "số nguyên, đơn vị đồng" in page and "If-None-Match" in page
    assert reverse("campaigns:api_openapi") in page
    assert "http://testserver/cong-khai/api/v1/" in page
    index = client.get(reverse("campaigns:api_index")).json()
    assert index["docs"] == "http://testserver" + reverse("campaigns:api_docs")
    assert {p["code"] for p in index["provinces"]} == {"91", "01"}
