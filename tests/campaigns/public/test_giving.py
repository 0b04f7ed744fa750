"""Giving by bank transfer on public pages (campaigns/public/giving.py): the fund's account
and VietQR, pledge codes, the short link and the A4 poster, as a visitor sees them."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import references
from campaigns.demo import DEMO_ACCOUNTS, PROVINCE_DRIVE, give_demo_accounts
from campaigns.models import Campaign, Pledge
from campaigns.public import giving
from core import vietqr
from tests import factories
from tests.readers import pdf_pages, pdf_text, qr_texts

ACCOUNT = {
    "bank_bin": "970436",
    "bank_account_number": "0071000123456",
    "bank_account_name": "UY BAN MTTQ PHUONG MY THOI",
}
# The longest account number the form takes: it must wrap, not widen a phone's page.
LONG_ACCOUNT = "1234567890123456789"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    giving.qr_svg.cache_clear()
    yield
    cache.clear()
    giving.qr_svg.cache_clear()


@pytest.fixture
def fund(world):
    return factories.fund(ward_obj=world.ward_x, **ACCOUNT)


def fund_url(fund):
    return reverse("campaigns:public_fund", args=[fund.ward.code, fund.pk])


def pledge_form_url(fund):
    return reverse("campaigns:public_fund_pledge", args=[fund.ward.code, fund.pk])


def page(response) -> str:
    return response.content.decode()


def post_pledge(client, fund, amount="", token=None):
    return client.post(
        pledge_form_url(fund), {"so_tien": amount, "submission": str(token or uuid.uuid4())}
    )


# --- The fund's page ---------------------------------------------------------------------


def test_the_fund_page_shows_the_account_the_note_and_a_vietqr_that_decodes_to_them(client, fund):
    html = page(client.get(fund_url(fund)))
    note = f"UNG HO {fund.reference}"
    assert re.fullmatch(r"MT[0-9A-HJKMNP-TV-Z]{5}", fund.reference)
    for shown in ("Vietcombank", "0071000123456", "UY BAN MTTQ PHUONG MY THOI", note):
        assert shown in html
    assert f'data-copy="{note}"' in html and 'data-copy="0071000123456"' in html
    transfer = vietqr.parse(qr_texts(html)[0])
    assert (transfer.bank_bin, transfer.account_number, transfer.note) == (
        "970436",
        "0071000123456",
        note,
    )
    assert transfer.amount is None and not transfer.is_dynamic  # the donor types the amount
    assert references.find_references(transfer.note) == [(fund.reference_code, "")]


def test_the_fund_page_shows_its_short_link_to_copy(client, fund):
    html = page(client.get(fund_url(fund)))
    short = f"http://testserver/q/{fund.reference}"
    assert f'id="give-short-url" href="{short}"' in html
    assert f'data-copy="{short}"' in html


def test_a_fund_without_an_account_says_so_and_shows_no_vietqr(client, world):
    bare = factories.fund(ward_obj=world.ward_x)
    html = page(client.get(fund_url(bare)))
    assert "Quỹ này chưa có tài khoản nhận chuyển khoản" in html
    assert qr_texts(html) == []
    assert "UNG HO" not in html


def test_the_qr_is_rendered_once_per_fund_and_costs_the_page_no_query(
    client, fund, world, monkeypatch
):
    rendered = []
    real = giving._svg
    monkeypatch.setattr(giving, "_svg", lambda *args: rendered.append(args) or real(*args))
    for _ in range(3):  # the page's own figures are cached after the first visit
        with CaptureQueriesContext(connection) as visit:
            assert client.get(fund_url(fund)).status_code == 200
    assert len(rendered) == 1
    # The same visit with the QR code already drawn: drawing it added no query.
    cached_qr = giving.qr_svg
    monkeypatch.setattr(giving, "qr_svg", lambda *args, **kwargs: "")
    with CaptureQueriesContext(connection) as without_qr:
        assert client.get(fund_url(fund)).status_code == 200
    assert len(visit) == len(without_qr)
    monkeypatch.setattr(giving, "qr_svg", cached_qr)
    # Another process finds it in the shared cache: still rendered once.
    giving.qr_svg.cache_clear()
    client.get(fund_url(fund))
    assert len(rendered) == 1
    # A changed account is another payload: rendered anew, never a stale code.
    Campaign.objects.filter(pk=fund.pk).update(bank_account_number="0071000999999")
    html = page(client.get(fund_url(fund)))
    assert len(rendered) == 2
    assert vietqr.parse(qr_texts(html)[0]).account_number == "0071000999999"


def test_a_province_drive_page_has_the_same_block(client, world):
    drive = factories.province_drive(province_obj=world.province_a, **ACCOUNT)
    url = reverse("campaigns:public_drive", args=[world.province_a.code, drive.pk])
    html = page(client.get(url))
    assert vietqr.parse(qr_texts(html)[0]).note == f"UNG HO {drive.reference}"
    assert reverse("campaigns:public_drive_pledge", args=["91", drive.pk]) in html
    assert reverse("campaigns:public_drive_poster", args=["91", drive.pk]) in html
    # Seen from one of its communes, the drive's page gives to the drive's own account.
    at_commune = reverse("campaigns:public_fund", args=[world.ward_x.code, drive.pk])
    commune = page(client.get(at_commune))
    assert vietqr.parse(qr_texts(commune)[0]).note == f"UNG HO {drive.reference}"


# --- Pledges -----------------------------------------------------------------------------


def test_the_fund_pages_amount_box_leads_to_the_pledge_form_with_the_amount_kept(client, fund):
    html = page(client.get(fund_url(fund)))
    assert f'action="{pledge_form_url(fund)}"' in html and 'name="so_tien"' in html
    form = client.get(pledge_form_url(fund), {"so_tien": "500.000"})
    assert form.status_code == 200
    assert 'value="500.000"' in page(form)
    assert "csrfmiddlewaretoken" in page(form) and 'name="submission"' in page(form)


def test_a_pledge_gets_its_own_code_and_a_dynamic_vietqr_with_its_amount(client, fund):
    response = post_pledge(client, fund, "500.000")
    pledge = Pledge.objects.get()
    assert (pledge.campaign, pledge.amount) == (fund, 500_000)
    assert response.status_code == 302
    assert response["Location"] == f"/cong-khai/ma/{pledge.reference}/"
    shown = client.get(response["Location"])
    html = page(shown)
    note = f"UNG HO {pledge.reference}"
    assert len(note) <= references.NOTE_MAX_LENGTH
    assert pledge.reference in html and note in html and "500.000\xa0đ" in html
    transfer = vietqr.parse(qr_texts(html)[0])
    assert (transfer.amount, transfer.note, transfer.is_dynamic) == (500_000, note, True)
    assert references.find_references(note) == [(fund.reference_code, pledge.code)]


def test_a_pledge_without_an_amount_gives_a_static_code_with_its_note(client, fund):
    response = post_pledge(client, fund, "")
    pledge = Pledge.objects.get()
    assert pledge.amount is None
    transfer = vietqr.parse(qr_texts(page(client.get(response["Location"])))[0])
    assert (transfer.amount, transfer.note) == (None, f"UNG HO {pledge.reference}")


def test_a_double_click_gives_one_pledge_and_lands_on_it(client, fund):
    token = uuid.uuid4()
    first = post_pledge(client, fund, "200.000", token)
    second = post_pledge(client, fund, "200.000", token)
    pledge = Pledge.objects.get()
    assert first["Location"] == f"/cong-khai/ma/{pledge.reference}/"
    assert second["Location"] == f"/cong-khai/ma/{pledge.reference}/?lai=1"
    assert "đã được gửi trước đó" in page(client.get(second["Location"]))
    # Another visitor's form (another token) is another pledge.
    post_pledge(client, fund, "200.000")
    assert Pledge.objects.count() == 2


def test_a_token_another_form_claimed_gives_no_pledge_and_no_error_page(client, fund, world):
    from wards.models import FormSubmission

    token = uuid.uuid4()
    FormSubmission.objects.create(token=token, user=world.users["ward_officer"])
    response = post_pledge(client, fund, "100.000", token)
    assert response.status_code == 400
    assert "đã được gửi trước đó" in page(response)
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("năm trăm", "Nhập một số nguyên"),
        ("500,5", "Nhập một số nguyên"),
        ("0", "lớn hơn 0"),
        ("-100", "lớn hơn 0"),
        ("-100.000", "Nhập một số nguyên"),
        ("2.000.000.000.000", "tối đa"),
    ],
)
def test_a_bad_amount_is_explained_with_what_was_typed_kept(client, fund, typed, message):
    response = post_pledge(client, fund, typed)
    assert response.status_code == 400
    assert message in page(response)
    assert f'value="{typed}"' in page(response)
    assert not Pledge.objects.exists()
    typed_on_the_fund_page = client.get(pledge_form_url(fund), {"so_tien": typed})
    assert typed_on_the_fund_page.status_code == 400
    assert message in page(typed_on_the_fund_page)


def test_the_pledge_form_is_csrf_protected(fund):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(pledge_form_url(fund), {"so_tien": "100.000"})
    assert response.status_code == 403
    form = strict.get(pledge_form_url(fund))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(form)).group(1)
    accepted = strict.post(
        pledge_form_url(fund), {"so_tien": "100.000", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert Pledge.objects.count() == 1


def test_pledges_are_limited_per_address(client, fund, monkeypatch):
    monkeypatch.setattr(giving, "PLEDGE_LIMIT", 3)
    for _ in range(3):
        assert post_pledge(client, fund, "100.000").status_code == 302
    refused = post_pledge(client, fund, "100.000")
    assert refused.status_code == 429
    assert "nhiều mã chuyển khoản trong thời gian ngắn" in page(refused)
    assert f"UNG HO {fund.reference}" in page(refused)  # the fund's own note still works
    assert Pledge.objects.count() == 3
    elsewhere = client.post(
        pledge_form_url(fund),
        {"so_tien": "100.000", "submission": str(uuid.uuid4())},
        REMOTE_ADDR="203.0.113.9",
    )
    assert elsewhere.status_code == 302
    assert Pledge.objects.count() == 4


def test_a_fund_without_an_account_takes_no_pledge(client, world):
    bare = factories.fund(ward_obj=world.ward_x)
    response = post_pledge(client, bare, "100.000")
    assert response.status_code == 400
    assert "chưa có tài khoản nhận chuyển khoản" in page(response)
    assert not Pledge.objects.exists()


def test_a_pledge_page_forgives_case_spaces_and_look_alikes(client, fund):
    pledge = Pledge.objects.create(campaign=fund, code="P9XF", amount=None)
    typed = " ".join(pledge.reference.lower().replace("1", "l").replace("0", "o"))
    assert client.get(reverse("campaigns:public_pledge", args=[typed])).status_code == 200


@pytest.mark.parametrize("kind", ["mistyped", "unknown", "fund", "garbage"])
def test_a_forged_or_mistyped_pledge_reference_answers_a_clear_404(client, fund, kind):
    pledge = Pledge.objects.create(campaign=fund, code="P9XF")
    reference = {
        "mistyped": pledge.reference[:-2] + pledge.reference[-1] + pledge.reference[-2],
        "unknown": references.reference(fund.reference_code, "ZZZZ"),
        "fund": fund.reference,
        "garbage": "<script>",
    }[kind]
    if kind == "mistyped":
        assert references.parse(reference) is None  # the check character caught the swap
    response = client.get(reverse("campaigns:public_pledge", args=[reference]))
    assert response.status_code == 404
    assert "Mã chuyển khoản không đúng" in page(response)
    assert "<script>" not in page(response)


# --- The short link ----------------------------------------------------------------------


def test_the_short_link_opens_the_funds_page_whatever_the_case_or_look_alikes(client, fund):
    look_alike = fund.reference.replace("0", "O").replace("1", "l")
    for typed in (fund.reference, fund.reference.lower(), look_alike, f"{fund.reference}/"):
        response = client.get(f"/q/{typed}")
        assert response.status_code == 302, typed
        assert response["Location"] == fund_url(fund)


def test_the_short_link_of_a_province_drive_opens_its_trail(client, world):
    drive = factories.province_drive(province_obj=world.province_a)
    response = client.get(f"/q/{drive.reference}")
    assert response["Location"] == f"/cong-khai/tinh/91/{drive.pk}/"


def test_the_short_link_of_a_pledge_opens_the_pledge(client, fund):
    pledge = Pledge.objects.create(campaign=fund, code="K3M7")
    assert client.get(f"/q/{pledge.reference}")["Location"] == f"/cong-khai/ma/{pledge.reference}/"


@pytest.mark.parametrize("typed", ["MT0000", "MTZZZZZ", "hello", "MT7K2AX7K2AX7"])
def test_an_unknown_short_link_answers_a_vietnamese_404(client, fund, typed):
    if references.parse(typed):
        assert references.parse(typed)[0] != fund.reference_code
    response = client.get(f"/q/{typed}")
    assert response.status_code == 404
    assert "Không có quỹ nào mang mã này" in page(response)


def test_the_readonly_giving_pages_may_read_from_the_replica():
    from core.db_router import REPLICA_VIEWS

    read_only = {"short_link", "public_pledge", "public_fund_poster", "public_drive_poster"}
    assert {f"campaigns:{name}" for name in read_only} <= REPLICA_VIEWS
    # The pledge forms write: never on the replica, even for their GET's view name.
    assert not {"campaigns:public_fund_pledge", "campaigns:public_drive_pledge"} & REPLICA_VIEWS


def test_a_movement_without_money_has_no_short_link(client, world):
    movement = factories.fund(ward_obj=world.ward_x, kind=Campaign.Kind.MOVEMENT)
    assert client.get(f"/q/{movement.reference}").status_code == 404


# --- The A4 poster -----------------------------------------------------------------------


def test_the_poster_is_one_a4_page_with_the_account_the_reference_and_the_link(client, fund):
    url = reverse("campaigns:public_fund_poster", args=[fund.ward.code, fund.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 1
    text = pdf_text(response.content)
    for shown in (
        fund.name,
        "PHƯỜNG MỸ THỚI, TỈNH AN GIANG",
        "Vietcombank",
        "0071000123456",
        "UY BAN MTTQ PHUONG MY THOI",
        fund.reference,
        f"UNG HO {fund.reference}",
        f"http://testserver/q/{fund.reference}",
    ):
        assert shown in text, shown
    from tests.readers import pdf_reader

    box = pdf_reader(response.content).pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
        210,
        297,
    )


def test_the_posters_codes_open_the_page_and_transfer_to_the_account(rf, fund):
    request = rf.get("/")
    page_code, transfer_code = qr_texts(giving.poster_html(request, fund))
    assert page_code == f"http://testserver/q/{fund.reference}"
    transfer = vietqr.parse(transfer_code)
    assert (transfer.account_number, transfer.note) == ("0071000123456", f"UNG HO {fund.reference}")


def test_the_poster_prints_the_public_address_when_one_is_set(rf, fund, settings):
    settings.PUBLIC_BASE_URL = "https://congkhai.example.vn"
    page_code, _transfer = qr_texts(giving.poster_html(rf.get("/"), fund))
    assert page_code == f"https://congkhai.example.vn/q/{fund.reference}"


def test_a_poster_without_an_account_still_opens_the_page(client, world):
    bare = factories.fund(ward_obj=world.ward_x)
    response = client.get(reverse("campaigns:public_fund_poster", args=["30301", bare.pk]))
    assert len(pdf_pages(response.content)) == 1
    assert bare.reference in pdf_text(response.content)
    assert "UNG HO" not in pdf_text(response.content)


def test_a_province_drive_has_its_poster_and_a_long_name_still_fits_one_page(client, world):
    drive = factories.province_drive(
        province_obj=world.province_a,
        name="Cứu trợ đồng bào bị thiệt hại do bão số 3 và mưa lũ sau bão tại các tỉnh miền "
        "Trung và Tây Nguyên năm 2026",
        bank_bin="970405",
        bank_account_number=LONG_ACCOUNT,
        bank_account_name="UY BAN MAT TRAN TO QUOC VIET NAM TINH AN GIANG",
    )
    response = client.get(reverse("campaigns:public_drive_poster", args=["91", drive.pk]))
    assert len(pdf_pages(response.content)) == 1
    text = pdf_text(response.content)
    assert (
        "ỦY BAN MTTQ VIỆT NAM TỈNH AN GIANG" in text and LONG_ACCOUNT in text and "Agribank" in text
    )


def test_a_poster_of_a_fund_elsewhere_is_not_found(client, world, fund):
    url = reverse("campaigns:public_fund_poster", args=[world.ward_y.code, fund.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "Không có quỹ nào mang mã này" in page(response)


# --- The demo --------------------------------------------------------------------------


def test_the_demo_funds_get_a_receiving_account(world):
    fund = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo")
    drive = factories.province_drive(province_obj=world.province_a, name=PROVINCE_DRIVE)
    give_demo_accounts([fund, drive])
    fund.refresh_from_db()
    drive.refresh_from_db()
    assert (fund.bank_bin, fund.bank_account_number) == DEMO_ACCOUNTS["Quỹ Vì người nghèo"]
    assert fund.bank_account_name == "UY BAN MTTQ PHUONG MY THOI"
    assert drive.bank_account_name == "UY BAN MTTQ TINH AN GIANG"
    assert giving.giving_of(fund) is not None and giving.giving_of(drive) is not None
