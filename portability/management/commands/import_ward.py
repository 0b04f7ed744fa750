from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portability.archive import ImportRefused, import_ward


class Command(BaseCommand):
    help = "Nhập dữ liệu một phường, xã từ thư mục do export_ward tạo ra."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Thư mục bản xuất (có ward.json, manifest.json).")

    def handle(self, *args, directory, **options):
        directory = Path(directory)
        if not (directory / "ward.json").is_file() or not (directory / "manifest.json").is_file():
            raise CommandError(f"{directory} không có ward.json và manifest.json.")
        try:
            ward = import_ward(directory)
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"Đã nhập {ward.name}. Tài khoản được nhập chưa có mật khẩu: quản trị viên đặt "
            "mật khẩu cho từng người trước khi họ đăng nhập."
        )
