from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portability.archive import export_ward
from wards.models import Ward


class Command(BaseCommand):
    help = (
        "Xuất toàn bộ dữ liệu của một phường, xã (JSON để nhập lại, XLSX để đọc, tệp đính kèm) "
        "vào một thư mục."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Mã phường, xã, ví dụ 30301.")
        parser.add_argument("-o", "--output", required=True, help="Thư mục ghi bản xuất.")

    def handle(self, *args, code, output, **options):
        ward = Ward.objects.select_related("province").filter(code=code).first()
        if ward is None:
            raise CommandError(f"Không có phường, xã mã {code}.")
        directory = Path(output)
        if directory.exists() and any(directory.iterdir()):
            raise CommandError(f"Thư mục {directory} đã có tệp; chọn một thư mục trống.")
        manifest = export_ward(ward, directory)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Đã xuất {ward.name} ({rows} dòng dữ liệu) vào {directory}.")
        for name in manifest["missing_files"]:
            self.stderr.write(f"Không tìm thấy tệp đính kèm: {name}")
