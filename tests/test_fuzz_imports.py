"""Every import under random and hostile files, through its real view.

The monthly XLSX import and the bank statement import (CSV and XLSX) read a file into a
preview, then write on confirmation; house photos are stored on upload. Whatever the file, no
server error; a refusal explains itself in Vietnamese; a preview never writes, and a refused
upload or confirmation writes nothing.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from PIL import Image

from tests import factories
from tests.fuzzing import HOSTILE_TEXT, hostile_number, hostile_text, row_counts, send_checked
from tests.readers import XLSX

D = datetime.date


def xlsx_safe(text: str) -> str:
    # openpyxl refuses control characters XML cannot carry; a real file cannot hold them either.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def cell_values():
    """What a spreadsheet cell can hold: numbers of any size, text, dates, booleans, formulas."""
    return st.one_of(
        st.none(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.datetimes(min_value=datetime.datetime(1900, 3, 1)),
        hostile_text().map(xlsx_safe),
        st.sampled_from(["=1/0", "=A1*1000", '=HYPERLINK("http://x")', "=" + "9" * 50]),
    )


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def broken_files(valid: bytes):
    """Files that are not what they claim: random bytes, cut or corrupted copies of a real one."""
    return st.one_of(
        st.binary(max_size=2000),
        st.integers(min_value=0, max_value=len(valid)).map(lambda n: valid[:n]),
        st.tuples(
            st.integers(min_value=0, max_value=len(valid) - 1), st.binary(min_size=1, max_size=8)
        ).map(lambda cut: valid[: cut[0]] + cut[1] + valid[cut[0] + len(cut[1]) :]),
    )


# --- Monthly report XLSX ---------------------------------------------------------------------


def month_url(name, ward):
    return reverse(name, args=[ward.code, 2025, 10])


def preview_then_confirm(client, url, file, *, choices=lambda preview: {}):
    """Upload a file for its preview, which writes nothing; confirm it when the preview offers
    to, with the officer's `choices` for the previewed rows."""
    before = row_counts()
    preview, _ = send_checked(client, "POST", url, {"file": file, "action": "preview"})
    assert row_counts() == before, "the preview wrote rows"
    token = preview.context and preview.context.get("token")
    event("preview accepted" if token else "preview refused")
    if token:
        data = {"action": "confirm", "token": token, **choices(preview)}
        _, accepted = send_checked(client, "POST", url, data)
        event(f"confirmation accepted: {accepted}")


@pytest.mark.django_db
def test_hostile_monthly_workbooks_never_break_the_import(client, world):
    client.force_login(world.users["ward_officer"])
    template = client.get(month_url("reports:entry_template", world.ward_x)).content
    url = month_url("reports:entry_import", world.ward_x)
    edits = st.lists(st.tuples(st.integers(1, 60), st.integers(1, 10), cell_values()), max_size=12)

    def edited(changes) -> bytes:
        workbook = load_workbook(io.BytesIO(template))
        for row, column, value in changes:
            workbook.active.cell(row=row, column=column, value=value)
        return workbook_bytes(workbook)

    files = st.one_of(edits.map(edited), edits.map(edited), broken_files(template))

    @given(content=files)
    def upload(content):
        preview_then_confirm(client, url, SimpleUploadedFile("bao-cao.xlsx", content, XLSX))

    upload()


@pytest.mark.django_db
def test_hostile_confirmation_tokens_write_nothing(client, world):
    client.force_login(world.users["ward_officer"])
    url = month_url("reports:entry_import", world.ward_x)

    @given(token=hostile_text())
    def confirm(token):
        before = row_counts()
        response, accepted = send_checked(
            client, "POST", url, {"action": "confirm", "token": token}
        )
        assert not accepted
        assert row_counts() == before

    confirm()


# --- Bank statements -------------------------------------------------------------------------

HEADERS = [
    ["Ngày giao dịch", "Số tiền", "Số tham chiếu", "Nội dung"],
    ["Ngày", "Số tiền ghi có", "Mã giao dịch", "Diễn giải"],
    ["date", "amount", "reference", "description"],
    ["Ngày", "Ngày", "Số tiền", "Số tiền"],
    ["", "", "", ""],
]


def statement_rows():
    """A header (real or broken) and rows: mostly plausible credits, some hostile lines."""
    plausible = st.tuples(
        st.dates(min_value=D(2024, 1, 1), max_value=D(2025, 12, 31)).map(
            lambda d: d.strftime("%d/%m/%Y")
        ),
        st.integers(min_value=1, max_value=10**9).map(lambda n: f"{n:,}".replace(",", ".")),
        st.integers(min_value=1, max_value=10**12).map(lambda n: f"FT{n}"),
        st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀẢÃẠỮỰ ", max_size=30).map(
            lambda name: f"UNG HO {name}"
        ),
    ).map(list)
    hostile = st.tuples(
        st.one_of(st.dates().map(lambda d: d.strftime("%d/%m/%Y")), hostile_text()),
        hostile_number(),
        hostile_text(),
        hostile_text(),
    ).map(list)
    rows = st.lists(st.one_of(plausible, plausible, plausible, plausible, hostile), max_size=6)
    return st.tuples(st.sampled_from(HEADERS[:3] * 3 + HEADERS[3:]), rows)


def as_csv(table, delimiter, encoding) -> bytes:
    header, rows = table
    lines = [delimiter.join(cell.replace("\n", " ") for cell in line) for line in [header, *rows]]
    return "\n".join(lines).encode(encoding, errors="replace")


def as_xlsx(table) -> bytes:
    header, rows = table
    workbook = Workbook()
    for line in [header, *rows]:
        workbook.active.append([xlsx_safe(cell) for cell in line])
    return workbook_bytes(workbook)


def statements():
    table = statement_rows()
    csv_file = st.tuples(
        table,
        st.sampled_from([";", ",", "\t"]),
        st.sampled_from(["utf-8", "utf-8-sig", "utf-8", "cp1258"]),
    ).map(lambda args: ("sao-ke.csv", as_csv(*args)))
    xlsx_file = table.map(lambda t: ("sao-ke.xlsx", as_xlsx(t)))
    broken = st.tuples(st.sampled_from(["sao-ke.csv", "sao-ke.xlsx"]), st.binary(max_size=3000))
    return st.one_of(csv_file, csv_file, xlsx_file, broken)


def officer_choices(preview):
    """The officer's ticks, names and kinds on the preview: some kept, some hostile."""
    lines = preview.context.get("lines") or []
    names = st.one_of(st.sampled_from([""] + HOSTILE_TEXT), st.text(max_size=300))
    kinds = st.sampled_from(["individual", "organisation", "anonymous", "collective", "x", ""])
    return st.fixed_dictionaries(
        {},
        optional={
            key: strategy
            for line in lines
            for key, strategy in (
                (f"include-{line.index}", st.sampled_from(["1", "0", "on"])),
                (f"name-{line.index}", names),
                (f"kind-{line.index}", kinds),
            )
        },
    )


@pytest.mark.django_db
def test_hostile_bank_statements_never_break_the_import(client, world, fund):
    client.force_login(world.users["ward_officer"])
    url = reverse("campaigns:bank_import", args=[world.ward_x.code, fund.pk])

    @given(statement=statements(), data=st.data())
    def upload(statement, data):
        name, content = statement
        file = SimpleUploadedFile(name, content, "application/octet-stream")
        preview_then_confirm(
            client, url, file, choices=lambda preview: data.draw(officer_choices(preview))
        )

    upload()


# --- House photos ----------------------------------------------------------------------------


def real_image(fmt) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.django_db
def test_hostile_photos_are_refused_or_stored_clean(client, world):
    client.force_login(world.users["ward_officer"])
    house = factories.house(ward_obj=world.ward_x)
    url = reverse("campaigns:house_update", args=[world.ward_x.code, house.pk])
    photos = st.one_of(
        st.sampled_from(["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"]).map(real_image),
        broken_files(real_image("JPEG")),
        broken_files(real_image("PNG")),
        st.sampled_from([b"<svg onload=alert(1)/>", b"<html><script>x</script></html>"]),
    )

    @given(content=photos, name=st.sampled_from(["anh.jpg", "anh.png", "anh.svg", "anh"]))
    def upload(content, name):
        file = SimpleUploadedFile(name, content, "image/jpeg")
        _, accepted = send_checked(client, "POST", url, {"image": file, "caption": "Ảnh"})
        event(f"photo accepted: {accepted}")
        if accepted:
            stored = house.photos.order_by("-pk").first()
            assert Image.open(stored.image.path).format == "JPEG"

    upload()
