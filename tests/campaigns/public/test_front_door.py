"""The public front door (/cong-khai/): provinces → communes → their funds, and a search by
name that ignores case and diacritics."""

import datetime
import re
import unicodedata

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaigns.models import Campaign
from campaigns.public import directory
from tests import factories
from wards.models import Ward

DIRECTORY = reverse("campaigns:public_directory")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    # As in production: anonymous visitors' pages are cached by the catalogue's version.
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def text_of(response) -> str:
    """The page's visible text, one space between words."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def found_names(response) -> list[str]:
    """The names of the communes a results page links to, in order."""
    html = response.content.decode()
    return re.findall(r'<a class="commune-name" href="/cong-khai/[^"/]+/">([^<]+)</a>', html)


def fold(text: str) -> str:
    """Recomputed here, not taken from the code under test: lower case, no marks, đ as d."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("Đ", "D").replace("đ", "d").lower()


@pytest.fixture
def communes(world):
    """Communes whose names share syllables, in both provinces of the world."""
    names = [
        "Xã Mỹ Thạnh",
        "Phường Thới Sơn",
        "Xã Đông Hòa",
        "Xã Dương Minh Châu",
        "Phường Đồng Thới Mỹ",
        "Xã Mỹ Hội Đông",
    ]
    made = {name: factories.ward(province_obj=world.province_a, name=name) for name in names[:4]}
    made |= {name: factories.ward(province_obj=world.province_b, name=name) for name in names[4:]}
    made["Phường Mỹ Thới"] = world.ward_x
    made["Phường Long Xuyên"] = world.ward_y
    made["Phường Hoàn Kiếm"] = world.ward_z
    return made


def expected_matches(communes, query) -> set[str]:
    """Names with a word starting with the folded query, computed from the names alone."""
    folded = " ".join(fold(query).split())
    return {
        name for name in communes if fold(name).startswith(folded) or f" {folded}" in fold(name)
    }


@pytest.mark.parametrize(
    "query",
    [
        "my thoi",
        "MỸ THỚI",
        "Mỹ Thới",
        "mỹ thới",
        "phuong my thoi",
        "  my   thoi ",
        "thoi",
        "dong",
        "Đông",
        "DONG HOA",
        "duong",
        "my",
    ],
)
def test_search_finds_communes_by_name_with_or_without_diacritics(client, communes, query):
    response = client.get(DIRECTORY, {"q": query})
    assert response.status_code == 200
    expected = expected_matches(communes, query)
    assert expected, "the case must find something"
    assert set(found_names(response)) == expected
    assert f"{len(expected)} phường, xã" in text_of(response)


def test_my_thoi_finds_phuong_my_thoi_first_and_links_to_its_public_page(client, communes, world):
    for query in ("my thoi", "MỸ THỚI", "phuong my thoi"):
        response = client.get(DIRECTORY, {"q": query})
        assert found_names(response)[0] == "Phường Mỹ Thới"
        assert f'href="/cong-khai/{world.ward_x.code}/"' in response.content.decode()


def test_search_matches_the_start_of_a_word_only(client, communes):
    # "hoi" is inside "Thới" and "Hội" starts a word: only the latter.
    response = client.get(DIRECTORY, {"q": "hoi"})
    assert found_names(response) == ["Xã Mỹ Hội Đông"]


def test_d_and_dj_are_the_same_letter_either_way(client, communes):
    with_d = set(found_names(client.get(DIRECTORY, {"q": "dong thoi"})))
    with_dj = set(found_names(client.get(DIRECTORY, {"q": "Đồng Thới"})))
    assert with_d == with_dj == {"Phường Đồng Thới Mỹ"}


def test_search_names_the_province_and_the_communes_public_funds(client, communes, world):
    fund = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo 2026")
    movement = factories.fund(ward_obj=world.ward_x, name="Ngày Chủ nhật xanh", kind="movement")
    page = client.get(DIRECTORY, {"q": "my thoi"})
    html, text = page.content.decode(), text_of(page)
    assert f'href="/cong-khai/{world.ward_x.code}/{fund.pk}/"' in html
    assert movement.name not in text  # a movement holds no money: not disclosed
    assert "Phường Mỹ Thới · Tỉnh An Giang" in text


def test_abolished_communes_are_not_listed_but_lead_to_their_successor(client, communes, world):
    former = factories.former_ward(successors=[world.ward_x], name="Xã Mỹ Thạnh Cũ")
    factories.fund(ward_obj=former, name="Quỹ xã cũ đã giải thể")
    response = client.get(DIRECTORY, {"q": "my thanh cu"})
    assert found_names(response) == []  # no current commune of that name
    text = text_of(response)
    assert "Phường, xã cũ (trước sắp xếp năm 2025)" in text
    assert "Xã Mỹ Thạnh Cũ" in text
    assert f"Nay thuộc: {world.ward_x.name}, {world.province_a.name}" in text
    assert f'href="/cong-khai/{world.ward_x.code}/"' in response.content.decode()
    assert "Quỹ xã cũ đã giải thể" not in text
    assert f'href="/cong-khai/{former.code}/"' not in response.content.decode()


def test_nothing_found_says_so_and_suggests_how_to_search(client, communes):
    response = client.get(DIRECTORY, {"q": "Không Có Xã Này"})
    assert response.status_code == 200
    text = text_of(response)
    assert "0 phường, xã" in text
    assert "Không tìm thấy phường, xã nào có tên bắt đầu bằng “Không Có Xã Này”." in text
    assert 'value="Không Có Xã Này"' in response.content.decode()  # what was typed is kept


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("m", "Nhập ít nhất 2 chữ của tên phường, xã"),
        ("x" * 101, "Tên phường, xã dài tối đa 100 ký tự."),
    ],
)
def test_bad_queries_are_refused_in_vietnamese_with_the_text_kept(client, world, query, message):
    response = client.get(DIRECTORY, {"q": query})
    assert response.status_code == 400
    assert message in text_of(response)
    assert f'value="{query}"' in response.content.decode()


def test_wildcards_are_plain_text_and_spaces_are_no_search(client, communes):
    response = client.get(DIRECTORY, {"q": "%_"})
    assert response.status_code == 200
    assert found_names(response) == []
    assert "Không tìm thấy phường, xã nào" in text_of(response)
    spaces = client.get(DIRECTORY, {"q": "    "})
    assert spaces.status_code == 200
    assert "Tỉnh An Giang" in text_of(spaces) and found_names(spaces) == []


def test_front_door_lists_every_province_with_counts_of_current_communes_and_public_funds(
    client, world
):
    former = factories.former_ward(successors=[world.ward_x])
    factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo 2026")
    factories.fund(ward_obj=world.ward_y, name="Quỹ nhà Đại đoàn kết", kind="housing")
    factories.fund(ward_obj=world.ward_y, name="Phong trào", kind="movement")
    factories.fund(ward_obj=former, name="Quỹ của xã cũ")
    factories.province_drive(province_obj=world.province_a, name="Cứu trợ bão lũ")
    text = text_of(client.get(DIRECTORY))
    # Recomputed from the rows: current communes; funds and housing programmes (not movements)
    # of current communes, and the province's own.
    a_communes = Ward.objects.filter(province=world.province_a).count()
    a_funds = (
        Campaign.objects.filter(ward__province=world.province_a, ward__abolished_on=None)
        .exclude(kind="movement")
        .count()
        + Campaign.objects.filter(province=world.province_a).count()
    )
    assert (a_communes, a_funds) == (2, 3)
    assert f"Tỉnh An Giang {a_communes} phường, xã · {a_funds} quỹ, cuộc vận động công khai" in text
    assert "Thành phố Hà Nội 1 phường, xã · chưa có quỹ công khai" in text
    # Vietnamese order of the names without "Tỉnh" / "Thành phố": An Giang before Hà Nội.
    assert text.index("Tỉnh An Giang") < text.index("Thành phố Hà Nội")


def test_front_door_shows_provinces_drives_under_way(client, world):
    drive = factories.province_drive(province_obj=world.province_a, name="Cứu trợ bão số 3")
    factories.province_drive(province_obj=world.province_b, name="Đã xong", status="closed")
    response = client.get(DIRECTORY)
    html = response.content.decode()
    assert f'href="/cong-khai/tinh/{world.province_a.code}/{drive.pk}/"' in html
    assert "Cứu trợ bão số 3" in text_of(response)
    assert "Đã xong" not in text_of(response)


def test_empty_catalogue_says_so(client, db):
    text = text_of(client.get(DIRECTORY))
    assert "Chưa có tỉnh, thành phố nào trong danh mục." in text


def province_url(province, **query):
    url = reverse("campaigns:public_province", args=[province.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_province_page_lists_only_current_communes_and_only_public_funds(client, world):
    former = factories.former_ward(successors=[world.ward_x], name="Xã Cũ Đã Sáp Nhập")
    fund = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo 2026")
    housing = factories.fund(ward_obj=world.ward_y, name="Nhà Đại đoàn kết", kind="housing")
    factories.fund(ward_obj=world.ward_x, name="Phong trào Ngày Chủ nhật xanh", kind="movement")
    factories.fund(ward_obj=former, name="Quỹ xã cũ")
    factories.fund(ward_obj=world.ward_z, name="Quỹ phường Hoàn Kiếm")
    drive = factories.province_drive(province_obj=world.province_a, name="Cứu trợ bão lũ")
    factories.province_drive(
        province_obj=world.province_a, name="Phong trào của tỉnh", kind="movement"
    )
    response = client.get(province_url(world.province_a))
    assert response.status_code == 200
    html, text = response.content.decode(), text_of(response)
    assert found_names(response) == ["Phường Long Xuyên", "Phường Mỹ Thới"]
    assert "Phường, xã (2)" in text
    for shown in (fund, housing):
        assert f'href="/cong-khai/{shown.ward.code}/{shown.pk}/"' in html
    assert f'href="/cong-khai/tinh/{world.province_a.code}/{drive.pk}/"' in html
    for hidden in (
        "Xã Cũ Đã Sáp Nhập",
        "Phong trào Ngày Chủ nhật xanh",
        "Quỹ xã cũ",
        "Quỹ phường Hoàn Kiếm",
        "Phong trào của tỉnh",
        "Phường Hoàn Kiếm",
    ):
        assert hidden not in text


def test_province_page_orders_communes_by_name_without_their_kind(client, world):
    for name in ("Xã Bình Hòa", "Phường Ánh Sáng", "Xã Đa Phước", "Phường Châu Đốc"):
        made = factories.ward(province_obj=world.province_a, name=name)
        if name.startswith("Xã "):
            Ward.objects.filter(pk=made.pk).update(kind=Ward.Kind.COMMUNE)
    assert found_names(client.get(province_url(world.province_a))) == [
        "Phường Ánh Sáng",
        "Xã Bình Hòa",
        "Phường Châu Đốc",
        "Xã Đa Phước",
        "Phường Long Xuyên",
        "Phường Mỹ Thới",
    ]


def test_province_search_stays_in_the_province(client, communes, world):
    response = client.get(province_url(world.province_a, q="thoi"))
    expected = {
        name
        for name in expected_matches(communes, "thoi")
        if communes[name].province_id == world.province_a.pk
    }
    assert set(found_names(response)) == expected == {"Phường Mỹ Thới", "Phường Thới Sơn"}
    nothing = client.get(province_url(world.province_a, q="hoan kiem"))
    assert found_names(nothing) == []
    assert "không có phường, xã nào có tên bắt đầu bằng “hoan kiem”" in text_of(nothing)
    assert "/cong-khai/?q=hoan%20kiem" in nothing.content.decode()


def test_a_large_province_is_paged(client, world):
    for number in range(120):
        factories.ward(province_obj=world.province_a, name=f"Xã Thử Nghiệm {number:03d}")
    first = client.get(province_url(world.province_a))
    total = Ward.objects.filter(province=world.province_a).count()
    assert total == 122
    assert len(found_names(first)) == directory.COMMUNES_PER_PAGE
    assert f"Phường, xã ({total})" in text_of(first)
    assert "Trang 1 / 3" in text_of(first)
    last = client.get(province_url(world.province_a, trang=3))
    assert len(found_names(last)) == total - 2 * directory.COMMUNES_PER_PAGE
    beyond = client.get(province_url(world.province_a, trang="abc"))
    assert found_names(beyond) == found_names(first)


def test_an_unknown_province_is_a_vietnamese_404(client, world):
    response = client.get(reverse("campaigns:public_province", args=["99"]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_empty_province_says_so(client, world):
    lonely = factories.province(code="77", name="Tỉnh Trống")
    text = text_of(client.get(province_url(lonely)))
    assert "Tỉnh Trống chưa có cuộc vận động nào được công khai." in text
    assert "Tỉnh Trống chưa có phường, xã nào trong danh mục." in text


def _many_communes(province, count):
    for number in range(count):
        ward = factories.ward(province_obj=province, name=f"Phường Mỹ Thới {number:03d}")
        factories.fund(ward_obj=ward, name=f"Quỹ {number}")
        factories.fund(ward_obj=ward, name=f"Nhà {number}", kind="housing")


@pytest.mark.parametrize(
    "url",
    [
        lambda world: DIRECTORY,
        lambda world: DIRECTORY + "?q=my+thoi",
        lambda world: province_url(world.province_a),
        lambda world: province_url(world.province_a, q="my"),
    ],
    ids=["directory", "search", "province", "province-search"],
)
def test_query_count_does_not_grow_with_communes(client, world, settings, url):
    settings.PAGE_CACHE_SECONDS = 0  # every request builds the page
    factories.province_drive(province_obj=world.province_a, name="Cứu trợ bão lũ")
    _many_communes(world.province_a, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url(world)).status_code == 200
    _many_communes(world.province_a, 60)
    factories.former_ward(successors=[world.ward_x], name="Phường Mỹ Thới Cũ")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(world)).status_code == 200
    # The former commune's lookup runs whether or not any is found.
    assert len(many) <= len(few) + 1
    assert len(many) <= 8


def test_anonymous_pages_come_from_the_cache_until_the_catalogue_changes(
    client, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.get(province_url(world.province_a))
    with django_assert_max_num_queries(0):
        assert "Phường Mỹ Thới" in text_of(client.get(province_url(world.province_a)))
    with django_capture_on_commit_callbacks(execute=True):
        factories.fund(ward_obj=world.ward_x, name="Quỹ mới mở")
    assert "Quỹ mới mở" in text_of(client.get(province_url(world.province_a)))


# --- Links to the front door -----------------------------------------------------------------


def test_login_page_links_prominently_to_the_front_door(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    link = re.search(r'<a class="btn [^"]*btn-lg[^"]*" href="/cong-khai/">([^<]+)</a>', html)
    assert link and link[1] == "Tra cứu công khai các quỹ"
    # The anonymous navigation bar has it too.
    assert re.search(r'<nav class="navbar[^>]*>.*href="/cong-khai/".*</nav>', html, re.S)


def test_anonymous_home_still_goes_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_public_page_leads_back_to_the_front_door_and_its_province(client, world):
    fund = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo 2026")
    drive = factories.province_drive(province_obj=world.province_a, name="Cứu trợ bão lũ")
    province_page = f'href="/cong-khai/tinh/{world.province_a.code}/"'
    pages = {
        "ward": reverse("campaigns:public_ward", args=[world.ward_x.code]),
        "fund": reverse("campaigns:public_fund", args=[world.ward_x.code, fund.pk]),
        "drive": reverse("campaigns:public_drive", args=[world.province_a.code, drive.pk]),
        "drive_ward": reverse(
            "campaigns:public_drive_ward", args=[world.province_a.code, drive.pk, world.ward_x.code]
        ),
        "province": province_url(world.province_a),
        "search": DIRECTORY + "?q=my+thoi",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', response.content.decode(), re.S)
        assert crumbs, name
        assert 'href="/cong-khai/">Công khai</a>' in crumbs[1], name
        if name not in ("province", "search"):
            assert province_page in crumbs[1], name
    fund_crumbs = re.search(
        r'<ol class="breadcrumb">(.*?)</ol>', client.get(pages["fund"]).content.decode(), re.S
    )[1]
    # Province → commune → fund.
    trail = " ".join(re.sub(r"<[^>]+>", " ", fund_crumbs).split())
    assert trail == "Công khai Tỉnh An Giang Phường Mỹ Thới Quỹ Vì người nghèo 2026"


def test_officers_see_their_own_navigation_not_the_public_link(client, login, world):
    page = login(world.users["ward_officer"]).get(DIRECTORY).content.decode()
    assert "Đăng xuất" in page
    assert "Tra cứu công khai</a>" not in page  # the anonymous bar's link


def test_the_dates_shown_are_dd_mm_yyyy(client, world):
    factories.province_drive(
        province_obj=world.province_a, name="Cứu trợ", starts_on=datetime.date(2026, 3, 5)
    )
    assert "từ 05/03/2026" in text_of(client.get(province_url(world.province_a)))


INDEX = "wards_ward_folded_name_trgm"  # campaigns/migrations/0016_commune_name_search_index.py


def test_the_name_search_has_its_trigram_index_on_postgresql(communes):
    """Migration 0016: on PostgreSQL the folded name has its trigram index (a table this tiny
    is scanned whole whatever the planner is told, so the index is checked where it is
    defined); SQLite has no such index and finds the same communes."""
    from django.db import connection

    matches = Ward.objects.filter(directory._name_matches("my thoi"))
    assert set(matches.values_list("name", flat=True)) == expected_matches(communes, "my thoi")
    if connection.vendor != "postgresql":
        assert "trgm" not in str(matches.query)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX])
        definition = cursor.fetchone()
    assert definition and "gin_trgm_ops" in definition[0] and "mttq_fold((name)" in definition[0]
