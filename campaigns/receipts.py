"""The printed receipt (biên nhận) of one donation, as a one-page A4 PDF."""

from types import SimpleNamespace

from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string

from campaigns.models import Donation
from core.numbers import UNVALUED, format_number, format_quantity
from core.printing import place_and_date, render_document
from core.templatetags.people import vietnamese_name
from core.words import amount_in_words
from wards.models import Province, Ward

ANONYMOUS_DONOR = "Nhà hảo tâm"
# Print densities (classes of print.css), tried in turn until the receipt fits one page:
# only receipts with unusually long names, addresses or reasons need the denser ones.
DENSITIES = ("", "compact", "tight")


def _reversal(donation: Donation):
    try:
        return donation.reversal
    except ObjectDoesNotExist:
        return None


def issuer_name(holder: Ward | Province) -> str:
    """The holder as the committee's name ends: "phường Mỹ Thới", "tỉnh An Giang"."""
    if isinstance(holder, Ward):
        return f"{holder.get_kind_display().lower()} {holder.short_name}"
    return holder.name[:1].lower() + holder.name[1:]


def _short_name(holder: Ward | Province) -> str:
    """The place a document is dated at: "Mỹ Thới", "An Giang", "Hà Nội"."""
    if isinstance(holder, Ward):
        return holder.short_name
    kind = "Thành phố" if holder.kind == Province.Kind.CITY else "Tỉnh"
    return holder.name.removeprefix(kind + " ")


def receipt_context(donation: Donation) -> dict:
    holder = donation.holder
    reversal = _reversal(donation)
    in_kind = donation.form == Donation.Form.IN_KIND
    anonymous = donation.donor_kind == Donation.DonorKind.ANONYMOUS or not donation.donor_name
    return {
        "donation": donation,
        "ward": holder,
        "campaign": donation.campaign,
        "ward_name_upper": holder.name.upper(),
        "place_and_date": place_and_date(
            SimpleNamespace(short_name=_short_name(holder)), donation.received_on
        ),
        "summary": "Tiếp nhận hiện vật ủng hộ" if in_kind else "Tiếp nhận tiền ủng hộ",
        "issuer_sentence": f"Ủy ban Mặt trận Tổ quốc Việt Nam {issuer_name(holder)}",
        "donor_name": ANONYMOUS_DONOR if anonymous else donation.donor_name,
        "in_kind": in_kind,
        "quantity": format_quantity(donation.in_kind_quantity),
        "channel": donation.get_channel_display(),
        # Goods may have no money equivalent: said so, and nothing in words.
        "amount": format_number(donation.amount) if donation.amount is not None else "",
        "amount_words": amount_in_words(donation.amount) if donation.amount is not None else "",
        "unvalued": UNVALUED,
        "officer_name": vietnamese_name(donation.recorded_by),
        "reversal": reversal,
        "reversal_date": f"{reversal.reversed_on:%d/%m/%Y}" if reversal else "",
        "reversed_by": vietnamese_name(reversal.reversed_by) if reversal else "",
    }


def receipt_html(donation: Donation, *, density: str = "", context: dict | None = None) -> str:
    context = context or receipt_context(donation)
    return render_to_string("documents/receipt.html", {**context, "density": density})


def receipt_pdf(donation: Donation) -> bytes:
    """One A4 page; denser type only if the standard size would spill onto a second page."""
    context = receipt_context(donation)
    for density in DENSITIES:
        document = render_document(receipt_html(donation, density=density, context=context))
        if len(document.pages) == 1:
            break
    return document.write_pdf()


def receipt_filename(donation: Donation) -> str:
    """ "bien-nhan-30301-2026-00012.pdf" """
    return (
        f"bien-nhan-{donation.holder.code}-{donation.receipt_year}-"
        f"{donation.receipt_number:05d}.pdf"
    )
