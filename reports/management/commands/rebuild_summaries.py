from django.core.management.base import BaseCommand, CommandError

from core.numbers import format_number
from reports.summaries import maintain
from wards.models import Ward


class Command(BaseCommand):
    help = (
        "Tính lại số liệu tổng hợp theo phường, xã và tháng (bảng tổng quan của tỉnh và toàn "
        "quốc, bảng tổng hợp chỉ tiêu toàn tỉnh) từ dữ liệu gốc, hoặc chỉ kiểm tra độ lệch "
        "(--check). Dùng sau khi nạp dữ liệu hàng loạt không qua cổng (COPY, SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="chỉ so sánh với dữ liệu gốc, không ghi; báo lỗi nếu có chỗ lệch",
        )
        parser.add_argument(
            "--ward",
            action="append",
            dest="ward_codes",
            metavar="MÃ",
            help="chỉ phường, xã có mã này (lặp lại để chọn nhiều)",
        )

    def handle(self, *args, check=False, ward_codes=None, **options):
        ward_ids = self._ward_ids(ward_codes)
        if check:
            differences = maintain.drift(ward_ids=ward_ids)
            for line in differences:
                self.stdout.write(line)
            if differences:
                raise CommandError(
                    f"Số liệu tổng hợp lệch với dữ liệu gốc ở {format_number(len(differences))} "
                    "tháng của phường, xã; chạy lại lệnh không có --check để tính lại."
                )
            self.stdout.write("Số liệu tổng hợp khớp với dữ liệu gốc.")
            return
        count = maintain.rebuild(ward_ids=ward_ids)
        self.stdout.write(
            f"Đã tính lại số liệu tổng hợp: {format_number(count)} tháng của phường, xã có số liệu."
        )

    def _ward_ids(self, codes):
        if not codes:
            return None
        found = dict(Ward.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"Không có phường, xã mã {', '.join(unknown)}.")
        return list(found.values())
