"""A donor finds their gift (issue 15, point 5): by the portal's transfer reference of a
pledge, by the bank's reference, by amount and day, or by the masked name; the result says
whether it was verified. Nothing lets a visitor confirm a full name or an account number:
such a search answers exactly what any other unmatched text answers."""

import datetime
import re
from urllib.parse import quote, quote_plus

import pytest
from django.urls import reverse
from django.utils.html import escape

from campaigns import references
from campaigns.models import StatementLine
from tests import factories
from tests.campaigns.builders import gift
from tests.campaigns.public.world import PAYER_TEXT, assert_nothing_personal

D = datetime.date


def fund_url(d):
    return reverse("campaigns:public_fund", args=[d.world.ward_x.code, d.fund.pk])


def search(client, d, query, **params):
    return client.get(fund_url(d), {"q": query, **params})


def names(response):
    return [row.name for row in response.context["page"].rows]


def labels(response):
    return [row.verification.label for row in response.context["page"].rows]


def without_echo(body: str, query: str) -> str:
    """The body with the typed query (as the input's value and in links) and the per-request
    nonce taken out: what the answer itself says."""
    for form in {escape(query), quote_plus(query), quote(query), query}:
        body = body.replace(form, "«q»")
    body = re.sub(r'nonce="[^"]*"', "", body)
    return re.sub(r'"inlineScriptNonce": "[^"]*"', "", body)


@pytest.fixture
def pledged(bank):
    """Two pledges of the fund: one whose transfer was recorded from its statement line, one
    whose transfer waits on the statement; a third never transferred."""
    d = bank.d
    arrived = factories.pledge(fund_obj=d.fund, code="P9XF")
    waiting = factories.pledge(fund_obj=d.fund, code="K2AB")
    never = factories.pledge(fund_obj=d.fund, code="ZZ42")
    donation = gift(
        d.world,
        d.fund,
        1_250_000,
        on=D(2026, 3, 18),
        donor_kind="individual",
        donor_name="Hoàng Thị Mai",
        channel="bank",
        bank_reference="5123456789012",
    )
    factories.statement_line(
        statement=bank.statement,
        amount=1_250_000,
        booked_on=D(2026, 3, 18),
        bank_reference="5123456789012",
        description=f"UNG HO {arrived.reference} HOANG THI MAI TK 0456789123",
        donation=donation,
        pledge=arrived,
    )
    factories.statement_line(
        statement=bank.statement,
        amount=700_000,
        booked_on=D(2026, 3, 28),
        bank_reference="FT26087123",
        description=f"{waiting.reference} CHUYEN KHOAN",
        pledge=waiting,
        campaign=d.fund,
    )
    bank.pledges = (arrived, waiting, never)
    bank.mai = donation
    return bank


# Finding one's gift ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pledge_reference_finds_the_gift_verified(client, pledged):
    d = pledged.d
    arrived = pledged.pledges[0]
    for typed in (
        arrived.reference,
        arrived.reference.lower(),
        f"UNG HO {arrived.reference}",
        " ".join(arrived.reference),
    ):
        response = search(client, d, typed)
        assert names(response) == ["Hoàng T. M."], typed
        assert labels(response) == ["Đã đối chiếu sao kê ngày 18/03/2026"], typed
    page = response.content.decode()
    assert "✓ Đã đối chiếu sao kê ngày 18/03/2026" in page
    assert 'id="reference-lookup"' not in page  # the rows say it all
    assert "0456789123" not in page and "HOANG THI MAI" not in page


@pytest.mark.django_db
def test_a_pledge_whose_transfer_waits_says_so_with_its_day_and_amount(client, pledged):
    d = pledged.d
    response = search(client, d, pledged.pledges[1].reference)
    assert names(response) == []
    lookup = response.context["lookup"].waiting
    assert [(t.booked_on, t.amount) for t in lookup] == [(D(2026, 3, 28), 700_000)]
    page = response.content.decode()
    assert "đang chờ cán bộ ghi sổ" in page and "ngày 28/03/2026" in page
    assert "700.000\u00a0đ" in page
    assert "CHUYEN KHOAN" not in page
    never = search(client, d, pledged.pledges[2].reference).content.decode()
    assert "Chưa thấy giao dịch nào mang mã" in never


@pytest.mark.django_db
def test_the_funds_own_reference_another_funds_and_a_mistyped_one_are_explained(client, pledged):
    d = pledged.d
    own = search(client, d, d.fund.reference)
    assert names(own) == []
    assert "là mã chung của quỹ" in own.content.decode()
    other = references.reference(pledged.other_fund.reference_code, "P9XF")
    response = search(client, d, other)
    assert names(response) == []
    assert "không phải mã của quỹ này" in response.content.decode()
    good = pledged.pledges[0].reference
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = search(client, d, wrong_check)
    assert names(response) == []
    assert "ký tự kiểm tra ở cuối không khớp" in response.content.decode()
    assert escape(wrong_check) in response.content.decode()  # what was typed, kept


@pytest.mark.django_db
def test_the_banks_reference_finds_the_gift_whole_never_in_part(client, pledged):
    d = pledged.d
    cuc = d.counted[1]
    for typed in ("FT26065001", "ft26065001", " FT26065001 "):
        response = search(client, d, typed)
        assert names(response) == ["Trần T. C."], typed
        assert labels(response) == ["Đã đối chiếu sao kê ngày 06/03/2026"]
        assert response.context["totals"].received == cuc.amount
    # The bank's own reference on the line, digits only.
    assert names(search(client, d, "5123456789012")) == ["Hoàng T. M."]
    for part in ("FT2606500", "512345678901", "26065001"):
        assert names(search(client, d, part)) == [], part
    # A transfer on the statement not yet recorded: found on the statement, said so.
    response = search(client, d, "FT26087123")
    assert names(response) == []
    assert "đang chờ cán bộ ghi sổ" in response.content.decode()
    # A hand-recorded transfer by its reference: found, not verified.
    response = search(client, d, "FT26069077")
    assert labels(response) == ["Chuyển khoản, chưa đối chiếu sao kê"]


@pytest.mark.django_db
def test_amount_and_day_in_the_box_find_the_gift_written_the_vietnamese_way(client, pledged):
    d = pledged.d
    for typed in ("2.500.000 06/03/2026", "2500000 06/03/2026", "06/03/2026 2.500.000đ"):
        response = search(client, d, typed)
        assert names(response) == ["Trần T. C."], typed
    assert names(search(client, d, "1.000.000")) == ["Nguyễn V. B."]
    assert names(search(client, d, "Nguyễn V. B. 1.000.000 05/03/2026")) == ["Nguyễn V. B."]
    assert names(search(client, d, "Nguyễn V. B. 1.000.000 06/03/2026")) == []
    on_day = search(client, d, "05/03/2026")
    assert names(on_day) == ["Nguyễn V. B."]
    assert labels(on_day) == ["Ghi tay: tiền mặt"]
    # The box's amount and the amount fields apply together.
    assert names(search(client, d, "1.000.000", so_tien_tu="2.000.000")) == []


@pytest.mark.django_db
def test_a_day_that_does_not_exist_is_explained_and_the_typed_text_kept(client, pledged):
    d = pledged.d
    response = search(client, d, "Nguyễn 31/02/2026")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ngày 31/02/2026 không có thật" in page
    assert 'value="Nguyễn 31/02/2026"' in page
    # The words around it still search.
    assert names(response) == ["Nguyễn V. B."]
    outside = search(client, d, "01/01/0001").content.decode()
    assert "Ngày phải trong khoảng từ 01/01/1900 đến 31/12/2100." in outside


# Nothing confirms a full name or an account number ----------------------------------------

FULL_NAMES = [
    "Nguyễn Văn Bình",  # shown as Nguyễn V. B.
    "Trần Thị Cúc",  # a verified transfer
    "Hoàng Thị Mai",  # found by her pledge, never by her name
    "Lê Văn Dũng",  # asked not to be named
    "Phạm Văn Đức",  # reversed
    "Võ Thị Hạnh",  # a household paid
    "NGUYEN VAN BINH",  # as the bank wrote it on the line
]
UNKNOWN_NAMES = ["Trương Văn Khải", "Đinh Thị Xuyến"]
ACCOUNT_NUMBERS = ["0123456789", "0456789123"]  # the payers', on the statement lines
UNKNOWN_NUMBERS = ["0987654321", "0654321987"]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [{}, {"loai": "thu"}, {"so_tien_tu": "1.000.000"}])
def test_a_full_name_answers_exactly_what_an_unknown_name_answers(client, pledged, extra):
    d = pledged.d
    baseline = without_echo(
        search(client, d, UNKNOWN_NAMES[0], **extra).content.decode(), UNKNOWN_NAMES[0]
    )
    assert "Không có khoản nào khớp" in baseline
    for query in [*FULL_NAMES, *UNKNOWN_NAMES[1:]]:
        response = search(client, d, query, **extra)
        assert response.context["totals"].rows == 0, query
        assert without_echo(response.content.decode(), query) == baseline, query
    # With an amount and a day beside it, the name adds nothing either.
    cuc_day = "2.500.000 06/03/2026"
    known = search(client, d, f"Trần Thị Cúc {cuc_day}", **extra)
    unknown = search(client, d, f"Trương Văn Khải {cuc_day}", **extra)
    assert without_echo(known.content.decode(), f"Trần Thị Cúc {cuc_day}") == without_echo(
        unknown.content.decode(), f"Trương Văn Khải {cuc_day}"
    )


@pytest.mark.django_db
def test_an_account_number_finds_nothing_even_typed_by_an_officer_as_a_reference(client, pledged):
    d = pledged.d
    # An officer typed a payer's account number where the bank's reference goes.
    gift(
        d.world,
        d.fund,
        900_000,
        on=D(2026, 3, 19),
        donor_kind="individual",
        donor_name="Lý Văn Sơn",
        channel="bank",
        bank_reference="0123456789",
    )
    baseline = without_echo(
        search(client, d, UNKNOWN_NUMBERS[0]).content.decode(), UNKNOWN_NUMBERS[0]
    )
    for query in [*ACCOUNT_NUMBERS, UNKNOWN_NUMBERS[1], "TK 0123456789", PAYER_TEXT]:
        response = search(client, d, query)
        assert response.context["totals"].rows == 0, query
        assert without_echo(response.content.decode(), query) == baseline, query


@pytest.mark.django_db
def test_the_csv_and_the_api_of_a_full_name_are_those_of_an_unknown_name(client, pledged):
    d = pledged.d
    csv_url = reverse("campaigns:public_fund_csv", args=[d.world.ward_x.code, d.fund.pk])
    api_url = reverse("campaigns:api_fund_lines", args=[d.world.ward_x.code, d.fund.pk])
    unknown_csv = b"".join(client.get(csv_url, {"q": UNKNOWN_NAMES[0]}).streaming_content)
    unknown_api = client.get(api_url, {"q": UNKNOWN_NAMES[0]}).json()
    assert unknown_api["count"] == 0
    for query in [*FULL_NAMES, *ACCOUNT_NUMBERS]:
        assert b"".join(client.get(csv_url, {"q": query}).streaming_content) == unknown_csv
        answer = client.get(api_url, {"q": query}).json()
        assert {k: v for k, v in answer.items() if k != "fund"} == {
            k: v for k, v in unknown_api.items() if k != "fund"
        }, query


@pytest.mark.django_db
def test_found_rows_show_only_what_the_page_shows(client, pledged):
    d = pledged.d
    for query in ("FT26065001", pledged.pledges[0].reference, "1.250.000 18/03/2026", "Hoàng"):
        page = search(client, d, query).content.decode()
        assert "Hoàng T. M." in page or "Trần T. C." in page, query
        assert_nothing_personal(page.split('id="ket-qua"')[1].split('id="open-data"')[0])
        assert "Hoàng Thị Mai" not in page
        assert "0456789123" not in page and "0123456789" not in page
    assert StatementLine.objects.filter(description__contains="0456789123").exists()
