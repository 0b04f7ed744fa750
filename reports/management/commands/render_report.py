from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.numbers import format_number
from reports.documents.docx import render_docx
from reports.documents.models import Document
from reports.documents.pdf import render_pdf

FORMATS = ("pdf", "docx")


class Command(BaseCommand):
    help = (
        "Xuất một báo cáo nhiệm kỳ, định kỳ ra tệp PDF hoặc DOCX: "
        "render_report <mã báo cáo> --format pdf|docx -o TỆP"
    )

    def add_arguments(self, parser):
        # Checked in handle(), so that mistakes are reported in Vietnamese.
        parser.add_argument("document_id", help="mã (id) của báo cáo")
        parser.add_argument(
            "--format", dest="output_format", default="pdf", help="pdf (mặc định) hoặc docx"
        )
        parser.add_argument(
            "-o", "--output", help="tệp ghi ra (mặc định: bao-cao-<mã phường>-<mã>.<định dạng>)"
        )

    def handle(self, *args, document_id, output_format, output, **options):
        chosen = output_format.strip().lower()
        if chosen not in FORMATS:
            raise CommandError(f"Định dạng “{output_format}” không hỗ trợ: chọn pdf hoặc docx.")
        document = self._document(document_id)
        if chosen == "pdf":
            content, pages = render_pdf(document)
            described = f"{pages} trang"
        else:
            content = render_docx(document)
            described = "DOCX"
        path = Path(output or f"bao-cao-{document.holder.code}-{document.pk}.{chosen}")
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {path}: {error.strerror}.") from None
        self.stdout.write(f"Đã ghi {path} ({described}, {format_number(len(content))} byte).")

    def _document(self, document_id: str) -> Document:
        if not document_id.strip().isdigit():
            raise CommandError(f"Mã báo cáo “{document_id}” không hợp lệ: nhập một số nguyên.")
        try:
            return Document.objects.select_related("ward").get(pk=int(document_id))
        except Document.DoesNotExist:
            raise CommandError(f"Không có báo cáo mã {document_id}.") from None
