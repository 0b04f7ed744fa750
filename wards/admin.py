from django.contrib import admin

from wards.models import (
    MassOrganisation,
    Membership,
    Province,
    ResidentialArea,
    RoleAssignment,
    Ward,
    WardSuccession,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


class SuccessionInline(admin.TabularInline):
    model = WardSuccession
    fk_name = "predecessor"
    extra = 0
    verbose_name = "phường, xã mới thay thế"
    verbose_name_plural = "phường, xã mới thay thế"
    can_delete = False

    # From the official conversion table (load_former_communes): read here, never typed.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "abolished_on"]
    list_filter = ["kind", "province", ("abolished_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]
    list_select_related = ["province"]
    inlines = [SuccessionInline]

    def get_queryset(self, request):
        # Abolished communes too (the default manager lists current ones only).
        return Ward.all_units.select_related("province")


@admin.register(WardSuccession)
class WardSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "is_partly_merged", "rolls_up"]
    list_filter = ["is_partly_merged", "rolls_up"]
    search_fields = ["predecessor__name", "predecessor__code", "successor__name", "successor__code"]
    list_select_related = ["predecessor", "successor"]

    # From the official conversion table (load_former_communes): read here, never typed.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    list_display = ["user", "role", "ward", "province", "organisation", "phone"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__last_name", "ward__name", "province__name"]
    autocomplete_fields = ["user", "ward", "province"]
    list_select_related = ["user", "ward", "province", "organisation"]
