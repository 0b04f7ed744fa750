from io import StringIO

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.readers import pdf_pages


def render(*args):
    output = StringIO()
    call_command("render_report", *args, stdout=output)
    return output.getvalue()


@pytest.mark.django_db
def test_it_writes_the_pdf(term_report, tmp_path):
    target = tmp_path / "bao-cao.pdf"

    message = render(str(term_report.pk), "--format", "pdf", "-o", str(target))

    pages = pdf_pages(target)
    assert "BÁO CÁO" in pages[0] and "Số: 05/BC-MTTQ" in pages[0]
    assert f"Đã ghi {target} ({len(pages)} trang" in message


@pytest.mark.django_db
def test_it_writes_the_docx(term_report, tmp_path):
    target = tmp_path / "bao-cao.docx"

    message = render(str(term_report.pk), "--format", "DOCX", "-o", str(target))

    texts = [paragraph.text for paragraph in docx.Document(target).paragraphs]
    assert "BÁO CÁO" in texts
    assert "I. Tình hình khối đại đoàn kết" in texts
    assert f"Đã ghi {target} (DOCX" in message


@pytest.mark.django_db
def test_without_an_output_it_names_the_file_after_the_ward_and_report(
    term_report, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)

    render(str(term_report.pk))

    assert (tmp_path / f"bao-cao-30301-{term_report.pk}.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999"], "Không có báo cáo mã 999999."),
        (["abc"], "Mã báo cáo “abc” không hợp lệ"),
        (["1", "--format", "xlsx"], "Định dạng “xlsx” không hỗ trợ: chọn pdf hoặc docx."),
    ],
)
def test_it_refuses_an_unknown_report_or_format_in_vietnamese(args, message, tmp_path):
    with pytest.raises(CommandError, match=message) as refused:
        render(*args, "-o", str(tmp_path / "x"))

    assert refused.value.returncode != 0
    assert not (tmp_path / "x").exists()


@pytest.mark.django_db
def test_it_says_when_it_cannot_write_the_file(term_report, tmp_path):
    with pytest.raises(CommandError, match="Không ghi được tệp"):
        render(str(term_report.pk), "--format", "docx", "-o", str(tmp_path / "no" / "x.docx"))
