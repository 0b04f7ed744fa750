"""The donation receipt as a PDF, for everyone who may read the ward's data."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from wards.selectors import visible_ward_or_404

from campaigns import receipts
from campaigns.models import Donation


@login_required
@require_safe
def receipt_pdf(request, code, pk):
    ward = visible_ward_or_404(request.user, code)
    donation = get_object_or_404(
        Donation.objects.select_related(
            "ward__province", "campaign", "recorded_by", "reversal__reversed_by"
        ),
        pk=pk,
        ward=ward,
    )
    response = HttpResponse(receipts.receipt_pdf(donation), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=receipts.receipt_filename(donation)
    )
    # Donors' names and addresses: not for shared caches, not kept by the browser.
    patch_cache_control(response, private=True, no_store=True)
    return response
