"""Load the communes abolished on 1 July 2025 and what replaced them, for some provinces or
all, from the official old → new conversion table (vietnam-provinces). Run load_divisions
first. Not part of `make run` or the tests' set-up: the whole country is about 10.000
communes."""

from django.core.management.base import BaseCommand, CommandError

from wards.models import Province
from wards.services import former_communes_load


class Command(BaseCommand):
    help = (
        "Nạp các xã, phường cũ (trước sắp xếp 01/07/2025) và phường, xã mới thay thế chúng, "
        "theo bảng chuyển đổi chính thức; số liệu của xã, phường cũ cộng vào phường, xã mới."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--tinh",
            dest="provinces",
            action="append",
            metavar="MÃ",
            help="Mã tỉnh, thành phố (bản đồ 2025), ví dụ 91; bỏ trống: cả nước.",
        )

    def handle(self, *args, provinces=None, **options):
        if not Province.objects.exists():
            raise CommandError("Chưa có danh mục 2025: hãy chạy load_divisions trước.")
        codes = [f"{int(code):02d}" for code in provinces] if provinces else None
        if codes:
            unknown = set(codes) - set(
                Province.objects.filter(code__in=codes).values_list("code", flat=True)
            )
            if unknown:
                raise CommandError(f"Không có tỉnh, thành phố mã {', '.join(sorted(unknown))}.")
        created, updated, unchanged = former_communes_load(province_codes=codes)
        if created or updated:
            self.stdout.write(
                f"xã, phường cũ: thêm mới {created}, cập nhật {updated}, giữ nguyên {unchanged}."
            )
        else:
            self.stdout.write(f"xã, phường cũ: đã đầy đủ ({unchanged}), không có thay đổi.")
