from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from campaigns.demo import seed_campaigns
from reports import periods
from reports.demo import DEMO_MONTHS, seed_former_communes, seed_monthly_reports
from reports.documents.demo import seed_term_report
from wards.demo import DEMO_PASSWORD, seed_demo
from wards.models import Ward


class Command(BaseCommand):
    help = "Tạo phường mẫu (Phường Mỹ Thới), số liệu mẫu và một tài khoản cho mỗi vai trò."

    def handle(self, *args, **options):
        try:
            ward, logins = seed_demo()
        except Ward.DoesNotExist:
            raise CommandError("Chưa có danh mục phường, xã: chạy load_divisions trước.") from None
        last_month = periods.add_months(timezone.localdate().replace(day=1), -1)
        officer = get_user_model().objects.get(username="canbo.mythoi")
        seed_campaigns(
            ward,
            officer,
            first_month=periods.add_months(last_month, 1 - DEMO_MONTHS),
            last_month=last_month,
        )
        seed_monthly_reports(ward)
        # The old communes it replaced on 1 July 2025, with their 2024 reports.
        seed_former_communes(ward)
        # After the recent data: seed_campaigns does nothing once the ward has campaigns.
        seed_term_report(ward, officer)
        self.stdout.write(f"Dữ liệu mẫu: {ward.name}, {ward.province.name}.")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, label in logins:
            self.stdout.write(f"  {username:<16} {label}")
