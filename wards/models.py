"""Where and who: the administrative map, residential areas, mass organisations and roles."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.collation import by_vietnamese
from core.numbers import percent_of


class Province(models.Model):
    """Tỉnh / thành phố trực thuộc trung ương (2025 map), keyed by its official code."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", "Tỉnh"
        CITY = "thanh_pho", "Thành phố trực thuộc trung ương"

    code = models.CharField("mã", max_length=2, unique=True)
    name = models.CharField("tên", max_length=100)
    kind = models.CharField("loại", max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = "tỉnh, thành phố"
        verbose_name_plural = "tỉnh, thành phố"
        ordering = ["code"]

    def __str__(self):
        return self.name


class CurrentWards(models.Manager):
    """The communes of the current map: abolished (merged) communes are left out, so every
    list of communes (a province's, the progress matrix, dashboards) shows current ones only.
    `Ward.all_units` reaches the abolished ones too (scoping, history, roll-up)."""

    def get_queryset(self):
        return super().get_queryset().filter(abolished_on__isnull=True)


class AllWards(models.Manager):
    """Every commune, abolished ones included."""


# Abolished communes keep their official pre-2025 code with this suffix: the 2025 map reused
# old codes for new communes (new 30301 Mỹ Thới = old 30301 Mỹ Thới + old 30304 Mỹ Thạnh).
LEGACY_CODE_SUFFIX = "-cu"


class Ward(models.Model):
    """Commune-level unit (phường / xã / đặc khu), keyed by its official code.

    A commune abolished by the 2025 rearrangement stays a row (`abolished_on` set, code
    "<old code>-cu") so the figures entered for it stay readable under it; `WardSuccession`
    links it to the commune(s) that replaced it, and its figures roll up into one of them.
    """

    class Kind(models.TextChoices):
        WARD = "phuong", "Phường"
        COMMUNE = "xa", "Xã"
        SPECIAL_ZONE = "dac_khu", "Đặc khu"
        TOWNSHIP = "thi_tran", "Thị trấn"

    code = models.CharField("mã", max_length=8, unique=True)
    name = models.CharField("tên", max_length=100)
    kind = models.CharField("loại", max_length=16, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="wards", verbose_name="tỉnh, thành phố"
    )
    abolished_on = models.DateField(
        "ngày thôi hoạt động (sắp xếp, sáp nhập)",
        null=True,
        blank=True,
        help_text="Để trống với phường, xã hiện hành.",
    )
    # Where an abolished commune sat on the old map: "Thành phố Long Xuyên, Tỉnh An Giang".
    former_location = models.CharField("thuộc (địa giới cũ)", max_length=150, blank=True)
    successors = models.ManyToManyField(
        "self",
        through="WardSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        verbose_name="phường, xã thay thế",
        blank=True,
    )

    objects = CurrentWards()
    all_units = AllWards()

    class Meta:
        base_manager_name = "all_units"
        verbose_name = "phường, xã"
        verbose_name_plural = "phường, xã"
        ordering = ["province__code", by_vietnamese("name")]

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        """The name without its kind: "Phường Mỹ Thới" → "Mỹ Thới" (for "Mỹ Thới, ngày …")."""
        prefix = self.get_kind_display() + " "
        return self.name.removeprefix(prefix)

    @property
    def is_abolished(self) -> bool:
        return self.abolished_on is not None

    def accepts_month(self, period) -> bool:
        """Whether figures may be entered for the month starting `period`: any month of a
        current commune; only months before its abolition for an abolished one."""
        return self.abolished_on is None or period < self.abolished_on


class WardSuccession(models.Model):
    """An abolished commune → one commune that replaced it (official 2025 conversion table).

    A commune split over several new ones (`is_partly_merged`) has one row per successor, and
    exactly one of them `rolls_up`: its figures are counted in that successor only, so nothing
    is counted twice at province level.
    """

    predecessor = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="successions",
        verbose_name="phường, xã cũ",
    )
    successor = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="predecessions",
        verbose_name="phường, xã mới",
    )
    is_partly_merged = models.BooleanField("chỉ một phần sáp nhập vào", default=False)
    rolls_up = models.BooleanField("số liệu cộng vào phường, xã mới này", default=False)

    class Meta:
        verbose_name = "sắp xếp phường, xã"
        verbose_name_plural = "sắp xếp phường, xã"
        ordering = ["successor__code", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="unique_ward_succession",
                violation_error_message="Đã có dòng sắp xếp này.",
            ),
            models.UniqueConstraint(
                fields=["predecessor"],
                condition=Q(rolls_up=True),
                name="one_rollup_successor_per_ward",
                violation_error_message=(
                    "Số liệu của một phường, xã cũ chỉ cộng vào một phường, xã mới."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"


class ResidentialArea(models.Model):
    """Khu dân cư: the level below a ward, added by the ward's officers."""

    class Kind(models.TextChoices):
        RESIDENTIAL_AREA = "khu_dan_cu", "Khu dân cư"
        RESIDENTIAL_GROUP = "to_dan_pho", "Tổ dân phố"
        HAMLET = "ap", "Ấp"
        NEIGHBOURHOOD = "khom", "Khóm"
        VILLAGE = "thon", "Thôn"
        MOUNTAIN_VILLAGE = "ban", "Bản"

    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="residential_areas", verbose_name="phường, xã"
    )
    name = models.CharField("tên", max_length=100)
    kind = models.CharField("loại", max_length=16, choices=Kind.choices)
    households = models.PositiveIntegerField("số hộ", null=True, blank=True)
    population = models.PositiveIntegerField("số nhân khẩu", null=True, blank=True)

    class Meta:
        verbose_name = "khu dân cư"
        verbose_name_plural = "khu dân cư"
        ordering = [by_vietnamese("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "name"],
                name="unique_area_name_per_ward",
                violation_error_message="Phường, xã đã có khu dân cư mang tên này.",
            ),
        ]

    def __str__(self):
        return self.name


class MassOrganisation(models.Model):
    """Tổ chức thành viên (Hội LHPN, Hội Nông dân, Đoàn TN, …): an editable catalogue."""

    name = models.CharField("tên", max_length=150, unique=True)
    short_name = models.CharField("tên viết tắt", max_length=40, blank=True)
    display_order = models.PositiveSmallIntegerField("thứ tự hiển thị", default=100)
    is_active = models.BooleanField("đang sử dụng", default=True)

    class Meta:
        verbose_name = "tổ chức thành viên"
        verbose_name_plural = "tổ chức thành viên"
        ordering = ["display_order", by_vietnamese("name")]

    def __str__(self):
        return self.short_name or self.name


def membership_rate(members, eligible):
    """Tỷ lệ tập hợp in percent, unrounded (shown with one decimal by the `percent` filter);
    None when there is nobody to enrol."""
    return percent_of(members, eligible)


class Membership(models.Model):
    """Members of one organisation in one ward on a date; the rate is always derived."""

    ward = models.ForeignKey(
        Ward, on_delete=models.CASCADE, related_name="memberships", verbose_name="phường, xã"
    )
    organisation = models.ForeignKey(
        MassOrganisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="tổ chức",
    )
    as_of = models.DateField("tính đến ngày")
    members = models.PositiveIntegerField("số đoàn viên, hội viên")
    eligible = models.PositiveIntegerField("số người trong diện tập hợp")

    class Meta:
        verbose_name = "số liệu tập hợp"
        verbose_name_plural = "số liệu tập hợp"
        ordering = ["organisation__display_order", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "organisation", "as_of"],
                name="unique_membership_per_date",
                violation_error_message="Đã có số liệu của tổ chức này tại ngày này.",
            ),
            models.CheckConstraint(
                condition=Q(members__lte=models.F("eligible")),
                name="members_within_eligible",
                violation_error_message=(
                    "Số đoàn viên, hội viên không được lớn hơn số người trong diện tập hợp."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.as_of:%d/%m/%Y}"

    @property
    def rate(self):
        return membership_rate(self.members, self.eligible)


class RoleAssignment(models.Model):
    """What a user is in the portal; system admins are superusers and need no assignment."""

    class Role(models.TextChoices):
        WARD_OFFICER = "ward_officer", "Cán bộ MTTQ phường, xã"
        WARD_CHAIR = "ward_chair", "Chủ tịch Ủy ban MTTQ phường, xã"
        PARTY_VIEWER = "party_viewer", "Đảng ủy phường, xã (xem)"
        PROVINCE_OFFICER = "province_officer", "Cán bộ MTTQ tỉnh, thành phố"
        PROVINCE_CHAIR = "province_chair", "Chủ tịch Ủy ban MTTQ tỉnh, thành phố"
        PROVINCE_VIEWER = "province_viewer", "Lãnh đạo, cán bộ tỉnh, thành phố (xem)"
        # The head of a member organisation, a vice-chair of the commune's committee: reads
        # the ward like the party, writes only its organisation's part (wards/selectors.py).
        ORGANISATION_OFFICER = (
            "organisation_officer",
            "Cán bộ tổ chức thành viên (Phó Chủ tịch Ủy ban MTTQ)",
        )

    WARD_ROLES = (Role.WARD_OFFICER, Role.WARD_CHAIR, Role.PARTY_VIEWER, Role.ORGANISATION_OFFICER)
    PROVINCE_ROLES = (Role.PROVINCE_OFFICER, Role.PROVINCE_CHAIR, Role.PROVINCE_VIEWER)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignment",
        verbose_name="người dùng",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    ward = models.ForeignKey(
        Ward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="phường, xã",
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name="tỉnh, thành phố",
    )
    organisation = models.ForeignKey(
        MassOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name="tổ chức thành viên",
        help_text="Chỉ chọn cho vai trò cán bộ tổ chức thành viên.",
    )
    # The number the province calls when the commune's report is late (its landing page).
    phone = models.CharField(
        "số điện thoại",
        max_length=20,
        blank=True,
        help_text="Số điện thoại công tác, để cấp tỉnh liên hệ khi báo cáo chậm.",
    )

    class Meta:
        verbose_name = "vai trò cán bộ"
        verbose_name_plural = "vai trò cán bộ"
        constraints = [
            # A ward role names exactly one ward; a province role exactly one province; an
            # organisation officer also names its organisation, which no other role names.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["province_officer", "province_chair", "province_viewer"],
                        province__isnull=False,
                        ward__isnull=True,
                        organisation__isnull=True,
                    )
                    | (
                        Q(role__in=["ward_officer", "ward_chair", "party_viewer"])
                        & Q(ward__isnull=False, province__isnull=True, organisation__isnull=True)
                    )
                    | Q(
                        role="organisation_officer",
                        ward__isnull=False,
                        province__isnull=True,
                        organisation__isnull=False,
                    )
                ),
                name="role_has_matching_unit",
                violation_error_message=(
                    "Vai trò cấp phường, xã cần chọn đúng một phường, xã; "
                    "cán bộ tỉnh cần chọn đúng một tỉnh, thành phố; cán bộ tổ chức thành viên "
                    "cần chọn thêm đúng một tổ chức (các vai trò khác không chọn tổ chức)."
                ),
            ),
        ]

    def __str__(self):
        unit = self.ward or self.province
        if self.organisation_id:
            return f"{self.user} – {self.get_role_display()} – {self.organisation} – {unit}"
        return f"{self.user} – {self.get_role_display()} – {unit}"


class TaskWorker(models.Model):
    """A running background task worker (`manage.py db_worker`), seen by its heartbeat.

    django-tasks-db records which worker took a task, but nothing about workers waiting for
    one: each worker writes its row every few seconds (wards/task_workers.py) and deletes it
    when it stops, so pages can tell a queue that is merely busy from one nobody serves.
    """

    worker_id = models.CharField("mã tiến trình", max_length=64, unique=True)
    backend_name = models.CharField("backend tác vụ", max_length=32)
    # The queues it takes tasks from ("*": all of them but the excluded ones).
    queue_names = models.JSONField("hàng đợi", default=list)
    excluded_queue_names = models.JSONField("hàng đợi bỏ qua", default=list)
    hostname = models.CharField("máy", max_length=255, blank=True)
    pid = models.PositiveIntegerField("số tiến trình", null=True, blank=True)
    started_at = models.DateTimeField("bắt đầu")
    last_seen = models.DateTimeField("lần cuối báo còn chạy", db_index=True)

    class Meta:
        verbose_name = "tiến trình tác vụ nền"
        verbose_name_plural = "tiến trình tác vụ nền"

    def __str__(self):
        return f"{self.worker_id} ({self.hostname})"

    def serves(self, backend_name: str, queue_name: str) -> bool:
        if backend_name != self.backend_name or queue_name in self.excluded_queue_names:
            return False
        return "*" in self.queue_names or queue_name in self.queue_names


class FormSubmission(models.Model):
    """The one-time token of a create form, claimed by the record its first POST created.

    Claimed in the same transaction as the record: the primary key refuses a second claim, so
    a double click, a resent POST or two requests at once create one record (wards/submissions).
    """

    token = models.UUIDField(primary_key=True)
    # None: an anonymous visitor's form (a donor's pledge on a public page).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lần gửi biểu mẫu"
        verbose_name_plural = "lần gửi biểu mẫu"

    def __str__(self):
        return str(self.token)
