"""Whose money pages a page is: a commune's (ward) or the province committee's.

The donation, receipt, ledger and bank statement pages are the same for both holders of a
fund's money; a Place gives them the holder, its URL names ("campaigns:detail" or
"campaigns:province_detail") and what the templates need to name it.
"""

from dataclasses import dataclass

from django.shortcuts import redirect
from django.urls import reverse

from campaigns.models import holder_fields
from wards.models import Province, Ward


@dataclass(frozen=True)
class Place:
    holder: Ward | Province

    @property
    def is_province(self) -> bool:
        return isinstance(self.holder, Province)

    @property
    def prefix(self) -> str:
        return "province_" if self.is_province else ""

    def url(self, name: str, *args) -> str:
        """ "detail", 12 → /phuong-xa/30301/van-dong/12/ or /tinh/91/van-dong/12/"""
        return reverse(f"campaigns:{self.prefix}{name}", args=[self.holder.code, *args])

    def redirect(self, name: str, *args):
        return redirect(self.url(name, *args))

    @property
    def holder_kwargs(self) -> dict:
        """The holder as services take it: ward= or province=."""
        return {"province": self.holder} if self.is_province else {"ward": self.holder}

    @property
    def rows(self) -> dict:
        """Filter for the rows this holder keeps (donations: ward set, or ward NULL and
        province set)."""
        return holder_fields(self.holder)

    @property
    def context(self) -> dict:
        """Template names: `ward` (breadcrumbs, ward links) for a commune, `province` for the
        committee; `holder` for either."""
        key = "province" if self.is_province else "ward"
        return {key: self.holder, "holder": self.holder}
