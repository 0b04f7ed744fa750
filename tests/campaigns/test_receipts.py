"""The donation receipt PDF: its content, its font, who may open it, and what it may fetch."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont

from campaigns import receipts, services
from campaigns.models import Campaign
from core.printing import FetchRefused, StaticFileFetcher, render_pdf, static_dir
from tests import readers
from tests.campaigns.builders import campaign_of, gift

HOSTILE_NAME = '<img src="file:///etc/passwd"> <script>x</script>'


@pytest.fixture
def receipt_fund(world):
    return campaign_of(world.ward_x, name="Quỹ Vì người nghèo năm 2026")


@pytest.fixture
def officer(world):
    user = world.users["ward_officer"]
    user.last_name, user.first_name = "Nguyễn", "Thị Lan"
    user.save(update_fields=["last_name", "first_name"])
    return user


@pytest.fixture
def record(world, receipt_fund, officer):
    def _record(**fields):
        fields = {"amount": 1_804_000_000, "donor_name": "Trần Văn Bình", **fields}
        return gift(world, receipt_fund, on=datetime.date(2026, 3, 5), user=officer, **fields)

    return _record


def receipt_url(donation, code=None):
    return reverse("campaigns:receipt_pdf", args=[code or donation.ward.code, donation.pk])


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """Page count and the text of every page as one line."""
    pages = readers.pdf_pages(pdf)
    return len(pages), " ".join(pages)


def fetch_receipt(login, user, donation):
    response = login(user).get(receipt_url(donation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pdf_text(response.content)


@pytest.mark.django_db
def test_it_renders_a_one_page_receipt_with_number_amount_and_words(world, record, login, officer):
    for _ in range(11):
        record(amount=100_000)
    donation = record(donor_address="Khóm Đông Thịnh 1, phường Mỹ Thới")

    response = login(officer).get(receipt_url(donation))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bien-nhan-30301-2026-00012.pdf"'
    assert "no-store" in response["Cache-Control"]
    pages, text = pdf_text(response.content)
    assert pages == 1
    for expected in [
        "ỦY BAN MTTQ VIỆT NAM",
        "PHƯỜNG MỸ THỚI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 00012/2026",
        "Mỹ Thới, ngày 05 tháng 3 năm 2026",
        "BIÊN NHẬN",
        "Trần Văn Bình",
        "Khóm Đông Thịnh 1, phường Mỹ Thới",
        "Quỹ Vì người nghèo năm 2026",
        "Tiền mặt",
        "1.804.000.000 đồng",
        "(Bằng chữ: Một tỷ tám trăm lẻ bốn triệu đồng.)",
        "NGƯỜI NỘP",
        "NGƯỜI NHẬN",
        "Nguyễn Thị Lan",
    ]:
        assert expected in text
    assert "ĐIỀU CHỈNH" not in text


@pytest.mark.django_db
def test_an_anonymous_donor_is_named_nha_hao_tam(world, record, login):
    donation = record(donor_kind="anonymous", donor_name="")

    _, text = fetch_receipt(login, world.users["ward_officer"], donation)

    assert "Nhà hảo tâm" in text


@pytest.mark.django_db
def test_a_bank_transfer_shows_its_reference(world, record, login):
    donation = record(channel="bank", bank_reference="FT26064123456789")

    _, text = fetch_receipt(login, world.users["ward_officer"], donation)

    assert "Chuyển khoản (mã giao dịch: FT26064123456789)" in text


@pytest.mark.django_db
def test_an_in_kind_donation_shows_goods_quantity_and_converted_value(world, record, login):
    donation = record(
        form="in_kind",
        channel="other",
        in_kind_description="Gạo ST25",
        in_kind_quantity=Decimal("1500.00"),
        in_kind_unit="kg",
        amount=30_000_000,
    )

    _, text = fetch_receipt(login, world.users["ward_officer"], donation)

    assert "Hiện vật: Gạo ST25" in text
    assert "Số lượng: 1.500 kg" in text
    assert "Giá trị quy đổi: 30.000.000 đồng" in text
    assert "(Bằng chữ: Ba mươi triệu đồng.)" in text


@pytest.mark.django_db
def test_a_reversed_donation_is_marked_void_with_its_reason(world, record, login, officer):
    donation = record()
    services.donation_reverse(
        donation=donation,
        user=officer,
        reason="Ghi nhầm số tiền, đã lập biên nhận khác.",
        on=datetime.date(2026, 3, 6),
    )

    pages, text = fetch_receipt(login, world.users["party_viewer"], donation)

    assert pages == 1
    assert "ĐÃ ĐIỀU CHỈNH – không còn hiệu lực" in text
    assert "Lý do: Ghi nhầm số tiền, đã lập biên nhận khác." in text
    assert "06/03/2026" in text


@pytest.mark.django_db
def test_money_stays_integer_beyond_float_precision(world, record, login):
    amount = 2**53 + 1  # 9.007.199.254.740.993: a float would round it to …992.
    donation = record(amount=amount)
    donation.refresh_from_db()
    assert donation.amount == amount and isinstance(donation.amount, int)

    _, text = fetch_receipt(login, world.users["ward_officer"], donation)

    assert "9.007.199.254.740.993 đồng" in text
    assert "chín trăm chín mươi ba đồng." in text


@pytest.mark.django_db
def test_the_longest_allowed_fields_still_fit_one_page(world, record, login, officer):
    long = "Nguyễn Văn Một Hai Ba " * 12  # 264 characters, cut to each field's maximum
    donation = record(
        donor_name=long[:255],
        donor_address=long[:255],
        channel="bank",
        bank_reference="X" * 100,
        note=long[:255],
    )
    Campaign.objects.filter(pk=donation.campaign_id).update(name=long[:255])
    services.donation_reverse(
        donation=donation, user=officer, reason=(long * 2)[:500], on=donation.received_on
    )

    pages, _ = fetch_receipt(login, world.users["ward_officer"], donation)

    assert pages == 1


@pytest.mark.django_db
def test_the_embedded_font_is_the_bundled_liberation_serif(world, record):
    pdf = receipts.receipt_pdf(record())

    fonts = readers.pdf_reader(pdf).pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in (ref.get_object() for ref in fonts.values()):
        # The private family name of print.css: no installed font can answer to it.
        assert "MTTQ-Serif" in font["/BaseFont"]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        assert program["name"].getDebugName(6).startswith("LiberationSerif")
        # The bundled 2.1.5, not the system's fonts-liberation 1.x.
        assert program["name"].getDebugName(5) == "Version 2.1.5"


@pytest.mark.django_db
def test_a_hostile_donor_name_is_printed_as_text_and_nothing_is_fetched(world, record, login):
    donation = record(donor_name=HOSTILE_NAME)
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in receipts.receipt_html(donation)
    fetched = []
    real_fetch = StaticFileFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    with mock.patch.object(StaticFileFetcher, "fetch", spy):
        _, text = fetch_receipt(login, world.users["ward_officer"], donation)

    assert HOSTILE_NAME in text
    assert not [url for url in fetched if "passwd" in url]
    # Only the stylesheet and the four bundled fonts, all under static/.
    assert len(fetched) >= 2
    root = static_dir().as_uri()
    assert all(url.startswith(root) for url in fetched), fetched


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/print.css",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
        "file:///static/fonts/../../pyproject.toml",
        "file://attacker.example/static/documents/print.css",
        "data:text/css,body{background:url(http://169.254.169.254/)}",
        "ftp://example.com/font.ttf",
    ],
)
def test_the_fetcher_refuses_anything_outside_static(url):
    with pytest.raises(FetchRefused):
        StaticFileFetcher().fetch(url)


def test_the_fetcher_refuses_files_beside_static_and_symlinks_leaving_it(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "link.txt").symlink_to(secret)
    fetcher = StaticFileFetcher(root=root)

    for url in [secret.as_uri(), (root / "link.txt").as_uri(), (root / "missing.css").as_uri()]:
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    with pytest.raises(FetchRefused):
        fetcher.fetch(root.as_uri())  # a directory, not a file


@pytest.mark.parametrize(
    "url",
    [
        "{base}fonts/liberation/LiberationSerif-Regular.ttf",
        "file:///static/fonts/liberation/LiberationSerif-Regular.ttf",
    ],
)
def test_the_fetcher_serves_a_bundled_font(url):
    fetcher = StaticFileFetcher()
    font = static_dir() / "fonts" / "liberation" / "LiberationSerif-Regular.ttf"

    response = fetcher.fetch(url.format(base=fetcher.base_url))

    assert response.read() == font.read_bytes()
    assert response.url == font.as_uri()


def test_the_stylesheet_is_served_as_css():
    fetcher = StaticFileFetcher()

    response = fetcher.fetch(fetcher.base_url + "documents/print.css")

    assert response.content_type == "text/css"


def test_render_pdf_never_opens_a_connection_or_reads_outside_static():
    html = (
        '<html><head><link rel="stylesheet" href="http://169.254.169.254/x.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head>'
        '<body><img src="http://169.254.169.254/latest/meta-data/">'
        '<img src="/etc/passwd"><img src="../../etc/passwd">'
        '<p style="background: url(https://example.com/x.png)">x</p></body></html>'
    )
    asked = []
    real_fetch = StaticFileFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    with (
        mock.patch.object(StaticFileFetcher, "fetch", spy),
        mock.patch("socket.create_connection") as connect,
        mock.patch("socket.getaddrinfo") as resolve,
    ):
        pdf = render_pdf(html)

    # WeasyPrint asked for each URL; the fetcher refused them without touching the network.
    assert "http://169.254.169.254/x.css" in asked
    assert "file:///etc/passwd" in asked
    connect.assert_not_called()
    resolve.assert_not_called()
    assert pdf.startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["ward_officer", "ward_chair", "party_viewer", "province_officer"])
def test_readers_of_the_ward_open_the_receipt(world, record, login, role):
    response = login(world.users[role]).get(receipt_url(record()))

    assert response.status_code == 200


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_log_in(world, record, client):
    url = receipt_url(record())

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_other_wards_and_unassigned_users_get_404(world, record, login):
    donation = record()
    other_ward = world.ward_y.code

    assert login(world.users["unassigned"]).get(receipt_url(donation)).status_code == 404
    # The donation under another ward's code, seen by someone who may read both wards.
    province = login(world.users["province_officer"])
    assert province.get(receipt_url(donation, code=other_ward)).status_code == 404
    # A ward officer asking for another ward.
    officer = login(world.users["ward_officer"])
    assert officer.get(receipt_url(donation, code=other_ward)).status_code == 404
    missing = reverse("campaigns:receipt_pdf", args=[world.ward_x.code, donation.pk + 1000])
    assert officer.get(missing).status_code == 404


@pytest.mark.django_db
def test_the_receipt_cannot_be_posted(world, record, login):
    response = login(world.users["ward_officer"]).post(receipt_url(record()))

    assert response.status_code == 405


def test_the_url_is_the_documented_one():
    assert reverse("campaigns:receipt_pdf", args=["30301", 7]) == (
        "/phuong-xa/30301/ung-ho/7/bien-nhan.pdf"
    )
