from django.contrib import admin

from wards.models import (
    MassOrganisation,
    Membership,
    Province,
    ResidentialArea,
    RoleAssignment,
    Ward,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name"]
    list_select_related = ["province"]


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "ward", "households", "population"]
    search_fields = ["name", "ward__name"]
    autocomplete_fields = ["ward"]
    list_select_related = ["ward"]


@admin.register(MassOrganisation)
class MassOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "display_order", "is_active"]
    list_editable = ["display_order", "is_active"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["ward", "organisation", "as_of", "members", "eligible", "rate"]
    list_filter = ["organisation"]
    search_fields = ["ward__name"]
    autocomplete_fields = ["ward"]
    list_select_related = ["ward", "organisation"]

    @admin.display(description="tỷ lệ tập hợp (%)")
    def rate(self, obj):
        return obj.rate


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "ward", "province", "organisation"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "ward__name", "province__name"]
    autocomplete_fields = ["user", "ward", "province"]
    list_select_related = ["user", "ward", "province", "organisation"]
