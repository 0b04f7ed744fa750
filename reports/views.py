from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from wards import selectors as ward_selectors
from wards.models import membership_rate
from wards.selectors import ADMIN, Role

from . import deadlines


@login_required
def home(request):
    """Each role lands where its work is."""
    user = request.user
    role = ward_selectors.role_of(user)
    if role == Role.PROVINCE_OFFICER:
        return redirect("wards:province", code=ward_selectors.province_for(user).code)
    if role == ADMIN:
        provinces = ward_selectors.province_overview(ward_selectors.provinces_visible_to(user))
        return render(request, "reports/home_admin.html", {"provinces": provinces})
    ward = ward_selectors.ward_for(user)
    if ward is None:
        return render(request, "reports/home_unassigned.html")
    today = timezone.localdate()
    year, month = deadlines.previous_month(today)
    due = deadlines.due_date(year, month)
    memberships = ward_selectors.latest_memberships(ward)
    members, eligible = ward_selectors.total_membership(memberships)
    return render(
        request,
        "reports/home_ward.html",
        {
            "ward": ward,
            "role_label": Role(role).label,
            "due_month": f"{month:02d}/{year}",
            "due_date": due,
            "days_left": (due - today).days,
            "days_overdue": (today - due).days,
            "area_count": ward_selectors.residential_areas(ward).count(),
            "total_rate": membership_rate(members, eligible),
            "can_edit": ward_selectors.can_edit_ward(user, ward),
        },
    )
