"""Public disclosure (công khai, minh bạch): funds and statements anyone can read, masked."""

import csv
import datetime
import io
import unicodedata
from types import SimpleNamespace

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Disbursement, Donation
from campaigns.public import selectors
from tests import factories
from tests.campaigns.builders import gift, payment
from tests.campaigns.public.world import assert_nothing_personal

D = datetime.date


def fund_url(d, campaign=None, ward=None):
    ward = ward or d.world.ward_x
    return reverse("campaigns:public_fund", args=[ward.code, (campaign or d.fund).pk])


def csv_url(d, campaign=None):
    return reverse("campaigns:public_fund_csv", args=[d.world.ward_x.code, (campaign or d.fund).pk])


def rows_of(response):
    return response.context["page"].rows


def names(response):
    return [row.name for row in rows_of(response)]


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


# The ward page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_ward_page_lists_money_campaigns_with_totals_at_the_ward_without_login(client, disclosure):
    d = disclosure
    response = client.get(reverse("campaigns:public_ward", args=[d.world.ward_x.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quỹ Vì người nghèo 2026" in page
    assert "Cứu trợ bão lũ tỉnh An Giang" in page
    assert "Phong trào Ngày Chủ nhật xanh" not in page  # holds no money
    assert "Quỹ phường Hoàn Kiếm" not in page  # another province's ward
    own = {c.pk: c for c in response.context["own_campaigns"]}
    assert (own[d.fund.pk].received, own[d.fund.pk].paid) == (14_700_000, 1_900_000)
    assert own[d.fund.pk].received == d.received
    assert own[d.fund.pk].in_kind == d.in_kind == 4_000_000
    assert own[d.fund.pk].balance == 12_800_000
    [province] = response.context["province_campaigns"]
    # Only what ward X received and paid, not ward Y's 9.000.000 đ.
    assert (province.received, province.paid, province.balance) == (3_000_000, 1_000_000, 2_000_000)
    for amount in ("14.700.000\u00a0đ", "12.800.000\u00a0đ", "2.000.000\u00a0đ"):
        assert amount in page
    assert "Hiện vật quy đổi" in page and "4.000.000\u00a0đ" in page
    assert fund_url(d) in page
    assert_nothing_personal(page)


@pytest.mark.django_db
def test_unknown_ward_and_foreign_or_moneyless_campaigns_are_not_found(client, disclosure):
    d = disclosure
    assert client.get(reverse("campaigns:public_ward", args=["99999"])).status_code == 404
    assert client.get(fund_url(d, ward=SimpleNamespace(code="99999"))).status_code == 404
    for campaign in (d.movement, d.elsewhere):
        assert client.get(fund_url(d, campaign)).status_code == 404
        assert client.get(csv_url(d, campaign)).status_code == 404
    assert client.get(fund_url(d, SimpleNamespace(pk=987654))).status_code == 404
    # Ward Z is in another province: the province fund of An Giang is not its business.
    assert client.get(fund_url(d, d.province_fund, ward=d.world.ward_z)).status_code == 404


# The fund page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_fund_page_lists_every_row_newest_first_with_totals_equal_to_hand_sums(client, disclosure):
    d = disclosure
    response = client.get(fund_url(d))
    assert response.status_code == 200
    overall = response.context["overall"]
    assert overall.received == d.received == 14_700_000
    assert overall.in_kind_received == d.in_kind == 4_000_000
    assert overall.paid == d.paid == 1_900_000
    assert overall.balance == 12_800_000
    assert overall.receipt_rows == 8 and overall.reversed_rows == 1 and overall.payment_rows == 2
    rows = rows_of(response)
    assert [row.day for row in rows] == sorted((row.day for row in rows), reverse=True)
    assert len(rows) == 10
    assert [row.kind for row in rows[:2]] == ["chi", "chi"]
    page = response.content.decode()
    for amount in ("14.700.000\u00a0đ", "1.900.000\u00a0đ", "12.800.000\u00a0đ"):
        assert amount in page
    assert "05/03/2026" in page and "00001/2026" in page and "12/QĐ-MTTQ" in page
    assert "Hiện vật: 200 kg gạo" in page
    assert_nothing_personal(page)


@pytest.mark.django_db
def test_names_are_masked_anonymous_is_nha_hao_tam_and_organisations_are_named(client, disclosure):
    d = disclosure
    response = client.get(fund_url(d))
    by_reference = {row.reference: row for row in rows_of(response)}
    label = {donation.pk: donation.receipt_label for donation in [*d.counted, d.reversed]}
    binh, cuc, company, anonymous, unnamed, one_word, rice = (
        by_reference[label[donation.pk]] for donation in d.counted
    )
    assert binh.name == "Nguyễn V. B."
    assert cuc.name == "Trần T. C."
    assert company.name == "Công ty TNHH Thủy sản Mỹ Thới"
    assert anonymous.name == "Nhà hảo tâm"
    assert unnamed.name == "Nhà hảo tâm"  # asked not to be named
    assert one_word.name == "B."
    assert rice.name == "Tập thể lớp 12A1"
    assert by_reference["12/QĐ-MTTQ"].name == "Võ T. H. (Khóm Đông Thịnh 1)"
    assert by_reference["13/QĐ-MTTQ"].name == ""
    assert by_reference["13/QĐ-MTTQ"].content == "Hỗ trợ thiên tai: Mua nước uống cứu trợ"
    page = response.content.decode()
    for shown in ("Nguyễn V. B.", "Trần T. C.", "Nhà hảo tâm", "Võ T. H. (Khóm Đông Thịnh 1)"):
        assert shown in page
    assert_nothing_personal(page)


@pytest.mark.django_db
def test_reversed_donation_is_listed_as_adjusted_but_not_counted(client, disclosure):
    d = disclosure
    response = client.get(fund_url(d), {"so_tien_tu": "5.000.000", "loai": "thu"})
    [changed, company] = rows_of(response)
    assert changed.reversed and changed.amount == 5_000_000 and changed.name == "Phạm V. Đ."
    assert not company.reversed
    totals = response.context["totals"]
    assert (totals.receipt_rows, totals.reversed_rows, totals.received) == (2, 1, 10_000_000)
    page = response.content.decode()
    assert "Đã điều chỉnh" in page
    assert "text-decoration-line-through" in page
    assert "5.000.000\u00a0đ" in page
    assert_nothing_personal(page)


@pytest.mark.django_db
def test_province_campaign_at_a_ward_shows_only_that_wards_rows(client, disclosure):
    d = disclosure
    at_x = client.get(fund_url(d, d.province_fund))
    assert [row.reference for row in rows_of(at_x)] == ["20/QĐ-MTTQ", d.at_x.receipt_label]
    assert (at_x.context["overall"].received, at_x.context["overall"].paid) == (
        3_000_000,
        1_000_000,
    )
    assert "Hợp tác xã Long Xuyên" not in at_x.content.decode()
    at_y = client.get(fund_url(d, d.province_fund, ward=d.world.ward_y))
    assert [row.name for row in rows_of(at_y)] == ["Hợp tác xã Long Xuyên"]
    assert at_y.context["overall"].received == 9_000_000
    assert "Ngân hàng Nông nghiệp" not in at_y.content.decode()


# Search -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_by_family_name_and_initials_ignores_case_and_diacritics(client, disclosure):
    d = disclosure
    url = fund_url(d)
    for query in ("Nguyễn", "nguyen", "NGUY", "Nguyễn V.", "nguyen v b", "Nguyễn V. B."):
        assert names(client.get(url, {"q": query})) == ["Nguyễn V. B."], query
    assert names(client.get(url, {"q": "Nguyễn T."})) == []
    assert names(client.get(url, {"q": "Võ"})) == ["Võ T. H. (Khóm Đông Thịnh 1)"]
    assert names(client.get(url, {"q": "vo t h"})) == ["Võ T. H. (Khóm Đông Thịnh 1)"]


@pytest.mark.django_db
def test_search_never_confirms_a_hidden_name(client, disclosure):
    d = disclosure
    url = fund_url(d)
    # Whole or given names of people, one-word names, and names people asked to hide.
    for query in (
        "Nguyễn Văn Bình",
        "Văn Bình",
        "Bình",
        "binh",
        "Lê",
        "Lê Văn Dũng",
        "Dũng",
        "Võ Thị Hạnh",
        "Hạnh",
        "Thị Hạnh",
        "079123456789",
        "Lê Lợi",
        "FT2606500",  # part of a bank reference: a reference is matched whole only
        "Đặng",  # a household with no payment
    ):
        response = client.get(url, {"q": query})
        assert names(response) == [], query
        page = response.content.decode()
        assert "Không có khoản nào khớp" in page
        # The search box and the download links show back what was typed; the results must
        # not add anything.
        assert_nothing_personal(page.split('id="ket-qua"')[1].split('id="open-data"')[0])


@pytest.mark.django_db
def test_search_organisations_anonymous_purposes_and_receipt_numbers(client, disclosure):
    d = disclosure
    url = fund_url(d)
    assert names(client.get(url, {"q": "thuy san my thoi"})) == ["Công ty TNHH Thủy sản Mỹ Thới"]
    assert names(client.get(url, {"q": "LỚP 12a1"})) == ["Tập thể lớp 12A1"]
    assert names(client.get(url, {"q": "hảo tâm"})) == ["Nhà hảo tâm", "Nhà hảo tâm"]
    assert [row.reference for row in rows_of(client.get(url, {"q": "nước uống"}))] == ["13/QĐ-MTTQ"]
    assert [row.reference for row in rows_of(client.get(url, {"q": "quà tết"}))] == ["12/QĐ-MTTQ"]
    assert [row.reference for row in rows_of(client.get(url, {"q": "đông thịnh"}))] == [
        "12/QĐ-MTTQ"
    ]
    company = d.counted[2]
    for query in (str(company.receipt_number), company.receipt_label):
        found = client.get(url, {"q": query, "loai": "thu"})
        assert names(found) == ["Công ty TNHH Thủy sản Mỹ Thới"]


@pytest.mark.django_db
def test_amount_date_and_type_filters_with_totals_of_the_filtered_rows(client, disclosure):
    d = disclosure
    url = fund_url(d)
    response = client.get(url, {"so_tien_tu": "1.000.000", "so_tien_den": "4.000.000"})
    assert sorted(row.amount for row in rows_of(response)) == [
        1_000_000,
        1_500_000,
        2_500_000,
        4_000_000,
    ]
    totals = response.context["totals"]
    assert (totals.received, totals.in_kind_received, totals.paid) == (
        1_000_000 + 2_500_000,
        4_000_000,
        1_500_000,
    )
    page = response.content.decode()
    assert "3.500.000\u00a0đ" in page and "4.000.000\u00a0đ" in page and "1.500.000\u00a0đ" in page
    # The page's overall figures stay those of the whole fund.
    assert response.context["overall"].received == 14_700_000

    dated = client.get(url, {"tu_ngay": "07/03/2026", "den_ngay": "09/03/2026"})
    assert [row.day for row in rows_of(dated)] == [D(2026, 3, 9), D(2026, 3, 8), D(2026, 3, 7)]
    assert dated.context["totals"].received == 700_000 + 300_000 + 10_000_000

    receipts = client.get(url, {"loai": "thu"})
    assert {row.kind for row in rows_of(receipts)} == {"thu"}
    assert (receipts.context["totals"].received, receipts.context["totals"].paid) == (
        14_700_000,
        0,
    )
    payments = client.get(url, {"loai": "chi", "q": "Võ"})
    assert [row.amount for row in rows_of(payments)] == [1_500_000]
    assert payments.context["totals"].paid == 1_500_000

    combined = client.get(url, {"q": "nguyen", "so_tien_tu": "2.000.000"})
    assert rows_of(combined) == [] and combined.context["totals"].rows == 0


@pytest.mark.django_db
def test_invalid_filters_are_explained_in_vietnamese_and_not_applied(client, disclosure):
    d = disclosure
    response = client.get(
        fund_url(d),
        {"so_tien_tu": "1,5 triệu", "tu_ngay": "2026-13-45", "den_ngay": "31/02/2026"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhập một số nguyên" in page
    assert "Nhập ngày theo dạng ngày/tháng/năm" in page
    assert response.context["totals"].rows == 10
    swapped = client.get(fund_url(d), {"so_tien_tu": "5.000.000", "so_tien_den": "1.000.000"})
    assert "Số tiền đến phải lớn hơn hoặc bằng số tiền từ." in swapped.content.decode()


# Pagination -------------------------------------------------------------------------------


def _bulk_donations(fund, ward, user, count, *, first_number=1000):
    Donation.objects.bulk_create(
        Donation(
            campaign=fund,
            ward=ward,
            receipt_year=2026,
            receipt_number=first_number + i,
            received_on=D(2026, 5, 1) + datetime.timedelta(days=i // 7),
            donor_kind="individual",
            donor_name=f"Hoàng Văn Tư {i}",
            form="cash",
            channel="cash",
            amount=10_000 * (i + 1),
            recorded_by=user,
        )
        for i in range(count)
    )


@pytest.mark.django_db
def test_keyset_pages_cover_every_row_once_both_ways(client, disclosure):
    d = disclosure
    _bulk_donations(d.fund, d.world.ward_x, d.officer, 120)
    for day in (D(2026, 5, 1), D(2026, 5, 8), D(2026, 6, 1)):  # same days as receipts
        Disbursement.objects.create(
            campaign=d.fund,
            ward=d.world.ward_x,
            purpose="other",
            description="Chi hỗ trợ",
            amount=1_000,
            decision_reference=f"QĐ {day}",
            paid_on=day,
            recorded_by=d.officer,
        )
    url = fund_url(d)
    expected = 10 + 120 + 3
    first = client.get(url)
    assert first.context["totals"].rows == expected
    assert first.context["page_count"] == 3
    pages, response = [first], first
    while response.context["page"].has_older:
        page = response.context["page"]
        response = client.get(
            url, {"sau": page.older_cursor, "trang": response.context["page_number"] + 1}
        )
        pages.append(response)
    assert [len(rows_of(p)) for p in pages] == [50, 50, 33]
    assert [p.context["page_number"] for p in pages] == [1, 2, 3]
    keys = [row.key for p in pages for row in rows_of(p)]
    assert len(set(keys)) == expected
    assert keys == sorted(keys, reverse=True)
    assert "Trang 3 / 3" in pages[2].content.decode()
    # Back from the last page: the same rows as on the way forward.
    back = client.get(url, {"truoc": rows_of(pages[2])[0].cursor, "trang": 2})
    assert [row.key for row in rows_of(back)] == [row.key for row in rows_of(pages[1])]
    assert back.context["page"].has_newer and back.context["page"].has_older
    top = client.get(url, {"truoc": rows_of(back)[0].cursor, "trang": 1})
    assert [row.key for row in rows_of(top)] == [row.key for row in rows_of(first)]
    assert not top.context["page"].has_newer
    # A broken cursor shows the first page.
    assert rows_of(client.get(url, {"sau": "20261399-0-1-1"})) == rows_of(first)


@pytest.mark.django_db
def test_filters_are_kept_across_pages(client, disclosure):
    d = disclosure
    _bulk_donations(d.fund, d.world.ward_x, d.officer, 120)
    url = fund_url(d)
    first = client.get(url, {"q": "hoàng", "so_tien_tu": "100.000"})
    assert first.context["totals"].rows == 111
    page = first.content.decode()
    assert "q=ho%C3%A0ng" in page and "so_tien_tu=100.000" in page and "sau=" in page
    second = client.get(
        url, {"q": "hoàng", "so_tien_tu": "100.000", "sau": first.context["page"].older_cursor}
    )
    assert len(rows_of(second)) == 50
    assert all(row.amount >= 100_000 for row in rows_of(second))


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows(client, disclosure, django_assert_max_num_queries):
    d = disclosure
    url = fund_url(d)
    d.fund.bank_account_number = "0071000123456"
    d.fund.save()
    statement = factories.bank_statement(
        ward_obj=d.world.ward_x, user=d.officer, closing_balance=2_000_000
    )
    factories.statement_line(statement=statement, amount=2_500_000, donation=d.counted[1])
    factories.statement_line(statement=statement, amount=300_000)
    # Ward, campaign; for the search: per kind of donor it can match (people, organisations,
    # the unnamed: "h" matches all three) a total and a page, the reversed among them, and
    # payments' total and page; the fund's overall totals (donations, reversed, payments)
    # unless cached; the bank balance: the statement, the ward's lines, and unless cached the
    # donations by how they were checked and the payments after the statement.
    searched = {"q": "h", "so_tien_tu": "10.000"}
    bound = 2 + (3 + 1 + 1) + (3 + 1) + 3 + (2 + 2)
    with django_assert_max_num_queries(bound):
        client.get(url, searched)
    with django_assert_max_num_queries(bound - 3 - 2):  # overall and bank sums now cached
        client.get(url, searched)
    with django_assert_max_num_queries(2 + 3 + 2 + 2):
        client.get(url, {"loai": "", "q": ""})
    _bulk_donations(d.fund, d.world.ward_x, d.officer, 300)
    with django_assert_max_num_queries(bound):
        response = client.get(url, searched)
    assert response.context["totals"].rows > 300
    with django_assert_max_num_queries(bound):
        client.get(url, {"sau": rows_of(response)[-1].cursor, **searched})
    with django_assert_max_num_queries(2 + 3):
        client.get(reverse("campaigns:public_ward", args=[d.world.ward_x.code]))


@pytest.mark.django_db
def test_cached_totals_follow_new_donations_reversals_and_payments(client, disclosure):
    d = disclosure
    url = fund_url(d)
    ward_url = reverse("campaigns:public_ward", args=[d.world.ward_x.code])

    def figures():
        fund = {c.pk: c for c in client.get(ward_url).context["own_campaigns"]}[d.fund.pk]
        overall = client.get(url).context["overall"]
        assert (overall.received, overall.paid) == (fund.received, fund.paid)
        return overall.received, overall.paid

    assert figures() == (14_700_000, 1_900_000)
    late = gift(d.world, d.fund, 600_000, on=D(2026, 7, 1), donor_kind="anonymous")
    assert figures() == (15_300_000, 1_900_000)
    services.donation_reverse(donation=late, user=d.officer, reason="Nhầm quỹ", on=D(2026, 7, 2))
    assert figures() == (14_700_000, 1_900_000)
    payment(
        d.world,
        d.fund,
        100_000,
        on=D(2026, 7, 3),
        purpose="other",
        decision_reference="30/QĐ-MTTQ",
        description="Văn phòng phẩm",
    )
    assert figures() == (14_700_000, 2_000_000)


# CSV --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_has_bom_masked_names_filtered_rows_and_no_personal_data(client, disclosure):
    d = disclosure
    response = client.get(csv_url(d))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    lines = read_csv(response)
    assert lines[0][:3] == ["Ngày", "Loại", "Số biên nhận / số quyết định"]
    assert len(lines) == 1 + 10
    by_reference = {line[2]: line for line in lines[1:]}
    binh = by_reference[d.counted[0].receipt_label]
    binh_line = [
        *["05/03/2026", "Thu", "00001/2026", "Nguyễn V. B.", "Tiền mặt", "1000000", "", ""],
        *["Ghi tay: tiền mặt", ""],
    ]
    assert binh == binh_line
    assert by_reference[d.reversed.receipt_label][7] == "Đã điều chỉnh, không tính"
    assert by_reference["12/QĐ-MTTQ"][1:4] == ["Chi", "12/QĐ-MTTQ", "Võ T. H. (Khóm Đông Thịnh 1)"]
    counted = [line for line in lines[1:] if line[1] == "Thu" and not line[7]]
    assert len(counted) == len(d.counted)
    assert sum(int(line[5]) for line in counted if line[5]) == d.received
    assert sum(int(line[6]) for line in counted if line[6]) == d.in_kind
    assert_nothing_personal("\n".join(",".join(line) for line in lines))

    filtered = read_csv(client.get(csv_url(d), {"q": "hảo tâm", "loai": "thu"}))
    assert [line[3] for line in filtered[1:]] == ["Nhà hảo tâm", "Nhà hảo tâm"]
    same = read_csv(client.get(fund_url(d), {"q": "hảo tâm", "loai": "thu", "format": "csv"}))
    assert same == filtered
    page = client.get(fund_url(d), {"q": "hảo tâm"}).content.decode()
    assert csv_url(d) + "?q=h%E1%BA%A3o+t%C3%A2m" in page


@pytest.mark.django_db
def test_csv_cells_that_look_like_formulas_are_escaped(client, disclosure):
    d = disclosure
    for name in ('=HYPERLINK("http://x","y")', "+84 Công ty", "-Hội", "@SUM(A1)"):
        gift(d.world, d.fund, 100_000, on=D(2026, 6, 1), donor_kind="organisation", donor_name=name)
    lines = read_csv(client.get(csv_url(d), {"tu_ngay": "01/06/2026"}))
    assert sorted(line[3] for line in lines[1:]) == [
        "'+84 Công ty",
        "'-Hội",
        '\'=HYPERLINK("http://x","y")',
        "'@SUM(A1)",
    ]


# The search's building blocks -------------------------------------------------------------


def test_fold_text_drops_case_diacritics_and_extra_spaces():
    assert selectors.fold_text("  Nguyễn   Văn ĐỨC ") == "nguyen van duc"
    assert selectors.fold_text("Ỷ Lại Hưởng Ứng") == "y lai huong ung"
    decomposed = unicodedata.normalize("NFD", "Nguyễn Đức")
    assert selectors.fold_text(decomposed) == "nguyen duc"


@pytest.mark.django_db
def test_the_database_folds_names_like_python(disclosure):
    annotated = Donation.objects.annotate(
        folded=selectors.Folded("donor_name"),
        family=selectors.FamilyName("donor_name"),
    )
    for donation in annotated:
        assert donation.folded == selectors.fold_text(donation.donor_name)
        assert donation.family == selectors.family_name(donation.donor_name)
    assert {d.family for d in annotated} >= {"nguyen", "tran", "cong", None}


def test_masked_name_terms_accept_only_what_the_masked_form_shows():
    terms = selectors.masked_name_terms
    assert terms("nguyen") == ("nguyen", [])
    assert terms("nguyen v. a.") == ("nguyen", ["v", "a"])
    assert terms("nguyen v a") == ("nguyen", ["v", "a"])
    for query in ("nguyen van", "nguyen van binh", "nguyen v binh", "0791", "a.*", ""):
        assert terms(query) is None, query
