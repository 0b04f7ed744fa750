from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from wards import selectors, services, submissions
from wards.forms import MembershipForm, ResidentialAreaForm
from wards.models import Membership, ResidentialArea, membership_rate

PAGE_SIZE = 50


@login_required
def ward_detail(request, code):
    ward = selectors.visible_ward_or_404(request.user, code)
    memberships = selectors.latest_memberships(ward)
    members, eligible = selectors.total_membership(memberships)
    return render(
        request,
        "wards/ward_detail.html",
        {
            "ward": ward,
            "areas": selectors.residential_areas(ward),
            "memberships": memberships,
            "total_members": members,
            "total_eligible": eligible,
            "total_rate": membership_rate(members, eligible),
            "can_edit": selectors.can_edit_ward(request.user, ward),
        },
    )


@login_required
def province_detail(request, code):
    province = selectors.province_page_or_error(
        request.user, code, "Chỉ cán bộ cấp tỉnh xem được danh sách phường, xã."
    )
    search = request.GET.get("q", "").strip()
    wards = selectors.wards_of_province(province, search=search)
    page = Paginator(wards, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "wards/province_detail.html",
        {
            "province": province,
            "page": page,
            "search": search,
            "current_year": timezone.localdate().year,
        },
    )


def _area_or_404(ward_code, pk):
    return get_object_or_404(ResidentialArea, pk=pk, ward__code=ward_code)


def _membership_or_404(ward_code, pk):
    return get_object_or_404(Membership, pk=pk, ward__code=ward_code)


def _edit_view(*, form_class, record_or_404, template, save, added, saved, organisations=False):
    """The view that adds (no pk) or edits one of a ward's own records: created once per
    posted form (wards/submissions), or updated. `save(user, ward, record, data)` is the
    service. With `organisations` the record belongs to a member organisation: its
    organisation officer may change it too (only its own; the service checks again)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, code, pk=None):
        instance = record_or_404(code, pk) if pk is not None else None
        if organisations:
            ward = selectors.part_editable_ward_or_error(request.user, code)
            if instance is not None:
                selectors.organisation_record_or_error(request.user, ward, instance.organisation_id)
            extra = {"only": selectors.organisation_of(request.user, ward)}
        else:
            ward = selectors.editable_ward_or_error(request.user, code)
            extra = {}
        form = form_class(request.POST or None, instance=instance, ward=ward, **extra)
        try:
            if instance is None:
                submissions.add_to(form, request)
                outcome = submissions.submit_once(
                    request,
                    form,
                    lambda: save(request.user, ward, None, form.cleaned_data),
                    model=form._meta.model,
                )
                if outcome is not None:
                    if outcome.created:
                        messages.success(request, added)
                    else:
                        messages.info(request, submissions.REPEATED_MESSAGE)
                    return redirect("wards:detail", code=ward.code)
            elif request.method == "POST" and form.is_valid():
                save(request.user, ward, instance, form.cleaned_data)
                messages.success(request, saved)
                return redirect("wards:detail", code=ward.code)
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        return render(request, template, {"ward": ward, "form": form, "object": instance})

    return view


area_edit = _edit_view(
    form_class=ResidentialAreaForm,
    record_or_404=_area_or_404,
    template="wards/area_form.html",
    save=lambda user, ward, area, data: services.residential_area_save(
        ward=ward, area=area, **data
    ),
    added="Đã thêm khu dân cư.",
    saved="Đã lưu khu dân cư.",
)


@login_required
@require_http_methods(["GET", "POST"])
def area_delete(request, code, pk):
    ward = selectors.editable_ward_or_error(request.user, code)
    area = _area_or_404(code, pk)
    if request.method == "POST":
        services.residential_area_delete(area=area)
        messages.success(request, f"Đã xóa khu dân cư “{area.name}”.")
        return redirect("wards:detail", code=ward.code)
    return render(
        request,
        "wards/confirm_delete.html",
        {"ward": ward, "object_label": f"khu dân cư “{area.name}”"},
    )


@login_required
def membership_list(request, code):
    ward = selectors.visible_ward_or_404(request.user, code)
    page = Paginator(selectors.membership_history(ward), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "wards/membership_list.html",
        {
            "ward": ward,
            "page": page,
            "can_edit": selectors.can_edit_ward(request.user, ward),
            # An organisation officer adds and changes its own organisation's records.
            "own_organisation": selectors.organisation_of(request.user, ward),
        },
    )


membership_edit = _edit_view(
    form_class=MembershipForm,
    record_or_404=_membership_or_404,
    template="wards/membership_form.html",
    save=lambda user, ward, membership, data: services.membership_save(
        ward=ward, membership=membership, user=user, **data
    ),
    added="Đã thêm số liệu tập hợp.",
    saved="Đã lưu số liệu tập hợp.",
    organisations=True,
)


@login_required
@require_http_methods(["GET", "POST"])
def membership_delete(request, code, pk):
    ward = selectors.part_editable_ward_or_error(request.user, code)
    membership = _membership_or_404(code, pk)
    selectors.organisation_record_or_error(request.user, ward, membership.organisation_id)
    if request.method == "POST":
        services.membership_delete(membership=membership, user=request.user)
        messages.success(request, "Đã xóa số liệu tập hợp.")
        return redirect("wards:memberships", code=ward.code)
    return render(
        request,
        "wards/confirm_delete.html",
        {"ward": ward, "object_label": f"số liệu tập hợp “{membership}”"},
    )
