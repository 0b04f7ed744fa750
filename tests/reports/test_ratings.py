"""Ratings per year (xếp loại) and the catalogue gaps of issue 14, point 7.

A rating indicator counts, per category, how many were rated so (e.g. Ban công tác Mặt trận
rated "Vững mạnh"); the counts are typed once a year on the monthly entry form, a year's
figure is the year's latest count, communes add up, and each category's share is recomputed
from the counts. Expected figures are recomputed here from the rows the test wrote.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Q
from django.urls import reverse

from reports import services
from reports.dashboards.figures import rating_figures
from reports.documents import figures as document_figures
from reports.documents.models import Block, Document, Section
from reports.documents.outline import frame_defaults
from reports.models import Indicator, IndicatorValue, MonthlyReport, RatingCategory, RatingValue
from tests.figure_pages import html_table, page
from tests.reports.conftest import entry_opened, entry_url

D = datetime.date
DECEMBER = D(2025, 12, 1)
JUNE = D(2025, 6, 1)
CODE = "XL_BCTMT"
pytestmark = pytest.mark.django_db


def categories(code=CODE):
    return list(RatingCategory.objects.filter(indicator__code=code).order_by("display_order"))


def field(category, code=CODE):
    return f"r_{code}_{category.pk}"


def share_text(count, total):
    """One decimal, half up, decimal comma, no-break space before %: 10 of 11 → "90,9 %"."""
    rounded = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{rounded}".replace(".", ",") + "\u00a0%"


def rate(world, ward, period, counts, *, code=CODE, approved=True):
    """Rating counts {category name: count} saved for a ward's month, as the form saves them."""
    by_name = {c.name: c for c in categories(code)}
    report, _ = MonthlyReport.objects.get_or_create(ward=ward, period=period)
    services.report_save(
        report=report,
        user=world.users["admin"],
        entries={},
        rating_entries={(code, by_name[name].pk): count for name, count in counts.items()},
    )
    if approved:
        MonthlyReport.objects.filter(pk=report.pk).update(status=MonthlyReport.Status.APPROVED)
    return report


def counts_of(ward, period, code=CODE):
    """{category name: count} of the raw rows."""
    return dict(
        RatingValue.objects.filter(
            report__ward=ward, report__period=period, category__indicator__code=code
        ).values_list("category__name", "value")
    )


# --- The catalogue ---------------------------------------------------------------------------


def test_the_catalogue_has_two_ratings_with_ordered_categories_and_the_gaps_filled():
    for code in ("XL_MTTQ_TCTV", "XL_BCTMT"):
        rating = Indicator.objects.get(code=code)
        assert rating.kind == Indicator.Kind.RATING and rating.rollup == Indicator.Rollup.LAST
        assert [c.name for c in categories(code)] == [
            "Vững mạnh xuất sắc",
            "Vững mạnh",
            "Hoàn thành nhiệm vụ",
            "Chưa hoàn thành nhiệm vụ",
        ]
    stocks = Indicator.objects.filter(
        code__in=["TH_SO_CHIHOI", "TH_TOHOI_NN", "TQ_KHOKHAN"], kind="count", rollup="last"
    )
    assert stocks.count() == 3
    shares = Indicator.objects.filter(code__in=["TQ_TYLE_ONDINH", "TQ_TYLE_KHOKHAN"])
    assert {(i.kind, i.rollup) for i in shares} == {("ratio", "last")}


# --- The entry form --------------------------------------------------------------------------


def december_url(ward):
    return entry_url(ward, DECEMBER)


def test_rating_counts_are_typed_per_category_on_the_entry_form(world, login):
    client = login(world.users["ward_officer"])
    opened = client.get(december_url(world.ward_x))
    shown = opened.content.decode()
    assert "Xếp loại trong năm" in shown
    for category in categories():
        assert f'name="{field(category)}"' in shown
    initial = opened.context["form"].initial
    typed = dict(zip(categories(), ["3", "1.204", "", "1"], strict=True))
    data = {"version": initial["version"], "opened_at": initial["opened_at"].isoformat()}
    data.update({field(category): value for category, value in typed.items()})

    response = client.post(december_url(world.ward_x), data)

    assert response.status_code == 302
    assert counts_of(world.ward_x, DECEMBER) == {
        "Vững mạnh xuất sắc": 3,
        "Vững mạnh": 1204,
        "Chưa hoàn thành nhiệm vụ": 1,
    }
    assert not IndicatorValue.objects.filter(indicator__code=CODE).exists()
    again = client.get(december_url(world.ward_x)).content.decode()
    assert 'value="1.204"' in again

    # Emptied, a count is removed; the others stay.
    data = entry_opened_december(client, world.ward_x)
    data[field(categories()[0])] = ""
    assert client.post(december_url(world.ward_x), data).status_code == 302
    assert "Vững mạnh xuất sắc" not in counts_of(world.ward_x, DECEMBER)
    assert counts_of(world.ward_x, DECEMBER)["Vững mạnh"] == 1204


def entry_opened_december(client, ward):
    initial = client.get(december_url(ward)).context["form"].initial
    return {"version": initial["version"], "opened_at": initial["opened_at"].isoformat()}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-2", "Số liệu không được âm."),
        ("mười", "Nhập một số nguyên"),
        ("2,5", "Nhập một số nguyên"),
    ],
)
def test_a_bad_count_is_refused_in_vietnamese_and_what_was_typed_stays(
    world, login, typed, message
):
    client = login(world.users["ward_officer"])
    first, second = categories()[:2]
    data = entry_opened_december(client, world.ward_x)
    data.update({field(first): typed, field(second): "7"})

    response = client.post(december_url(world.ward_x), data)

    assert response.status_code == 400
    shown = response.content.decode()
    assert message in shown
    assert f'value="{typed}"' in shown and 'value="7"' in shown
    assert not RatingValue.objects.exists()


def test_the_groups_shares_are_computed_from_the_typed_counts(world, login):
    client = login(world.users["ward_officer"])
    data = {**entry_opened(client, world.ward_x), "v_TQ_TO": "22", "v_TQ_ONDINH": "20"}
    data["v_TQ_KHOKHAN"] = "2"

    assert client.post(entry_url(world.ward_x), data).status_code == 302

    saved = {
        v.indicator.code: (v.value, v.denominator)
        for v in IndicatorValue.objects.filter(report__ward=world.ward_x)
    }
    assert saved["TQ_TYLE_ONDINH"] == (saved["TQ_ONDINH"][0], saved["TQ_TO"][0])
    assert saved["TQ_TYLE_KHOKHAN"] == (saved["TQ_KHOKHAN"][0], saved["TQ_TO"][0])
    shown = client.get(entry_url(world.ward_x)).content.decode()
    assert f'20/22 <span class="text-muted">({share_text(20, 22)})</span>' in shown


def test_more_stable_and_struggling_groups_than_groups_is_an_error(world, save, report_x):
    save(report_x, TQ_TO=10, TQ_ONDINH=9, TQ_KHOKHAN=3)

    errors, _warnings, _outliers = services.report_check(report_x)

    assert [e.rule.left for e in errors] == ["TQ_ONDINH + TQ_KHOKHAN"]


# --- The ward dashboard ----------------------------------------------------------------------


def dashboard_table(client, ward, key, **params):
    url = reverse("reports:dashboard_ward", args=[ward.code])
    response = client.get(url, params)
    assert response.status_code == 200
    found = page(response).find("table", data_testid=f"table-{key}")
    return html_table(found) if found is not None else None


YEAR_2025 = {"tu": "01/2025", "den": "12/2025"}


def test_the_ward_dashboard_shows_the_years_counts_and_shares(world, login):
    rate(world, world.ward_x, JUNE, {"Vững mạnh xuất sắc": 1, "Vững mạnh": 1})
    rate(
        world,
        world.ward_x,
        DECEMBER,
        {"Vững mạnh xuất sắc": 4, "Vững mạnh": 6, "Hoàn thành nhiệm vụ": 1},
    )
    # A draft of another rating does not count on a page of approved reports.
    rate(world, world.ward_x, D(2025, 11, 1), {"Vững mạnh": 9}, code="XL_MTTQ_TCTV", approved=False)
    client = login(world.users["ward_officer"])

    table = dashboard_table(client, world.ward_x, "xep-loai-xl-bctmt", **YEAR_2025)

    # The year's figure is December's (the latest month), not June's added to it.
    counts = counts_of(world.ward_x, DECEMBER)
    total = sum(counts.values())
    expected = [
        [c.name, str(counts[c.name]) if c.name in counts else "—",
         share_text(counts[c.name], total) if c.name in counts else "—"]
        for c in categories()
    ]  # fmt: skip
    assert table.rows == [*expected, ["Tổng số", str(total), ""]]
    assert share_text(6, 11) == "54,5\u00a0%"  # the share of 6 in 11, one decimal
    assert dashboard_table(client, world.ward_x, "xep-loai-xl-mttq-tctv", **YEAR_2025) is None
    drafts = dashboard_table(client, world.ward_x, "xep-loai-xl-mttq-tctv", **YEAR_2025, nhap=1)
    assert drafts.rows[1] == ["Vững mạnh", "9", "100,0\u00a0%"]


def test_a_period_ending_before_december_shows_the_older_count_with_its_month(world, login):
    rate(world, world.ward_x, JUNE, {"Vững mạnh": 2, "Hoàn thành nhiệm vụ": 1})
    client = login(world.users["ward_officer"])
    url = reverse("reports:dashboard_ward", args=[world.ward_x.code])

    shown = client.get(url, {"tu": "01/2025", "den": "09/2025"}).content.decode()

    assert "(số liệu tháng 06/2025)" in shown
    table = dashboard_table(client, world.ward_x, "xep-loai-xl-bctmt", tu="01/2025", den="09/2025")
    assert table.rows[1] == ["Vững mạnh", "2", share_text(2, 3)]


# --- The province: communes add up ----------------------------------------------------------


def test_a_province_adds_up_its_communes_by_category(world):
    rate(world, world.ward_x, DECEMBER, {"Vững mạnh xuất sắc": 2, "Vững mạnh": 8})
    rate(world, world.ward_y, DECEMBER, {"Vững mạnh": 1, "Chưa hoàn thành nhiệm vụ": 1})
    rate(world, world.ward_z, DECEMBER, {"Vững mạnh": 50})  # another province
    months = [D(2025, m, 1) for m in range(1, 13)]

    (rating,) = rating_figures(Q(report__ward__province=world.province_a), months)

    summed = {}
    for ward in (world.ward_x, world.ward_y):
        for name, count in counts_of(ward, DECEMBER).items():
            summed[name] = summed.get(name, 0) + count
    total = sum(summed.values())
    got = {line.category.name: (line.figure.value, line.share) for line in rating.lines}
    for category in categories():
        count = summed.get(category.name)
        assert got[category.name][0] == count
        if count is not None:
            # The share of the summed counts, never an average of each commune's shares.
            assert got[category.name][1] == Decimal(count) * 100 / Decimal(total)
    assert rating.total == total == 12


# --- A document's figure block ---------------------------------------------------------------


def test_a_documents_indicator_block_shows_the_rating_table(world, login):
    rate(world, world.ward_x, D(2024, 12, 1), {"Vững mạnh": 5, "Hoàn thành nhiệm vụ": 5})
    rate(world, world.ward_x, DECEMBER, {"Vững mạnh xuất sắc": 1, "Vững mạnh": 10})
    ward = world.ward_x
    start, end = D(2025, 1, 1), D(2025, 12, 31)
    frame = frame_defaults(ward, Document.Kind.YEAR, start, end)
    frame.update(previous_starts_on=D(2024, 1, 1), previous_ends_on=D(2024, 12, 31))
    document = Document.objects.create(
        ward=ward,
        kind=Document.Kind.YEAR,
        starts_on=start,
        ends_on=end,
        issued_on=end,
        created_by=world.users["ward_officer"],
        **frame,
    )
    section = Section.objects.create(
        document=document, position=1, level=Section.Level.ROMAN, heading="Củng cố tổ chức"
    )
    block = Block.objects.create(
        section=section, position=1, kind=Block.Kind.INDICATORS, options={"codes": [CODE]}
    )
    block.snapshot = document_figures.compute(block)
    block.save()
    client = login(world.users["ward_officer"])

    response = client.get(reverse("reports:document_preview", args=[ward.code, document.pk]))

    assert response.status_code == 200
    (table,) = [html_table(t) for t in page(response).find_all("table", class_="figures")]
    now, before = counts_of(ward, DECEMBER), counts_of(ward, D(2024, 12, 1))
    total, total_before = sum(now.values()), sum(before.values())
    rating = Indicator.objects.get(code=CODE)
    assert table.rows[0][:3] == [rating.name, "ban", str(total)]
    assert table.rows[0][4] == str(total_before)
    assert table.rows[1][:4] == ["– Vững mạnh xuất sắc", "ban", "1", share_text(1, total)]
    assert table.rows[2][:5] == ["– Vững mạnh", "ban", "10", share_text(10, total), "5"]
    assert table.rows[2][5] == "tăng 100,0\u00a0%"
    assert table.rows[3][2:4] == ["—", ""]
    assert "tỷ lệ của từng loại tính trên tổng số được xếp loại" in response.content.decode()
