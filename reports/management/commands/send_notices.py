from django.core.management.base import BaseCommand, CommandError

from core.numbers import format_number
from reports.notices import services


class Command(BaseCommand):
    help = (
        "Tạo thông báo về báo cáo tháng (sắp đến hạn, quá hạn, đã gửi, bị trả lại, đã duyệt) "
        "và gửi thư điện tử. Chạy lại bao nhiêu lần cũng không gửi trùng (chạy định kỳ bằng "
        "mttq-send-notices.timer)."
    )

    def handle(self, *args, **options):
        result = services.notices_send()
        self.stdout.write(
            f"Đã tạo {format_number(result.created)} thông báo, gửi "
            f"{format_number(result.mailed)} thư."
        )
        if result.failed:
            raise CommandError(
                f"{format_number(result.failed)} thư chưa gửi được (máy chủ thư lỗi); lần chạy "
                "sau sẽ gửi lại."
            )
