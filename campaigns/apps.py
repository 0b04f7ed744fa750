from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Cuộc vận động và quỹ"

    def ready(self):
        # Cached public pages and dashboards follow every change of money, houses and funds
        # (wards/page_cache.py). Campaigns change rarely and a province's shows on all its
        # wards: any change to one renews every page.
        from campaigns import models
        from wards import page_cache

        page_cache.connect(models.Campaign)
        page_cache.connect(models.DonationReversal, "donation__ward")
        # An allocation shows on the province's drive pages and on its commune's.
        page_cache.connect(models.Allocation)
        page_cache.connect(models.AllocationReversal)
        for model in (
            models.Donation,
            models.Disbursement,
            models.Household,
            models.House,
            models.GovernmentSupport,
            # The public fund page compares the books with the last imported statement.
            models.BankStatement,
            models.StatementLine,
        ):
            page_cache.connect(model, "ward")
