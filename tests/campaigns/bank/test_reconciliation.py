"""A holder's whole bank account: statements stored and matched, one confirm for the matched
lines, the queue for the rest; one statement line never becomes two donations."""

import datetime
import hashlib
import threading
from collections import Counter
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from campaigns import references, services
from campaigns.bank import selectors as bank_selectors
from campaigns.bank import services as bank_services
from campaigns.bank import views as bank_views
from campaigns.models import BankStatement, Donation, DonationReversal, Pledge, StatementLine
from core.numbers import format_dong
from tests import factories
from tests.campaigns.builders import campaign_of, gift
from tests.fuzzing import HOSTILE_TEXT, hostile_text, send_checked
from tests.once import at_once, logged_in
from tests.readers import XLSX
from tests.test_fuzz_imports import statements

ACCOUNT = "0071000123456"
HEADER = "Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung;Số dư"


@pytest.fixture
def poor(world):
    return campaign_of(
        world.ward_x, bank_bin="970436", bank_account_number=ACCOUNT, bank_account_name="MTTQ"
    )


@pytest.fixture
def houses(world):
    return campaign_of(
        world.ward_x, name="Nhà Đại đoàn kết 2026", kind="housing", bank_account_number=ACCOUNT
    )


@pytest.fixture
def officer(world, login):
    return login(world.users["ward_officer"])


def pledge_of(fund, code, *, amount=None, on=datetime.date(2026, 3, 4)):
    pledge = Pledge.objects.create(campaign=fund, code=code, amount=amount)
    taken = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    Pledge.objects.filter(pk=pledge.pk).update(created_at=taken)
    return Pledge.objects.get(pk=pledge.pk)


def csv_file(*rows, name="sao-ke-thang-3.csv", header=HEADER):
    return SimpleUploadedFile(name, "\n".join([header, *rows]).encode(), "text/csv")


def statements_url(holder_code="30301", *, province=False):
    name = "campaigns:province_bank_statements" if province else "campaigns:bank_statements"
    return reverse(name, args=[holder_code])


def statement_url(statement, *, province=False):
    name = "campaigns:province_bank_statement" if province else "campaigns:bank_statement"
    return reverse(name, args=[statement.holder.code, statement.pk])


def queue_url(holder_code="30301", *, province=False):
    name = "campaigns:province_bank_queue" if province else "campaigns:bank_queue"
    return reverse(name, args=[holder_code])


def upload(client, file, *, account=ACCOUNT, closing="", url=None):
    return client.post(
        url or statements_url(), {"file": file, "account": account, "closing_balance": closing}
    )


def notices(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def march(day):
    return datetime.date(2026, 3, day)


@pytest.fixture
def statement_rows(poor, houses):
    """A month of the account: a fund's reference, a pledge's, a pledge found by amount and
    date, a debit, interest, a foreign reference, and a line that fits two pledges."""
    pledge_of(houses, "K3M4")
    pledge_of(poor, "P9XF", amount=300_000)
    pledge_of(poor, "A1B2", amount=700_000, on=march(7))
    pledge_of(houses, "C3D4", amount=700_000, on=march(7))
    return [
        f"05/03/2026;500.000;FT101;UNG HO {poor.reference} NGUYEN VAN AN;10.500.000",
        f"05/03/2026;1.000.000;FT102;CONG TY TNHH AN PHU UNG HO "
        f"{references.reference(houses.reference_code, 'K3M4')};11.500.000",
        "06/03/2026;300.000;FT103;CHUYEN TIEN TRAN THI BE;11.800.000",
        "06/03/2026;-200.000;FT104;PHI DICH VU;11.600.000",
        "07/03/2026;250.000;FT105;LAI TIEN GUI;11.850.000",
        f"07/03/2026;400.000;FT106;UNG HO {references.reference('M4X8')};12.250.000",
        "08/03/2026;700.000;FT107;UNG HO BAO LU;12.950.000",
    ]


def lines_by_reference():
    return {line.bank_reference: line for line in StatementLine.objects.all()}


# --- Import -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_statement_is_stored_with_its_credit_lines_matched_and_no_donation(
    world, officer, poor, houses, statement_rows
):
    file = csv_file(*statement_rows)
    content = file.read()
    file.seek(0)
    response = upload(officer, file)
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == statement_url(statement)
    assert (
        statement.ward,
        statement.province,
        statement.account_number,
        statement.file_name,
        statement.file_digest,
        statement.first_on,
        statement.last_on,
        statement.closing_balance,
        statement.imported_by,
    ) == (
        world.ward_x,
        None,
        ACCOUNT,
        "sao-ke-thang-3.csv",
        hashlib.sha256(content).hexdigest(),
        march(5),
        march(8),
        12_950_000,  # the balance after the file's last transaction
        world.users["ward_officer"],
    )
    assert not Donation.objects.exists()
    lines = lines_by_reference()
    assert set(lines) == {"FT101", "FT102", "FT103", "FT105", "FT106", "FT107"}  # no debit
    k3m4, p9xf = Pledge.objects.get(code="K3M4"), Pledge.objects.get(code="P9XF")
    assert {
        ref: (line.status, line.campaign_id, line.pledge_id, line.matched_by)
        for ref, line in lines.items()
    } == {
        "FT101": ("matched", poor.pk, None, "reference"),
        "FT102": ("matched", houses.pk, k3m4.pk, "reference"),
        "FT103": ("matched", poor.pk, p9xf.pk, "amount_date"),
        "FT105": ("waiting", None, None, ""),
        "FT106": ("waiting", None, None, ""),
        "FT107": ("waiting", None, None, ""),
    }
    assert lines["FT105"].problem == "Không có mã tham chiếu"
    assert lines["FT106"].problem == (
        f"Mã {references.reference('M4X8')} không thuộc quỹ nào của Phường Mỹ Thới"
    )
    assert lines["FT107"].problem.startswith(
        "Không có mã tham chiếu; khớp số tiền và ngày với 2 mã chuyển khoản: "
    )
    assert lines["FT101"].key == "FT101|2026-03-05|500000"
    assert (lines["FT101"].row, lines["FT101"].booked_on, lines["FT101"].amount) == (
        2,
        march(5),
        500_000,
    )
    assert all(line.ward == world.ward_x and line.statement == statement for line in lines.values())

    page = officer.get(response["Location"])
    counts = Counter(line.status for line in StatementLine.objects.all())
    assert notices(page) == [
        f"Đã lưu sao kê: 6 khoản tiền vào; {counts['matched']} khoản đã khớp, chờ ghi; "
        f"{counts['waiting']} khoản chờ xử lý; 0 khoản đã được ghi trước đó. Chưa có khoản ủng "
        "hộ nào được ghi."
    ]
    html = page.content.decode()
    total = sum(StatementLine.objects.values_list("amount", flat=True))
    matched = sum(line.amount for line in StatementLine.objects.filter(status="matched"))
    assert f'<span class="text-nowrap" id="line-total">{format_dong(total)}</span>' in html
    assert f'id="matched-total">{format_dong(matched)}</span>' in html
    assert f'id="matched-count">{counts["matched"]}</span>' in html
    assert f'id="waiting-count">{counts["waiting"]}</span>' in html
    assert "Ghi 3 khoản đã khớp" in html
    # The donor is proposed from the note, without the reference.
    proposed = {p.line.bank_reference: (p.name, p.kind) for p in page.context["proposed"]}
    assert proposed == {
        "FT101": ("NGUYEN VAN AN", "individual"),
        "FT102": ("CONG TY TNHH AN PHU", "organisation"),
        "FT103": ("CHUYEN TIEN TRAN THI BE", "individual"),
    }


@pytest.mark.django_db
def test_the_statements_list_counts_each_statement_from_its_lines(officer, statement_rows):
    upload(officer, csv_file(*statement_rows))
    page = officer.get(statements_url())
    row = page.context["page"].object_list[0]
    lines = list(StatementLine.objects.all())
    by_status = Counter(line.status for line in lines)
    assert (row.line_count, row.line_total, row.matched_count, row.waiting_count) == (
        len(lines),
        sum(line.amount for line in lines),
        by_status["matched"],
        by_status["waiting"],
    )
    html = page.content.decode()
    assert format_dong(sum(line.amount for line in lines)) in html
    assert f'<span class="fw-semibold">{by_status["waiting"]}</span> dòng sao kê chờ' in html


@pytest.mark.django_db
def test_the_same_file_again_is_refused_naming_the_earlier_import(officer, world, statement_rows):
    upload(officer, csv_file(*statement_rows))
    earlier = BankStatement.objects.get()
    again = upload(officer, csv_file(*statement_rows, name="tai-lai.csv"), closing="13.000.000")
    assert again.status_code == 409
    when = timezone.localtime(earlier.imported_at)
    assert again.context["refusal"] == (
        f"Tệp này đã được nhập lúc {when:%H:%M} ngày {when:%d/%m/%Y} bởi "
        f"{world.users['ward_officer'].get_username()} (sao kê ngày 05/03/2026 – 08/03/2026 "
        "(tệp “sao-ke-thang-3.csv”)); không nhập lại."
    )
    assert again.context["earlier_url"] == statement_url(earlier)
    assert f'href="{statement_url(earlier)}"' in again.content.decode()
    # What was typed stays; nothing is stored twice.
    assert again.context["form"]["closing_balance"].value() == "13.000.000"
    assert BankStatement.objects.count() == 1
    assert StatementLine.objects.count() == 6


@pytest.mark.django_db
def test_an_overlapping_statement_stores_only_its_new_lines(officer, poor, statement_rows):
    officer.get(upload(officer, csv_file(*statement_rows[:3]))["Location"])
    first = BankStatement.objects.get()
    response = upload(
        officer,
        csv_file(
            statement_rows[2],  # already stored by the first statement
            f"09/03/2026;2.000.000;FT108;UNG HO {poor.reference};14.950.000",
            name="sao-ke-tuan-2.csv",
        ),
    )
    second = BankStatement.objects.exclude(pk=first.pk).get()
    assert response["Location"] == statement_url(second)
    assert list(second.lines.values_list("bank_reference", flat=True)) == ["FT108"]
    assert StatementLine.objects.filter(bank_reference="FT103").get().statement == first
    assert notices(officer.get(response["Location"]))[1] == (
        "1 dòng không lưu lại: Dòng 2: đã có trong sao kê ngày 05/03/2026 – 06/03/2026 "
        "(tệp “sao-ke-thang-3.csv”), không lưu lại."
    )
    assert (second.first_on, second.last_on) == (march(6), march(9))


@pytest.mark.django_db
def test_a_line_repeated_in_one_file_is_stored_once(officer, poor):
    row = f"05/03/2026;500.000;FT101;UNG HO {poor.reference}"
    response = upload(
        officer, csv_file(row, row, header="Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung")
    )
    assert StatementLine.objects.count() == 1
    assert (
        "Dòng 3: trùng với dòng 2 của tệp, không lưu lại."
        in notices(officer.get(response["Location"]))[1]
    )


@pytest.mark.django_db
def test_the_closing_balance_typed_wins_and_a_difference_is_said(officer, statement_rows):
    response = upload(officer, csv_file(*statement_rows), closing="13.000.000")
    assert BankStatement.objects.get().closing_balance == 13_000_000
    assert notices(officer.get(response["Location"]))[-1] == (
        f"Số dư cuối kỳ bạn nhập ({format_dong(13_000_000)}) khác số dư cuối trong tệp "
        f"({format_dong(12_950_000)}); đã lưu số bạn nhập."
    )


def xlsx_file(rows, name="sao-ke.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), XLSX)


@pytest.mark.django_db
def test_a_closing_balance_line_and_a_newest_first_file_are_read(officer, poor):
    rows = [
        ["Sao kê tài khoản", None, None, None, None],
        ["Ngày", "Số tiền ghi có", "Số bút toán", "Diễn giải", "Số dư"],
        [
            datetime.datetime(2026, 3, 9, 10),
            2_000_000,
            "FT9",
            f"UNG HO {poor.reference}",
            9_000_000,
        ],
        [datetime.datetime(2026, 3, 8, 10), 1_000_000, "FT8", "CHUYEN TIEN", 7_000_000],
    ]
    upload(officer, xlsx_file(rows))
    assert BankStatement.objects.get().closing_balance == 9_000_000  # the newest line's
    upload(officer, xlsx_file([*rows, ["Số dư cuối kỳ", None, None, None, "9.100.000"]]))
    assert BankStatement.objects.latest("pk").closing_balance == 9_100_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            lambda: csv_file("06/03/2026;-200.000;FT104;PHI DICH VU;11.600.000"),
            "Tệp không có khoản ghi có (tiền vào) nào để nhập.",
        ),
        (
            lambda: csv_file("06/03/2026;abc;FT104;UNG HO;11.600.000"),
            "Dòng 2: số tiền “abc” không phải số nguyên đồng.",
        ),
        (lambda: csv_file(header="Ngày;Nội dung"), "Không tìm thấy dòng tiêu đề"),
    ],
)
def test_a_file_without_usable_lines_stores_nothing_and_keeps_what_was_typed(
    officer, poor, file, message
):
    response = upload(officer, file(), closing="5.000.000")
    assert response.status_code == 400
    assert any(problem.startswith(message) for problem in response.context["parsed"].problems)
    assert "chưa lưu gì" in response.content.decode()
    assert response.context["form"]["closing_balance"].value() == "5.000.000"
    assert response.context["form"]["account"].value() == ACCOUNT
    assert not BankStatement.objects.exists() and not StatementLine.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"file": SimpleUploadedFile("sao-ke.xlsx", b"not a workbook", XLSX)},
            "file",
            "không phải bảng tính Excel",
        ),
        ({"file": SimpleUploadedFile("sao-ke.pdf", b"%PDF-1.4")}, "file", "Chỉ nhận tệp sao kê"),
        ({}, "file", "Hãy chọn tệp sao kê"),
        ({"closing_balance": "12,5"}, "closing_balance", "Nhập một số nguyên"),
        ({"account": "999"}, "account", "Hãy chọn một tài khoản nhận"),
    ],
)
def test_bad_uploads_are_refused_in_vietnamese(officer, poor, fields, field, message):
    data = {"file": csv_file(f"05/03/2026;500.000;FT1;UNG HO {poor.reference};1"), "account": ""}
    data.update(fields)
    if not fields:
        del data["file"]
    response = officer.post(statements_url(), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not BankStatement.objects.exists()


@pytest.mark.django_db
def test_the_account_is_chosen_among_the_funds_accounts(officer, poor, houses):
    campaign_of(poor.ward, name="Quỹ khuyến học", bank_account_number="1903555666")
    form = officer.get(statements_url()).context["form"]
    assert list(form.fields["account"].choices) == [
        ("0071000123456", "0071000123456 (Nhà Đại đoàn kết 2026, Quỹ Vì người nghèo 2026)"),
        ("1903555666", "1903555666 (Quỹ khuyến học)"),
        ("", "Không ghi số tài khoản"),
    ]
    upload(officer, csv_file(f"05/03/2026;500.000;FT1;UNG HO {poor.reference};1"), account="")
    assert BankStatement.objects.get().account_number == ""


@pytest.mark.django_db
def test_a_line_recorded_by_hand_waits_as_a_possible_duplicate(world, officer, poor):
    by_hand = gift(
        world, poor, 500_000, on=march(5), channel="bank", bank_reference="FT101", donor_name="An"
    )
    upload(officer, csv_file(f"05/03/2026;500.000;FT101;UNG HO {poor.reference};1"))
    line = StatementLine.objects.get()
    assert line.status == "waiting" and line.campaign == poor
    assert line.problem == (
        f"Có thể đã ghi: Số tham chiếu đã được ghi ở biên nhận {by_hand.receipt_label} "
        f"({poor.name})."
    )


@pytest.mark.django_db
def test_a_line_the_per_fund_import_recorded_before_is_stored_as_recorded(world, officer, poor):
    earlier = gift(
        world,
        poor,
        500_000,
        on=march(5),
        channel="bank",
        bank_reference="FT101",
        statement_line="FT101|2026-03-05|500000#0",
    )
    upload(officer, csv_file("05/03/2026;500.000;FT101;CHUYEN TIEN;1"))
    line = StatementLine.objects.get()
    assert (line.status, line.donation, line.campaign) == ("recorded", earlier, poor)
    assert Donation.objects.count() == 1


@pytest.mark.django_db
def test_a_forged_reference_and_a_line_naming_two_pledges_wait_with_clear_answers(
    officer, poor, houses
):
    pledge_of(poor, "P9XF")
    pledge_of(poor, "K3M4")
    good = poor.reference
    forged = good[:-1] + ("X" if good[-1] != "X" else "Y")
    two = [references.reference(poor.reference_code, code) for code in ("P9XF", "K3M4")]
    response = upload(
        officer,
        csv_file(
            f"05/03/2026;500.000;FT1;UNG HO {forged} NGUYEN VAN AN;1",
            f"05/03/2026;600.000;FT2;UNG HO {two[0]} {two[1]};1",
        ),
    )
    page = officer.get(response["Location"])
    problems = {line.bank_reference: line.problem for line in page.context["waiting"]}
    assert problems == {
        "FT1": f"Mã {forged} sai ký tự kiểm tra, không biết là quỹ nào (có thể gõ nhầm) — hãy "
        "chọn quỹ",
        "FT2": f"Khớp với 2 mã chuyển khoản: {two[0]}, {two[1]} — hãy chọn quỹ",
    }
    html = page.content.decode()
    assert all(problem in html for problem in problems.values())
    assert not page.context["proposed"]
    empty = officer.post(response["Location"], {"action": "confirm", "lines": ""})
    assert empty.status_code == 400
    assert empty.context["refusal"] == (
        "Chưa ghi khoản nào. Sao kê này không còn dòng nào đã khớp để ghi."
    )
    assert not Donation.objects.exists()
    assert (
        upload(
            officer, csv_file(f"05/03/2026;500.000;FT1;UNG HO {forged} NGUYEN VAN AN;1")
        ).status_code
        == 302
    )
    assert StatementLine.objects.count() == 2  # the line again: not stored twice


# --- One confirm ------------------------------------------------------------------------------


def review(client, statement):
    return client.get(statement_url(statement))


def confirm_data(page, overrides=None):
    """What the review form posts: the lines shown, their names and kinds, with overrides
    by bank reference."""
    overrides = overrides or {}
    data = {"action": "confirm", "lines": page.context["shown"]}
    for proposed in page.context["proposed"]:
        change = overrides.get(proposed.line.bank_reference, {})
        data[f"name-{proposed.line.pk}"] = change.get("name", proposed.name)
        data[f"kind-{proposed.line.pk}"] = change.get("kind", proposed.kind)
    return data


@pytest.fixture
def imported(officer, statement_rows):
    officer.get(upload(officer, csv_file(*statement_rows))["Location"])  # its notice shown
    return BankStatement.objects.get()


@pytest.mark.django_db
def test_one_confirm_records_every_matched_line_with_gap_free_receipts(
    world, officer, poor, houses, imported
):
    earlier = gift(world, poor, 50_000, on=march(1))
    page = review(officer, imported)
    data = confirm_data(page, {"FT101": {"name": "Nguyễn Văn An"}, "FT103": {"kind": "anonymous"}})
    response = officer.post(statement_url(imported), data)
    assert response.status_code == 302 and response["Location"] == statement_url(imported)
    written = list(Donation.objects.exclude(pk=earlier.pk).order_by("receipt_number"))
    assert [
        (d.receipt_number, d.received_on, d.amount, d.campaign, d.donor_name, d.donor_kind)
        for d in written
    ] == [
        (2, march(5), 500_000, poor, "Nguyễn Văn An", "individual"),
        (3, march(5), 1_000_000, houses, "CONG TY TNHH AN PHU", "organisation"),
        (4, march(6), 300_000, poor, "", "anonymous"),
    ]
    assert all(
        (d.channel, d.form, d.ward, d.recorded_by, d.statement_line)
        == ("bank", "cash", world.ward_x, world.users["ward_officer"], f"{d.bank_line.key}#0")
        for d in written
    )
    assert [d.bank_reference for d in written] == ["FT101", "FT102", "FT103"]
    assert written[0].note == "Nhập từ sao kê ngân hàng (dòng 2)"
    for donation in written:
        line = StatementLine.objects.get(donation=donation)
        assert (line.status, line.handled_by) == ("recorded", world.users["ward_officer"])
    total = sum(d.amount for d in written)
    assert notices(response) == [
        f"Đã ghi 3 khoản ủng hộ, tổng {format_dong(total)}, biên nhận số 00002/2026 – 00004/2026."
    ]
    # Receipts are printable: the usual donation pages show them.
    assert (
        officer.get(
            reverse("campaigns:donation_detail", args=[world.ward_x.code, written[0].pk])
        ).status_code
        == 200
    )
    after = review(officer, imported)
    assert not after.context["proposed"]
    assert [line.donation for line in after.context["recorded"]] == written


@pytest.mark.django_db
def test_confirming_twice_records_each_line_once_and_says_so(officer, imported):
    data = confirm_data(review(officer, imported), {"FT103": {"kind": "anonymous"}})
    first = officer.post(statement_url(imported), data)
    officer.get(first["Location"])  # the page shows (and clears) the notice
    recorded = list(Donation.objects.order_by("pk").values_list("pk", "receipt_number"))
    second = officer.post(statement_url(imported), data)
    assert second.status_code == 302
    assert list(Donation.objects.order_by("pk").values_list("pk", "receipt_number")) == recorded
    assert notices(second) == [
        "Không ghi thêm khoản nào: các dòng đã được ghi trước đó (dòng 2 (biên nhận "
        "00001/2026); dòng 3 (biên nhận 00002/2026); dòng 4 (biên nhận 00003/2026))."
    ]


@pytest.mark.django_db
def test_one_refused_line_writes_nothing_and_keeps_what_was_typed(officer, imported):
    page = review(officer, imported)
    data = confirm_data(page, {"FT101": {"name": "Nguyễn Văn An"}, "FT103": {"name": ""}})
    response = officer.post(statement_url(imported), data)
    assert response.status_code == 400
    assert response.context["refusal"] == (
        "Chưa ghi khoản nào. Dòng 4: Ghi tên người, đơn vị ủng hộ hoặc chọn "
        "“Nhà hảo tâm (ẩn danh)”."
    )
    assert not Donation.objects.exists()
    assert not StatementLine.objects.filter(status="recorded").exists()
    kept = {p.line.bank_reference: p.name for p in response.context["proposed"]}
    assert kept == {"FT101": "Nguyễn Văn An", "FT102": "CONG TY TNHH AN PHU", "FT103": ""}
    bad_kind = confirm_data(page, {"FT102": {"kind": "robot"}})
    response = officer.post(statement_url(imported), bad_kind)
    assert response.status_code == 400
    assert "Dòng 3: loại người ủng hộ không hợp lệ" in response.context["refusal"]
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_a_line_changed_since_the_page_refuses_the_whole_confirm(world, officer, login, imported):
    page = review(officer, imported)
    line = StatementLine.objects.get(bank_reference="FT102")
    bank_services.statement_line_put_back(
        holder=world.ward_x, line=line.pk, version=line.version, user=world.users["ward_chair"]
    )
    response = officer.post(statement_url(imported), confirm_data(page))
    assert response.status_code == 409
    chair = world.users["ward_chair"].get_username()
    assert response.context["refusal"] == (
        f"Chưa ghi khoản nào: Dòng 3 đã được {chair} đưa lại hàng chờ xử lý. Trang đã được cập "
        "nhật, hãy xem lại rồi bấm ghi lần nữa."
    )
    assert not Donation.objects.exists()
    assert len(response.context["proposed"]) == 2  # the page as it now is


@pytest.mark.django_db
def test_a_fund_closed_after_matching_refuses_the_confirm(officer, houses, imported):
    page = review(officer, imported)
    houses.status = "closed"
    houses.save()
    response = officer.post(statement_url(imported), confirm_data(page))
    assert response.status_code == 409
    assert response.context["refusal"] == (
        "Chưa ghi khoản nào. Dòng 3: quỹ “Nhà Đại đoàn kết 2026” đã kết thúc sau khi dòng được "
        "khớp; hãy chuyển dòng này về hàng chờ rồi chọn quỹ khác."
    )
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_a_matched_line_can_be_sent_to_the_queue_from_the_review(officer, imported):
    line = StatementLine.objects.get(bank_reference="FT101")
    data = {"action": "put_back", "line": line.pk, f"line-{line.pk}-version": line.version}
    response = officer.post(statement_url(imported), data)
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.problem, line.version) == (
        "waiting",
        "Cán bộ chuyển về hàng chờ để xem lại.",
        2,
    )
    stale = officer.post(statement_url(imported), data)
    assert stale.status_code == 409
    assert "đưa lại hàng chờ xử lý. Chưa thay đổi gì." in stale.context["refusal"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_two_confirms_at_the_same_moment_record_each_line_once(world, imported, monkeypatch):
    officer = world.users["ward_officer"]
    data = confirm_data(review(logged_in(officer), imported))
    # Both requests have read the form before either locks a line: two tabs, one click each.
    read = threading.Barrier(2, timeout=20)
    review_choices = bank_services.review_choices

    def read_then_wait(values, lines):
        choices = review_choices(values, lines)
        read.wait()
        return choices

    monkeypatch.setattr(bank_services, "review_choices", read_then_wait)
    clients = [logged_in(officer), logged_in(officer)]
    responses = at_once(*(lambda c=c: c.post(statement_url(imported), data) for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    assert sorted(Donation.objects.values_list("receipt_number", flat=True)) == [1, 2, 3]
    assert StatementLine.objects.filter(status="recorded").count() == 3
    assert all(
        line.donation.statement_line == f"{line.key}#0"
        for line in StatementLine.objects.filter(status="recorded").select_related("donation")
    )
    said = sorted((notices(r) for r in responses), key=lambda n: "Đã ghi" not in n[0])
    assert said[0][0].startswith("Đã ghi 3 khoản ủng hộ")
    assert said[1][0].startswith("Không ghi thêm khoản nào: các dòng đã được ghi trước đó")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_the_same_file_sent_twice_at_once_is_stored_once(world, poor, monkeypatch):
    officer = world.users["ward_officer"]
    content = f"{HEADER}\n05/03/2026;500.000;FT1;UNG HO {poor.reference};1".encode()
    read = threading.Barrier(2, timeout=20)
    file_digest = bank_views.statements.file_digest

    def digest_then_wait(file):
        digest = file_digest(file)
        read.wait()
        return digest

    monkeypatch.setattr(bank_views.statements, "file_digest", digest_then_wait)
    clients = [logged_in(officer), logged_in(officer)]
    responses = at_once(
        *(
            lambda c=c: upload(c, SimpleUploadedFile("sao-ke.csv", content, "text/csv"))
            for c in clients
        )
    )
    assert sorted(r.status_code for r in responses) == [302, 409]
    assert BankStatement.objects.count() == 1 and StatementLine.objects.count() == 1
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.context["refusal"].startswith("Tệp này đã được nhập lúc")


# --- The queue --------------------------------------------------------------------------------


def act(client, line, action, *, version=None, url=None, **fields):
    data = {"action": action, "line": line.pk, f"line-{line.pk}-version": version or line.version}
    data.update({f"line-{line.pk}-{name}": value for name, value in fields.items()})
    return client.post(url or queue_url(), data)


def waiting_refs(page):
    return [line.bank_reference for line, _forms in page.context["items"]]


@pytest.mark.django_db
def test_the_queue_lists_waiting_lines_oldest_first_and_finds_by_amount_or_text(
    officer, imported, poor
):
    upload(
        officer,
        csv_file("04/03/2026;250.000;FT099;CK NHAM TAI KHOAN;1", name="tuan-truoc.csv"),
    )
    page = officer.get(queue_url())
    assert waiting_refs(page) == ["FT099", "FT105", "FT106", "FT107"]
    waiting = StatementLine.objects.filter(status="waiting")
    assert page.context["counts"]["waiting"] == waiting.count()
    assert f'id="waiting-total">{waiting.count()}</span>' in page.content.decode()
    assert waiting_refs(officer.get(queue_url(), {"q": "250.000"})) == ["FT099", "FT105"]
    assert waiting_refs(officer.get(queue_url(), {"q": "250000"})) == ["FT099", "FT105"]
    assert waiting_refs(officer.get(queue_url(), {"q": "lai tien"})) == ["FT105"]
    assert waiting_refs(officer.get(queue_url(), {"q": "FT107"})) == ["FT107"]
    nothing = officer.get(queue_url(), {"q": "không có"})
    assert waiting_refs(nothing) == [] and "Không có dòng nào khớp" in nothing.content.decode()
    first = page.context["items"][0][1].record
    assert first["donor_name"].value() == "CK NHAM TAI KHOAN"


@pytest.mark.django_db
def test_the_queue_is_paginated(world, officer, poor):
    rows = [f"{day:02d}/03/2026;{day}000;FT{day:03d};CHUYEN TIEN" for day in range(1, 26)]
    upload(officer, csv_file(*rows, header="Ngày giao dịch;Số tiền;Số tham chiếu;Nội dung"))
    first = officer.get(queue_url())
    assert len(first.context["items"]) == 20
    second = officer.get(queue_url(), {"page": 2})
    assert waiting_refs(second) == [f"FT{day:03d}" for day in range(21, 26)]


@pytest.mark.django_db
def test_an_officer_records_a_waiting_line_in_a_fund_with_its_pledge(
    world, officer, houses, imported
):
    line = StatementLine.objects.get(bank_reference="FT107")
    response = act(
        officer,
        line,
        "record",
        campaign=houses.pk,
        pledge="c3d4",
        donor_kind="individual",
        donor_name="Lê Văn Bảo",
    )
    assert response.status_code == 302 and response["Location"] == queue_url()
    line.refresh_from_db()
    donation = line.donation
    assert (line.status, line.matched_by, line.campaign, line.pledge.code) == (
        "recorded",
        "officer",
        houses,
        "C3D4",
    )
    assert (donation.amount, donation.campaign, donation.donor_name, donation.channel) == (
        700_000,
        houses,
        "Lê Văn Bảo",
        "bank",
    )
    assert donation.statement_line == f"{line.key}#0"
    assert notices(response) == [
        f"Đã ghi dòng 8 ({format_dong(700_000)}) thành khoản ủng hộ biên nhận số "
        f"{donation.receipt_label} vào “{houses.name}”."
    ]
    assert "FT107" not in waiting_refs(officer.get(queue_url()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"campaign": ""}, "Hãy chọn quỹ nhận khoản này."),
        ({"pledge": "ZZZZ"}, "Không tìm thấy mã chuyển khoản “ZZZZ” trong quỹ"),
        ({"donor_kind": "individual", "donor_name": ""}, "Ghi tên người, đơn vị ủng hộ"),
        ({"donor_kind": "robot"}, "Hãy chọn người ủng hộ là cá nhân, tổ chức"),
    ],
)
def test_a_refused_record_keeps_what_was_typed(officer, poor, imported, fields, message):
    line = StatementLine.objects.get(bank_reference="FT105")
    typed = {"campaign": poor.pk, "pledge": "", "donor_kind": "organisation", "donor_name": "Hội"}
    typed.update(fields)
    response = act(officer, line, "record", **typed)
    assert response.status_code == 400
    forms = dict(response.context["items"])[StatementLine.objects.get(pk=line.pk)]
    errors = [error for field in forms.record.errors.values() for error in field]
    assert any(message in text for text in [response.context["refusal"], *errors])
    assert message in response.content.decode()
    assert forms.record["donor_name"].value() == typed["donor_name"]
    assert not Donation.objects.exists()
    line.refresh_from_db()
    assert line.status == "waiting" and line.version == 1


@pytest.mark.django_db
def test_a_pledge_of_another_fund_is_refused(officer, poor, houses, imported):
    line = StatementLine.objects.get(bank_reference="FT105")
    other = references.reference(houses.reference_code, "K3M4")
    response = act(officer, line, "record", campaign=poor.pk, pledge=other, donor_kind="anonymous")
    assert response.status_code == 400
    assert response.context["refusal"] == (
        f"Mã {other} không phải mã chuyển khoản của quỹ “{poor.name}”."
    )


@pytest.mark.django_db
def test_a_closed_fund_is_not_offered_nor_taken(officer, poor, imported):
    closed = campaign_of(poor.ward, name="Quỹ cứu trợ 2025", status="closed")
    line = StatementLine.objects.get(bank_reference="FT105")
    form = dict(officer.get(queue_url()).context["items"])[line].record
    assert closed.pk not in dict(form.fields["campaign"].choices)
    response = act(officer, line, "record", campaign=closed.pk, donor_kind="anonymous")
    assert response.status_code == 400
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_set_aside_with_a_reason_then_put_back(world, officer, imported):
    line = StatementLine.objects.get(bank_reference="FT105")
    refused = act(officer, line, "set_aside", reason="  ")
    assert refused.status_code == 400
    assert "Ghi lý do để riêng" in str(dict(refused.context["items"])[line].set_aside.errors)
    done = act(officer, line, "set_aside", reason="Lãi tiền gửi tháng 3")
    assert done.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.set_aside_reason, line.handled_by, line.version) == (
        "set_aside",
        "Lãi tiền gửi tháng 3",
        world.users["ward_officer"],
        2,
    )
    aside = officer.get(queue_url(), {"xem": "de-rieng"})
    assert waiting_refs(aside) == ["FT105"]
    assert "Lãi tiền gửi tháng 3" in aside.content.decode()
    back = act(officer, line, "put_back", url=queue_url() + "?xem=de-rieng")
    assert back.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.set_aside_reason, line.problem) == (
        "waiting",
        "",
        "Không có mã tham chiếu",
    )


@pytest.mark.django_db
def test_a_stale_page_changes_nothing_and_says_what_the_other_officer_did(
    world, officer, login, poor, imported
):
    line = StatementLine.objects.get(bank_reference="FT105")
    seen = line.version
    chair = login(world.users["ward_chair"])
    act(chair, line, "record", campaign=poor.pk, donor_kind="anonymous")
    donation = StatementLine.objects.get(pk=line.pk).donation
    officer = login(world.users["ward_officer"])
    for action, fields in (
        ("record", {"campaign": poor.pk, "donor_kind": "anonymous"}),
        ("set_aside", {"reason": "Lãi"}),
    ):
        response = act(officer, line, action, version=seen, **fields)
        assert response.status_code == 409
        assert response.context["refusal"] == (
            f"Dòng 6 đã được {world.users['ward_chair'].get_username()} ghi thành khoản ủng hộ "
            f"biên nhận {donation.receipt_label} ({poor.name}). Chưa thay đổi gì."
        )
    assert Donation.objects.count() == 1
    line.refresh_from_db()
    assert line.status == "recorded" and line.donation == donation


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_two_officers_recording_one_line_at_once_make_one_donation(world, poor, monkeypatch):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    upload(logged_in(officer), csv_file("05/03/2026;250.000;FT1;CHUYEN TIEN;1"))
    line = StatementLine.objects.get()
    read = threading.Barrier(2, timeout=20)
    queue_line = bank_selectors.queue_line

    def read_then_wait(holder, pk):
        found = queue_line(holder, pk)
        read.wait()
        return found

    monkeypatch.setattr(bank_selectors, "queue_line", read_then_wait)
    fields = {"campaign": poor.pk, "donor_kind": "anonymous"}
    responses = at_once(
        lambda: act(logged_in(officer), line, "record", **fields),
        lambda: act(logged_in(chair), line, "record", **fields),
    )
    assert sorted(r.status_code for r in responses) == [302, 409]
    donation = Donation.objects.get()
    line.refresh_from_db()
    assert (line.status, line.donation) == ("recorded", donation)
    refused = next(r for r in responses if r.status_code == 409)
    assert (
        f"ghi thành khoản ủng hộ biên nhận {donation.receipt_label}" in (refused.context["refusal"])
    )


@pytest.mark.django_db
def test_a_line_of_another_holder_or_a_made_up_one_changes_nothing(world, officer, imported):
    line = StatementLine.objects.get(bank_reference="FT105")
    other = logged_in(factories.user(role="ward_officer", ward_obj=world.ward_y))
    response = act(other, line, "set_aside", reason="x", url=queue_url("30302"))
    assert response.status_code == 400
    assert "Không rõ dòng sao kê" in response.context["refusal"]
    made_up = other.post(queue_url("30302"), {"action": "record", "line": "abc"})
    assert made_up.status_code == 400
    line.refresh_from_db()
    assert line.status == "waiting"


# --- The per-fund import stores its statement too ---------------------------------------------


def fund_import(client, campaign, file):
    url = reverse("campaigns:bank_import", args=[campaign.ward.code, campaign.pk])
    preview = client.post(url, {"file": file, "action": "preview"})
    data = {"action": "confirm", "token": preview.context["token"]}
    for line in preview.context["lines"]:
        if line.included:
            data[f"include-{line.index}"] = "1"
        data[f"name-{line.index}"] = line.name or "Nhà hảo tâm"
        data[f"kind-{line.index}"] = line.kind
    return preview, client.post(url, data)


@pytest.mark.django_db
def test_the_per_fund_import_stores_its_statement_and_links_its_donations(
    world, officer, poor, statement_rows
):
    file = csv_file(*statement_rows)
    content = file.read()
    file.seek(0)
    _preview, response = fund_import(officer, poor, file)
    assert response.status_code == 302
    statement = BankStatement.objects.get()
    assert (statement.file_digest, statement.account_number, statement.closing_balance) == (
        hashlib.sha256(content).hexdigest(),
        ACCOUNT,
        12_950_000,
    )
    assert (statement.first_on, statement.last_on) == (march(5), march(8))
    donations = Donation.objects.all()
    assert donations.count() == 6
    for donation in donations:
        line = donation.bank_line
        assert (line.status, line.statement, line.key) == (
            "recorded",
            statement,
            donation.statement_line.rpartition("#")[0],
        )
    # The same file is then refused at the account's import: its lines are all stored.
    again = upload(officer, csv_file(*statement_rows))
    assert again.status_code == 409


@pytest.mark.django_db
def test_a_line_stored_by_the_account_import_is_linked_by_the_per_fund_import(
    officer, poor, statement_rows
):
    upload(officer, csv_file(*statement_rows))
    _preview, response = fund_import(officer, poor, csv_file(*statement_rows))
    assert response.status_code == 302
    assert BankStatement.objects.count() == 1  # the same file: the same statement
    assert StatementLine.objects.count() == 6
    assert not StatementLine.objects.exclude(status="recorded").exists()
    assert all(
        line.donation.bank_reference == line.bank_reference
        for line in StatementLine.objects.select_related("donation")
    )


@pytest.mark.django_db
def test_unticked_rows_of_the_per_fund_import_wait_in_the_queue(officer, poor, statement_rows):
    url = reverse("campaigns:bank_import", args=[poor.ward.code, poor.pk])
    preview = officer.post(url, {"file": csv_file(*statement_rows), "action": "preview"})
    data = {"action": "confirm", "token": preview.context["token"]}
    first = preview.context["lines"][0]
    data.update(
        {
            f"include-{first.index}": "1",
            f"name-{first.index}": "An",
            f"kind-{first.index}": "individual",
        }
    )
    officer.post(url, data)
    statuses = {line.bank_reference: line.status for line in StatementLine.objects.all()}
    assert statuses["FT101"] == "recorded"
    assert statuses["FT102"] == "matched"  # the pledge's fund: for the review page's confirm
    assert statuses["FT105"] == "waiting"
    assert waiting_refs(officer.get(queue_url())) == ["FT105", "FT106", "FT107"]


# --- Reversal ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reversed_donation_sends_its_line_back_to_be_recorded_again(
    world, officer, poor, houses, imported
):
    officer.post(statement_url(imported), confirm_data(review(officer, imported)))
    line = StatementLine.objects.get(bank_reference="FT101")
    wrong = line.donation
    services.donation_reverse(
        donation=wrong, user=world.users["ward_chair"], reason="Nhầm quỹ", on=march(10)
    )
    line.refresh_from_db()
    assert (line.status, line.donation, line.matched_by) == ("waiting", None, "")
    assert line.problem == (
        f"Khoản ủng hộ biên nhận {wrong.receipt_label} ghi từ dòng này đã được điều chỉnh "
        "(Nhầm quỹ); hãy ghi lại cho đúng hoặc để riêng."
    )
    assert "FT101" in waiting_refs(officer.get(queue_url()))
    act(officer, line, "record", campaign=houses.pk, donor_kind="individual", donor_name="An")
    line.refresh_from_db()
    assert line.donation.campaign == houses
    assert line.donation.statement_line == f"{line.key}#1"
    counted = Donation.objects.filter(bank_reference="FT101", reversal__isnull=True)
    assert list(counted) == [line.donation]
    assert DonationReversal.objects.get().donation == wrong


# --- The province's committee -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_province_committee_reconciles_its_own_account(world, login):
    drive = factories.province_drive(province_obj=world.province_a, bank_account_number="123")
    officer = login(world.users["province_officer"])
    url = statements_url("91", province=True)
    response = upload(
        officer,
        csv_file(
            f"05/03/2026;5.000.000;FT1;CTY LUONG THUC UNG HO {drive.reference};1",
            "05/03/2026;100.000;FT2;LAI;1",
        ),
        account="123",
        url=url,
    )
    statement = BankStatement.objects.get()
    assert (statement.ward, statement.province) == (None, world.province_a)
    assert response["Location"] == statement_url(statement, province=True)
    page = officer.get(response["Location"])
    confirmed = officer.post(response["Location"], confirm_data(page))
    assert confirmed.status_code == 302
    donation = Donation.objects.get()
    assert (donation.ward, donation.province, donation.campaign, donation.amount) == (
        None,
        world.province_a,
        drive,
        5_000_000,
    )
    assert waiting_refs(officer.get(queue_url("91", province=True))) == ["FT2"]
    line = StatementLine.objects.get(bank_reference="FT2")
    done = act(officer, line, "set_aside", reason="Lãi", url=queue_url("91", province=True))
    assert done.status_code == 302


# --- Navigation -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_officer_is_shown_the_way_and_the_waiting_count(world, officer, login, poor, imported):
    waiting = StatementLine.objects.filter(status="waiting").count()
    funds = officer.get(reverse("campaigns:list", args=[world.ward_x.code])).content.decode()
    assert f'href="{statements_url()}"' in funds
    assert f"{waiting} chờ xử lý" in funds
    detail = officer.get(reverse("campaigns:detail", args=[world.ward_x.code, poor.pk]))
    assert f"{waiting} chờ xử lý" in detail.content.decode()
    fund_page = officer.get(reverse("campaigns:bank_import", args=[world.ward_x.code, poor.pk]))
    assert f'<a href="{statements_url()}">Nhập sao kê cho cả tài khoản</a>' in (
        fund_page.content.decode()
    )
    reader = login(world.users["party_viewer"])
    assert (
        statements_url()
        not in reader.get(reverse("campaigns:list", args=[world.ward_x.code])).content.decode()
    )


# --- Hostile files ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_hostile_statements_never_break_the_account_import(client, world, poor):
    client.force_login(world.users["ward_officer"])
    names = st.one_of(st.sampled_from(["", *HOSTILE_TEXT]), st.text(max_size=300))
    kinds = st.sampled_from(["individual", "organisation", "anonymous", "x", ""])

    @given(statement=statements(), closing=st.one_of(st.just(""), hostile_text()), data=st.data())
    def import_then_confirm(statement, closing, data):
        name, content = statement
        file = SimpleUploadedFile(name, content, "application/octet-stream")
        fields = {"file": file, "account": "", "closing_balance": closing}
        response, accepted = send_checked(client, "POST", statements_url(), fields)
        if not accepted:
            return
        page = client.get(response["Location"])
        assert page.status_code == 200
        choice = {"action": "confirm", "lines": page.context["shown"]}
        for proposed in page.context["proposed"]:
            choice[f"name-{proposed.line.pk}"] = data.draw(names)
            choice[f"kind-{proposed.line.pk}"] = data.draw(kinds)
        send_checked(client, "POST", response["Location"], choice)

    import_then_confirm()


# --- A line that is a gift recorded by hand --------------------------------------------------


@pytest.fixture
def by_hand(world, officer, poor):
    """A transfer the officer recorded by hand on the day the donor said, then the statement
    with its line two days later; and another gift of another amount, not offered."""
    recorded = gift(
        world, poor, 500_000, on=march(3), channel="bank", bank_reference="GD0303", donor_name="An"
    )
    gift(world, poor, 400_000, on=march(5), donor_name="Lê Thị Bé")
    upload(officer, csv_file("05/03/2026;500.000;FT201;UNG HO QUY;1"))
    return recorded


def link_choices(page, line):
    forms = dict(page.context["items"])[line]
    return forms.link and [value for value, _label in forms.link.fields["donation"].choices]


@pytest.mark.django_db
def test_a_waiting_line_is_linked_to_the_gift_recorded_by_hand_and_counts_once(
    world, officer, poor, by_hand, client
):
    line = StatementLine.objects.get()
    page = officer.get(queue_url())
    assert link_choices(page, line) == [by_hand.pk]
    assert f"Biên nhận {by_hand.receipt_label}, ngày 03/03/2026" in page.content.decode()
    raised_before = sum(Donation.objects.filter(campaign=poor).values_list("amount", flat=True))

    response = act(officer, line, "link", donation=by_hand.pk)

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.donation, line.matched_by, line.campaign) == (
        "recorded",
        by_hand,
        "officer",
        poor,
    )
    assert line.handled_by == world.users["ward_officer"]
    assert Donation.objects.filter(campaign=poor).count() == 2  # nothing recorded twice
    assert sum(Donation.objects.filter(campaign=poor).values_list("amount", flat=True)) == (
        raised_before
    )
    assert notices(response)[0].startswith(f"Đã gắn dòng {line.row} ({format_dong(500_000)})")
    # The public line of that gift now says it was checked against the statement.
    public = client.get(reverse("campaigns:public_fund", args=["30301", poor.pk]))
    assert "Đã đối chiếu sao kê ngày 05/03/2026" in public.content.decode()
    assert "FT201" not in waiting_refs(officer.get(queue_url()))


@pytest.mark.django_db
def test_a_stale_or_foreign_link_changes_nothing_and_says_why(world, officer, poor, by_hand):
    line = StatementLine.objects.get()
    other_amount = Donation.objects.get(amount=400_000)
    refused = act(officer, line, "link", donation=other_amount.pk)
    assert refused.status_code == 400
    assert "Khoản này không còn để gắn" in refused.content.decode()
    stale = act(officer, line, "link", donation=by_hand.pk, version=line.version + 1)
    assert stale.status_code == 409
    # Another line already holds the gift: the second link is refused, the first stands.
    upload(officer, csv_file("06/03/2026;500.000;FT202;UNG HO QUY;1", name="b.csv"))
    first, second = StatementLine.objects.order_by("pk")
    assert act(officer, first, "link", donation=by_hand.pk).status_code == 302
    page = officer.get(queue_url())
    assert link_choices(page, second) is None  # no gift left to offer
    again = act(officer, second, "link", donation=by_hand.pk)
    assert again.status_code == 409
    assert "Không còn khoản ghi tay nào cùng số tiền" in again.content.decode()
    second.refresh_from_db()
    assert second.status == "waiting" and second.donation is None
    assert StatementLine.objects.get(donation=by_hand) == first


@pytest.mark.django_db
def test_reversing_the_linked_gift_sends_the_line_back_to_the_queue(world, officer, by_hand):
    line = StatementLine.objects.get()
    act(officer, line, "link", donation=by_hand.pk)
    services.donation_reverse(
        donation=by_hand, user=world.users["ward_officer"], reason="Ghi nhầm", on=march(9)
    )
    line.refresh_from_db()
    assert line.status == "waiting" and line.donation is None
    assert "FT201" in waiting_refs(officer.get(queue_url()))
