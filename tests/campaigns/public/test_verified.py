"""Verified disclosure (issue 15, point 4): each public receipt says whether a bank statement
line verified it or an officer recorded it by hand, and the fund page sets the books' balance
beside the last statement's, the difference explained item by item. Every expected figure is
summed here from the rows the test builds."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Disbursement, Donation, StatementLine
from core.numbers import format_dong
from tests import factories
from tests.campaigns.public.world import ACCOUNT, assert_nothing_personal

D = datetime.date


def fund_page(client, d, **params):
    url = reverse("campaigns:public_fund", args=[d.world.ward_x.code, d.fund.pk])
    return client.get(url, params)


def item(response, key) -> str:
    """The amount shown on the row `data-item="key"` of the difference table."""
    found = re.search(
        rf'<tr[^>]*data-item="{key}"[^>]*>.*?<td class="num[^"]*">([^<]*)</td>',
        response.content.decode(),
        re.S,
    )
    return html.unescape(found[1]) if found else ""


def element(response, element_id) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', response.content.decode())
    assert found, element_id
    return html.unescape(found[1])


def signed(amount: int) -> str:
    return ("+" if amount > 0 else "") + format_dong(amount)


def expected_balance(b) -> dict:
    """The page's figures, from the rows: counted cash in and out by day and channel, the
    account's lines by what became of them."""
    fund, ward, end = b.d.fund, b.d.world.ward_x, b.statement.last_on
    counted = [
        donation
        for donation in Donation.objects.filter(campaign=fund, ward=ward)
        if not hasattr(donation, "reversal")
    ]
    cash = [donation for donation in counted if donation.form == "cash"]
    linked = {line.donation_id for line in StatementLine.objects.filter(donation__isnull=False)}
    payments = [p for p in Disbursement.objects.filter(campaign=fund, ward=ward) if p.is_cash]
    books = sum(d.amount for d in cash) - sum(p.amount for p in payments)
    hand = [d for d in cash if d.channel != "bank" and d.pk not in linked and d.received_on <= end]
    lines = [
        line
        for line in StatementLine.objects.filter(ward=ward, statement__account_number=ACCOUNT)
        if line.booked_on <= end
    ]
    figures = {
        "books": books,
        "bank": b.statement.closing_balance,
        "hand_cash": sum(d.amount for d in hand),
        "hand_rows": len(hand),
        "received_after": sum(d.amount for d in cash if d.received_on > end),
        "paid_after": sum(p.amount for p in payments if p.paid_on > end),
        "unrecorded": sum(line.amount for line in lines if line.status in ("waiting", "matched")),
        "set_aside": sum(line.amount for line in lines if line.status == "set_aside"),
        "other_funds": sum(
            line.amount
            for line in lines
            if line.status == "recorded" and line.donation.campaign_id != fund.pk
        ),
        "verified": sum(d.amount for d in cash if d.pk in linked),
        "verified_rows": sum(1 for d in cash if d.pk in linked),
        "unverified": sum(d.amount for d in cash if d.channel == "bank" and d.pk not in linked),
        "hand_all": sum(d.amount for d in cash if d.channel != "bank" and d.pk not in linked),
    }
    figures["difference"] = figures["books"] - figures["bank"]
    explained = (
        figures["hand_cash"]
        + figures["received_after"]
        - figures["paid_after"]
        - figures["unrecorded"]
        - figures["set_aside"]
        - figures["other_funds"]
    )
    figures["unexplained"] = figures["difference"] - explained
    return figures


@pytest.mark.django_db
def test_each_receipt_says_how_it_was_checked(client, bank):
    d = bank.d
    rows = {row.reference: row for row in fund_page(client, d).context["page"].rows}
    cuc = rows[d.counted[1].receipt_label]
    assert cuc.verification.is_verified
    assert cuc.verification.label == "Đã đối chiếu sao kê ngày 06/03/2026"
    assert cuc.verification.statement_text == "Sao kê từ 01/03/2026 đến 31/03/2026"
    assert rows[d.counted[0].receipt_label].verification.label == "Ghi tay: tiền mặt"
    assert rows[d.counted[6].receipt_label].verification.label == "Ghi tay: hiện vật"
    assert rows[bank.by_hand.receipt_label].verification.label == (
        "Chuyển khoản, chưa đối chiếu sao kê"
    )
    assert rows["12/QĐ-MTTQ"].verification is None  # payments are not statement credits
    page = fund_page(client, d).content.decode()
    assert "✓ Đã đối chiếu sao kê ngày 06/03/2026" in page
    assert "(sao kê từ 01/03/2026 đến 31/03/2026)" in page
    assert page.count('data-verification="hand_cash"') == sum(
        1 for row in rows.values() if row.verification and row.verification.status == "hand_cash"
    )
    # The bank's text of the line (the payer's name and account) never reaches the page.
    assert "0123456789" not in page and "NGUYEN VAN BINH" not in page
    assert_nothing_personal(page)


@pytest.mark.django_db
def test_the_balances_and_every_part_of_their_difference_come_from_the_rows(client, bank):
    expected = expected_balance(bank)
    # The figures are not trivial: every part of the explanation is at work.
    assert all(
        expected[key]
        for key in (
            "hand_cash",
            "received_after",
            "paid_after",
            "unrecorded",
            "set_aside",
            "other_funds",
        )
    )
    response = fund_page(client, bank.d)
    assert element(response, "books-balance") == format_dong(expected["books"])
    assert element(response, "statement-balance") == format_dong(3_100_000)
    assert item(response, "difference") == format_dong(expected["difference"])
    assert item(response, "hand_cash") == signed(expected["hand_cash"])
    assert item(response, "received_after") == signed(expected["received_after"])
    assert item(response, "paid_after") == signed(-expected["paid_after"])
    assert item(response, "unrecorded") == signed(-expected["unrecorded"])
    assert item(response, "set_aside") == signed(-expected["set_aside"])
    assert item(response, "other_funds") == signed(-expected["other_funds"])
    assert item(response, "unexplained") == format_dong(expected["unexplained"])
    page = response.content.decode()
    assert "Số dư tài khoản 0071000123456 theo sao kê đến ngày 31/03/2026" in page
    assert "Hiện vật không nằm trong số dư nào" in page
    # The April line is after the statement's last day; the other account is not the fund's.
    assert "999.000" not in page and "77.000.000" not in page
    balance = response.context["balance"]
    assert balance.statement == bank.statement
    assert balance.unrecorded_rows == 2 and balance.set_aside_rows == 1
    assert balance.hand_rows == expected["hand_rows"]


@pytest.mark.django_db
def test_what_is_left_unexplained_is_shown_as_it_is(client, bank):
    bank.statement.closing_balance = 1_000_000
    bank.statement.save()
    expected = expected_balance(bank)
    assert expected["unexplained"] != 0
    response = fund_page(client, bank.d)
    assert item(response, "unexplained") == format_dong(expected["unexplained"])
    page = response.content.decode()
    assert 'data-item="unexplained" class="table-warning"' in page
    assert "Chưa giải thích được: có thể là" in page


@pytest.mark.django_db
def test_the_verification_counts_are_the_rows_by_how_they_were_checked(client, bank):
    expected = expected_balance(bank)
    counts = fund_page(client, bank.d).context["balance"].counts
    assert (counts.verified, counts.verified_rows) == (
        expected["verified"],
        expected["verified_rows"],
    )
    assert counts.unverified == expected["unverified"] == bank.by_hand.amount
    assert counts.hand == expected["hand_all"]
    assert counts.goods_rows == 1  # the rice
    response = fund_page(client, bank.d)
    page = response.content.decode()
    assert f'data-testid="verified-cash">{format_dong(expected["verified"])}' in page


@pytest.mark.django_db
def test_a_new_line_linked_or_set_aside_shows_at_once(client, bank):
    d = bank.d
    before = expected_balance(bank)
    fund_page(client, d)  # fills the caches
    waiting = bank.lines[1]
    waiting.status, waiting.set_aside_reason = StatementLine.Status.SET_ASIDE, "Hoàn trả"
    waiting.version += 1
    waiting.save()
    after = expected_balance(bank)
    assert after["unrecorded"] == before["unrecorded"] - waiting.amount
    response = fund_page(client, d)
    assert item(response, "unrecorded") == signed(-after["unrecorded"])
    assert item(response, "set_aside") == signed(-after["set_aside"])
    # A hand-recorded transfer linked to its line becomes verified, its label too.
    factories.statement_line(
        statement=bank.statement, amount=800_000, booked_on=D(2026, 3, 10), donation=bank.by_hand
    )
    response = fund_page(client, d)
    rows = {row.reference: row for row in response.context["page"].rows}
    assert rows[bank.by_hand.receipt_label].verification.label == (
        "Đã đối chiếu sao kê ngày 10/03/2026"
    )
    assert response.context["balance"].counts.unverified == 0


@pytest.mark.django_db
def test_without_an_account_or_a_statement_the_page_says_so(client, disclosure):
    d = disclosure
    page = fund_page(client, d).content.decode()
    assert "Quỹ chưa công bố tài khoản nhận chuyển khoản" in page
    assert 'id="statement-balance"' not in page
    d.fund.bank_account_number = ACCOUNT
    d.fund.save()
    factories.bank_statement(ward_obj=d.world.ward_x, user=d.officer, account_number=ACCOUNT)
    page = fund_page(client, d).content.decode()
    assert "Chưa nhập sao kê nào có số dư cuối kỳ của tài khoản 0071000123456" in page
    assert "Hiện vật không nằm trong số dư nào" in page


@pytest.mark.django_db
def test_another_wards_statement_of_the_same_number_is_not_this_funds(client, bank):
    d = bank.d
    factories.bank_statement(
        ward_obj=d.world.ward_y,
        user=d.officer,
        account_number=ACCOUNT,
        first_on=D(2026, 5, 1),
        last_on=D(2026, 5, 31),
        closing_balance=55_000_000,
    )
    assert fund_page(client, d).context["balance"].statement == bank.statement


@pytest.mark.django_db
def test_a_reversed_verified_gift_no_longer_counts_and_its_line_waits_again(client, bank):
    """A reversal frees the statement line (campaigns/bank): the money is still in the bank,
    so the line waits in the queue to be recorded correctly, and the reversed receipt no
    longer claims it."""
    d = bank.d
    cuc = d.counted[1]
    line = cuc.bank_line
    services.donation_reverse(donation=cuc, user=d.officer, reason="Ghi nhầm quỹ", on=D(2026, 4, 5))
    line.refresh_from_db()
    assert (line.status, line.donation_id) == (StatementLine.Status.WAITING, None)
    response = fund_page(client, d)
    rows = {row.reference: row for row in response.context["page"].rows}
    assert rows[cuc.receipt_label].reversed
    assert not rows[cuc.receipt_label].verification.is_verified
    expected = expected_balance(bank)
    assert response.context["balance"].counts.verified == expected["verified"] == 0
    assert item(response, "unexplained") == format_dong(expected["unexplained"])
