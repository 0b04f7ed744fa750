"""Reads of the wards directory, and the one place that decides who sees which ward.

Every query that returns ward data takes its wards from `units_visible_to(user)` (or
filters through `scope_to_user`), so one permission matrix proves that nobody sees
another ward's data.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from core.collation import by_vietnamese
from wards.models import (
    MassOrganisation,
    Membership,
    Province,
    ResidentialArea,
    RoleAssignment,
    Ward,
    WardSuccession,
)

Role = RoleAssignment.Role
PROVINCE_ROLES = RoleAssignment.PROVINCE_ROLES
ADMIN = "admin"


def role_of(user):
    """The user's role: a RoleAssignment.Role value, ADMIN, or None (no access to ward data)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    assignment = _assignment(user)
    return assignment.role if assignment else None


def _assignment(user):
    # Cached on the user object so a request looks its role up once.
    # The auth backend loads the assignment with the user; other users cost one query.
    try:
        return user.role_assignment
    except RoleAssignment.DoesNotExist:
        return None


def ward_for(user):
    """The one ward a ward-level user belongs to, else None."""
    assignment = _assignment(user) if role_of(user) in Role.values else None
    return assignment.ward if assignment else None


def province_for(user):
    """The province a user works in: their own, or their ward's."""
    if role_of(user) in PROVINCE_ROLES:
        return _assignment(user).province
    ward = ward_for(user)
    return ward.province if ward else None


def units_visible_to(user) -> QuerySet[Ward]:
    """All wards the user may read: current communes and the abolished communes that they
    replaced (read-only history; lists of current communes use `Ward.objects`)."""
    role = role_of(user)
    wards = Ward.all_units.select_related("province")
    if role == ADMIN:
        return wards
    if role in PROVINCE_ROLES:
        return wards.filter(province=_assignment(user).province_id)
    if role in RoleAssignment.WARD_ROLES:
        own = _assignment(user).ward_id
        former = WardSuccession.objects.filter(successor=own).values("predecessor")
        return wards.filter(Q(pk=own) | Q(pk__in=former))
    return wards.none()


def provinces_visible_to(user) -> QuerySet[Province]:
    role = role_of(user)
    if role == ADMIN:
        return Province.objects.all()
    province = province_for(user)
    return Province.objects.filter(pk=province.pk) if province else Province.objects.none()


def scope_to_user(queryset: QuerySet, user, *, ward_field: str = "ward") -> QuerySet:
    """Narrow any queryset of ward data to the wards the user may read."""
    if role_of(user) == ADMIN:
        return queryset
    return queryset.filter(**{f"{ward_field}__in": units_visible_to(user).values("pk")})


def can_edit_ward(user, ward) -> bool:
    """Officers and the chair change their own ward's directory; admins change any."""
    role = role_of(user)
    if role == ADMIN:
        return True
    return role in (Role.WARD_OFFICER, Role.WARD_CHAIR) and _assignment(user).ward_id == ward.pk


def organisation_of(user, ward=None) -> MassOrganisation | None:
    """The member organisation an organisation officer writes for (in `ward`, when given);
    None for every other role."""
    if role_of(user) != Role.ORGANISATION_OFFICER:
        return None
    assignment = _assignment(user)
    if ward is not None and assignment.ward_id != ward.pk:
        return None
    return assignment.organisation


def can_edit_organisation(user, ward, organisation_id) -> bool:
    """Whether the user may change the ward's data of one member organisation (its
    memberships, its indicators, its drives): the ward's editors for any organisation, an
    organisation officer for its own only."""
    if can_edit_ward(user, ward):
        return True
    own = organisation_of(user, ward)
    return own is not None and organisation_id is not None and own.pk == organisation_id


def can_edit_part_of_ward(user, ward) -> bool:
    """The ward's editors, or its organisation officer (who writes its organisation's part)."""
    return can_edit_ward(user, ward) or organisation_of(user, ward) is not None


def ward_officers(ward_ids) -> dict[int, list[RoleAssignment]]:
    """The active commune officers of these wards, by ward id, with their users: whom the
    province calls about a late report. One query; callers pass wards they may read."""
    officers: dict[int, list[RoleAssignment]] = {}
    assignments = (
        RoleAssignment.objects.filter(
            role=Role.WARD_OFFICER, ward__in=list(ward_ids), user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    for assignment in assignments:
        officers.setdefault(assignment.ward_id, []).append(assignment)
    return officers


def visible_ward_or_404(user, code) -> Ward:
    """The ward with this code if the user may read it; 404 otherwise (no existence leak)."""
    own = ward_for(user)
    if own is not None and own.code == code:
        return own
    try:
        return units_visible_to(user).get(code=code)
    except Ward.DoesNotExist:
        raise Http404("Không tìm thấy phường, xã.") from None


def editable_ward_or_error(user, code) -> Ward:
    """404 for a ward the user cannot see; 403 for one they can see but not change."""
    ward = visible_ward_or_404(user, code)
    if not can_edit_ward(user, ward):
        raise PermissionDenied("Bạn không có quyền sửa dữ liệu của phường, xã này.")
    return ward


def part_editable_ward_or_error(user, code) -> Ward:
    """As editable_ward_or_error, but its organisation officer passes too: the page then
    writes only that organisation's part (the service checks each record)."""
    ward = visible_ward_or_404(user, code)
    if not can_edit_part_of_ward(user, ward):
        raise PermissionDenied("Bạn không có quyền sửa dữ liệu của phường, xã này.")
    return ward


def organisation_record_or_error(user, ward, organisation_id) -> None:
    """403 unless the user may change this organisation's records in the ward."""
    if not can_edit_organisation(user, ward, organisation_id):
        raise PermissionDenied("Bạn chỉ được sửa số liệu của tổ chức thành viên mình phụ trách.")


def visible_province_or_404(user, code) -> Province:
    try:
        return provinces_visible_to(user).get(code=code)
    except Province.DoesNotExist:
        raise Http404("Không tìm thấy tỉnh, thành phố.") from None


def province_page_or_error(user, code, refusal: str) -> Province:
    """403 (saying `refusal`) for anyone but province officers and admins, then 404 for a
    province the user cannot see: the gate of every province-wide page."""
    if role_of(user) not in (ADMIN, *PROVINCE_ROLES):
        raise PermissionDenied(refusal)
    return visible_province_or_404(user, code)


def is_province_role(user) -> bool:
    return role_of(user) in PROVINCE_ROLES


def can_edit_province(user, province) -> bool:
    """The province's officer and chair record its drives and allocations; admins anywhere."""
    role = role_of(user)
    if role == ADMIN:
        return True
    return (
        role in (Role.PROVINCE_OFFICER, Role.PROVINCE_CHAIR)
        and _assignment(user).province_id == province.pk
    )


def can_approve_province(user, province) -> bool:
    """The province's chair approves its reports and issues its documents; admins anywhere."""
    role = role_of(user)
    if role == ADMIN:
        return True
    return role == Role.PROVINCE_CHAIR and _assignment(user).province_id == province.pk


def editable_province_or_error(user, code) -> Province:
    """404 for a province the user cannot see; 403 for one they can see but not change."""
    province = visible_province_or_404(user, code)
    if not can_edit_province(user, province):
        raise PermissionDenied("Bạn không có quyền ghi dữ liệu của tỉnh, thành phố này.")
    return province


def residential_areas(ward) -> QuerySet[ResidentialArea]:
    return ward.residential_areas.all()


def latest_memberships(ward, as_of=None) -> list[Membership]:
    """The most recent membership record of each active organisation in the ward (on or
    before `as_of`, when given)."""
    records = Membership.objects.filter(ward=ward, organisation=OuterRef("organisation"))
    if as_of is not None:
        records = records.filter(as_of__lte=as_of)
    newest = records.order_by("-as_of", "-pk").values("pk")[:1]
    return list(
        Membership.objects.filter(ward=ward, pk=Subquery(newest), organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__display_order", by_vietnamese("organisation__name"))
    )


def membership_history(ward) -> QuerySet[Membership]:
    return Membership.objects.filter(ward=ward).select_related("organisation")


def total_membership(memberships) -> tuple[int, int]:
    """Summed members and eligible people: the ward's overall rate comes from these sums."""
    return (
        sum(m.members for m in memberships),
        sum(m.eligible for m in memberships),
    )


def wards_of_province(province, *, search="") -> QuerySet[Ward]:
    wards = province.wards.annotate(area_count=Count("residential_areas")).order_by(
        by_vietnamese("name")
    )
    if search:
        wards = wards.filter(name__icontains=search) | wards.filter(code=search)
    return wards


def province_overview(provinces) -> QuerySet[Province]:
    return provinces.annotate(ward_count=Count("wards")).order_by("code")


def active_organisations() -> QuerySet[MassOrganisation]:
    return MassOrganisation.objects.filter(is_active=True)


def predecessors_of(ward) -> list[WardSuccession]:
    """The abolished communes whose figures roll up into `ward` (one successor each, so a
    commune split over several new ones is counted once), by name."""
    return list(
        WardSuccession.objects.filter(successor=ward, rolls_up=True)
        .select_related("predecessor")
        .order_by(by_vietnamese("predecessor__name"), "predecessor__code")
    )


def former_units(ward) -> list[WardSuccession]:
    """Every abolished commune that `ward` replaced wholly or in part (its readable history)."""
    return list(
        WardSuccession.objects.filter(successor=ward)
        .select_related("predecessor")
        .order_by(by_vietnamese("predecessor__name"), "predecessor__code")
    )


def successors_of(ward) -> list[WardSuccession]:
    return list(
        WardSuccession.objects.filter(predecessor=ward)
        .select_related("successor")
        .order_by("-rolls_up", "successor__code")
    )
