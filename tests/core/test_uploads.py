"""Uploads are judged by size and content: spreadsheets, bank statements and house photos."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from campaigns.models import Donation, House, Household, HousePhoto
from core import uploads
from reports.models import IndicatorValue
from tests.readers import XLSX
from wards.models import ResidentialArea

OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
HTML_EXPORT = b"<html><body><table><tr><td>Ngay</td></tr></table></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def zipped(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def real_xlsx():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(world, login):
    return login(world.users["ward_officer"])


# --- Monthly report import -------------------------------------------------------------------


def import_url(ward):
    return reverse("reports:entry_import", args=[ward.code, 2025, 10])


def upload_report(client, ward, content, name="bao-cao.xlsx"):
    file = SimpleUploadedFile(name, content, XLSX)
    return client.post(import_url(ward), {"file": file, "action": "preview"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (OLE_HEADER, "Tệp ở dạng Excel cũ (.xls) hoặc có đặt mật khẩu."),
        (b"%PDF-1.7\n...", "Tệp là tài liệu PDF, không phải bảng tính."),
        (HTML_EXPORT, "Tệp là trang web (HTML/XML) đổi đuôi"),
        (b"Ma chi tieu;So lieu\nTT_BUOI;5\n", "Không đọc được tệp"),
        (zipped({"word/document.xml": b"<w/>"}), "tệp nén này không phải bảng tính Excel"),
    ],
)
def test_a_monthly_import_that_is_not_a_workbook_is_refused(world, officer, content, message):
    response = upload_report(officer, world.ward_x, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_SPREADSHEET_BYTES=1024 * 1024)
def test_the_spreadsheet_size_limit_comes_from_the_settings(world, officer):
    page = officer.get(import_url(world.ward_x))
    assert "dung lượng tối đa 1 MB" in page.content.decode()
    response = upload_report(officer, world.ward_x, b"PK\x03\x04" + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert "vượt quá giới hạn 1 MB" in response.content.decode()


# --- Bank statement import -------------------------------------------------------------------


def upload_statement(client, world, fund, name, content):
    file = SimpleUploadedFile(name, content, "application/octet-stream")
    url = reverse("campaigns:bank_import", args=[world.ward_x.code, fund.pk])
    return client.post(url, {"file": file, "action": "preview"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sao-ke.csv", real_xlsx(), "bảng tính Excel (.xlsx) nhưng mang đuôi .csv"),
        ("sao-ke.csv", OLE_HEADER, "Tệp ở dạng Excel cũ (.xls)"),
        ("sao-ke.csv", HTML_EXPORT, "Tệp là trang web (HTML/XML) đổi đuôi"),
        ("sao-ke.csv", b"%PDF-1.4", "Tệp là tài liệu PDF"),
        ("sao-ke.csv", b"Ngay;So tien\x00;Ma\n", "chứa ký tự không hợp lệ (ký tự rỗng)"),
        ("sao-ke.xlsx", HTML_EXPORT, "Tệp là trang web (HTML/XML) đổi đuôi"),
        ("sao-ke.xlsx", zipped({"content.xml": b"<x/>"}), "không phải bảng tính Excel"),
    ],
)
def test_a_statement_of_the_wrong_kind_is_refused(world, officer, fund, name, content, message):
    response = upload_statement(officer, world, fund, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_SPREADSHEET_BYTES=1024 * 1024)
def test_a_statement_over_the_configured_limit_is_refused(world, officer, fund):
    response = upload_statement(officer, world, fund, "sao-ke.csv", b"a;b\n" * 300_000)
    assert response.status_code == 400
    assert "vượt quá giới hạn 1 MB" in response.content.decode()
    assert not Donation.objects.exists()


# --- House photos ----------------------------------------------------------------------------


@pytest.fixture
def house(world):
    household = Household.objects.create(ward=world.ward_x, head_name="Lê Văn Hộ", category="poor")
    return House.objects.create(ward=world.ward_x, household=household, kind="new")


def picture(fmt="JPEG", size=(64, 48), mode="RGB", **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else None).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def with_gps(content):
    image = Image.open(io.BytesIO(content))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (10.0, 22.0, 5.0)}  # GPSInfo: the household's position
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def upload_photo(client, world, house, name, content):
    url = reverse("campaigns:house_update", args=[world.ward_x.code, house.pk])
    file = SimpleUploadedFile(name, content, "image/jpeg")
    return client.post(url, {"image": file, "caption": "Khởi công"}, follow=True)


def stored_files(tmp_path):
    return [path for path in tmp_path.rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_a_photo_is_stored_re_encoded_without_its_metadata(world, officer, house, tmp_path):
    original = with_gps(picture(size=(3000, 2000)))
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)

    response = upload_photo(officer, world, house, "IMG_0001.jpeg", original)
    assert "Đã thêm ảnh." in response.content.decode()
    photo = HousePhoto.objects.get()
    assert photo.image.name.endswith(".jpg")
    stored = Image.open(photo.image.path)
    assert stored.format == "JPEG"
    assert max(stored.size) == uploads.PHOTO_MAX_SIDE
    assert not stored.getexif().get(0x8825)


@pytest.mark.django_db
def test_a_transparent_png_becomes_a_jpeg(world, officer, house):
    upload_photo(officer, world, house, "so-do.png", picture("PNG", mode="RGBA"))
    assert Image.open(HousePhoto.objects.get().image.path).format == "JPEG"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.svg", SVG, "Tệp không phải ảnh hoặc ảnh bị hỏng."),
        ("anh.jpg", b"<html><script>alert(1)</script></html>", "Tệp không phải ảnh"),
        ("anh.gif", picture("GIF"), "Ảnh dạng GIF không được nhận."),
        ("anh.jpg", picture(size=(400, 300))[:600], "Tệp không phải ảnh hoặc ảnh bị hỏng."),
        ("anh.jpg", b"", "Tệp ảnh trống."),
    ],
)
def test_files_that_are_not_photos_are_refused(
    world, officer, house, tmp_path, name, content, message
):
    response = upload_photo(officer, world, house, name, content)
    assert message in response.content.decode()
    assert not HousePhoto.objects.exists()
    assert stored_files(tmp_path) == []


@pytest.mark.django_db
def test_photos_above_the_size_or_pixel_limits_are_refused(
    world, officer, house, tmp_path, settings, monkeypatch
):
    settings.UPLOAD_MAX_PHOTO_BYTES = 1024 * 1024
    heavy = picture(size=(1200, 1200), quality=100) + b"\x00" * (1024 * 1024)
    response = upload_photo(officer, world, house, "lon.jpg", heavy)
    assert "vượt quá giới hạn 1 MB" in response.content.decode()

    monkeypatch.setattr(uploads, "PHOTO_MAX_PIXELS", 1000)
    response = upload_photo(officer, world, house, "nhieu-diem.jpg", picture(size=(40, 30)))
    assert "Ảnh quá lớn (40 × 30 điểm ảnh)" in response.content.decode()
    assert not HousePhoto.objects.exists()
    assert stored_files(tmp_path) == []


@pytest.mark.django_db
def test_the_photo_form_states_the_configured_limit(world, officer, house, settings):
    settings.UPLOAD_MAX_PHOTO_BYTES = 8 * 1024 * 1024
    page = officer.get(reverse("campaigns:house_update", args=[world.ward_x.code, house.pk]))
    assert "JPG, PNG, WebP; tối đa 8 MB" in page.content.decode()


# --- Whole request ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_body_over_the_limit_is_refused_unread(world, officer, house, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 100_000
    response = officer.post(
        reverse("campaigns:house_update", args=[world.ward_x.code, house.pk]),
        {"image": SimpleUploadedFile("anh.jpg", b"0" * 200_000, "image/jpeg")},
    )
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in response.content.decode()
    assert not HousePhoto.objects.exists()


@pytest.mark.django_db
def test_nul_characters_in_a_search_are_refused_in_vietnamese(world, officer):
    response = officer.get(
        reverse("campaigns:households", args=[world.ward_x.code]), {"q": "a\x00"}
    )
    assert response.status_code == 400
    assert "có ký tự không hợp lệ (ký tự rỗng)" in response.content.decode()


@pytest.mark.django_db
def test_nul_characters_in_a_form_write_nothing(world, officer):
    before = ResidentialArea.objects.count()
    response = officer.post(
        reverse("wards:area_create", args=[world.ward_x.code]),
        {"kind": "ap", "name": "Ấp\x00 Mới"},
    )
    assert response.status_code == 400
    assert "chưa có gì được ghi" in response.content.decode()
    assert ResidentialArea.objects.count() == before
