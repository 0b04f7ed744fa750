from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    Indicator,
    IndicatorGroup,
    IndicatorValue,
    MonthlyReport,
    Notice,
    RatingCategory,
    RatingValue,
    ReportEvent,
    ValidationRule,
)


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "display_order"]
    list_editable = ["display_order"]


class RatingCategoryInline(admin.TabularInline):
    model = RatingCategory
    fields = ["name", "display_order"]
    extra = 1


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "group",
        "unit",
        "kind",
        "rollup",
        "source",
        "organisation",
        "active_from",
        "active_to",
    ]
    list_filter = ["group", "kind", "rollup", "organisation"]
    search_fields = ["code", "name"]
    list_select_related = ["group", "organisation"]

    def get_inlines(self, request, obj):
        # A rating indicator's categories (in order) are edited with it.
        return [RatingCategoryInline] if obj is not None and obj.is_rating else []


@admin.register(RatingCategory)
class RatingCategoryAdmin(admin.ModelAdmin):
    list_display = ["indicator", "name", "display_order"]
    list_editable = ["display_order"]
    list_filter = ["indicator"]
    list_select_related = ["indicator"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "severity", "message", "is_active"]
    list_filter = ["severity", "is_active"]


class ReadOnlyValues(admin.TabularInline):
    model = IndicatorValue
    fields = ["indicator", "value", "denominator"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyRatings(admin.TabularInline):
    model = RatingValue
    fields = ["category", "value"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ReportEvent
    fields = ["at", "action", "actor", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    """Reports are read here; values change only through the portal's workflow, which
    refuses locked reports and keeps every change in the history."""

    list_display = ["ward", "period", "status", "submitted_at", "approved_at"]
    list_filter = ["status", "period"]
    search_fields = ["ward__name", "ward__code"]
    list_select_related = ["ward"]
    readonly_fields = ["ward", "period", "status", "version", "submitted_at", "approved_at"]
    inlines = [ReadOnlyValues, ReadOnlyRatings, EventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["report", "indicator", "value", "denominator"]
    list_select_related = ["report__ward", "indicator"]
    search_fields = ["report__ward__name", "indicator__code"]

    # Values change only on the entry page (or its Excel import): the workflow locks
    # submitted and approved reports and counts versions for conflict detection.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Notices are made by `manage.py send_notices`; read here to see what was told whom."""

    list_display = ["title", "user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["title", "user__username", "ward__name", "ward__code"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "kind",
        "event_key",
        "ward",
        "period",
        "title",
        "body",
        "link",
        "created_at",
        "read_at",
        "email_wanted",
        "email_claimed_at",
        "emailed_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
