"""A ward's reporting calendar; a person's notices, reading them, and the kinds they want."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports.notices import selectors, services
from reports.notices.forms import NoticePreferencesForm
from reports.notices.models import Notice
from wards import selectors as ward_selectors

NOTICES_PER_PAGE = 20


@require_GET
@login_required
def calendar(request, code):
    ward = ward_selectors.visible_ward_or_404(request.user, code)
    today = timezone.localdate()
    return render(
        request,
        "reports/notices/calendar.html",
        {
            "ward": ward,
            "today": today,
            "calendar": selectors.ward_calendar(ward, today),
            "due_day": settings.MONTHLY_REPORT_DUE_DAY,
            "breadcrumbs": ["Lịch báo cáo"],
        },
    )


@require_GET
@login_required
def notice_list(request):
    page = Paginator(selectors.notices_of(request.user), NOTICES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/notices/list.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def notice_open(request, pk):
    """Mark the notice read and go where it points (the report), or back to the list."""
    try:
        notice = services.notice_open(user=request.user, notice_id=pk)
    except Notice.DoesNotExist:
        raise Http404("Không có thông báo này.") from None
    if request.POST.get("next") == "list":
        return redirect("reports:notices")
    if not url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect("reports:notices")
    return redirect(notice.link)


@login_required
@require_POST
def notices_read_all(request):
    count = services.notices_read_all(user=request.user)
    if count:
        messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("reports:notices")


@login_required
@require_http_methods(["GET", "POST"])
def notice_preferences(request):
    switched_off = selectors.switched_off_kinds(request.user)
    form = NoticePreferencesForm(request.POST or None, switched_off=switched_off)
    if request.method == "POST" and form.is_valid():
        services.notice_preferences_save(user=request.user, enabled=form.enabled())
        messages.success(request, "Đã lưu cài đặt thông báo.")
        return redirect("reports:notice_preferences")
    return render(
        request,
        "reports/notices/preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
