"""One ward's data out of the portal and into another: `manage.py export_ward` / `import_ward`.

An export directory holds:
- ward.json      every row of the ward in Django's serialization format, table after table in
                 dependency order, rows by primary key; users by user name and without
                 passwords (natural keys), so it also reads as a `loaddata` fixture;
- manifest.json  the ward, the row count of each table and key figures to compare;
- <code>.xlsx    the same tables for people: one sheet each, Vietnamese headers;
- media/         uploaded files the rows name (house photos, rendered documents).

The import writes everything in one transaction. The catalogues (provinces, wards, mass
organisations, indicators, rules) are matched by their code or name and never overwritten;
other rows keep their primary key where it is free, else get a new one and every reference
to them follows. Imported users get no usable password: they set one through an admin.
"""

import datetime
import json
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q, Sum
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.text import capfirst
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from campaigns.models import (
    Allocation,
    AllocationReversal,
    BankStatement,
    Campaign,
    Disbursement,
    Donation,
    DonationReversal,
    GovernmentSupport,
    House,
    Household,
    HousePhoto,
    Pledge,
    ReceiptCounter,
    StatementLine,
)
from core.spreadsheets import safe_cell
from reports.documents.models import Block, Document, Section
from reports.models import (
    AreaValue,
    Indicator,
    IndicatorGroup,
    IndicatorValue,
    MonthlyReport,
    RatingCategory,
    RatingValue,
    ReportEvent,
    ValidationRule,
    WarningExplanation,
)
from reports.summaries import maintain
from wards.models import (
    MassOrganisation,
    Membership,
    Province,
    ResidentialArea,
    RoleAssignment,
    Ward,
)

FORMAT = 1
USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "date_joined"]


def _province_campaigns(ward):
    """Province campaigns the ward's money or houses belong to."""
    used = (
        Q(donations__ward=ward)
        | Q(disbursements__ward=ward)
        | Q(houses__ward=ward)
        | Q(allocations__ward=ward)
    )
    return Campaign.objects.filter(used, province__isnull=False).values("pk")


# (model, the ward's rows), parents before children. Catalogues come whole.
TABLES = [
    (Province, lambda ward: Province.objects.filter(pk=ward.province_id)),
    (Ward, lambda ward: Ward.objects.filter(pk=ward.pk)),
    (MassOrganisation, lambda ward: MassOrganisation.objects.all()),
    (IndicatorGroup, lambda ward: IndicatorGroup.objects.all()),
    (Indicator, lambda ward: Indicator.objects.all()),
    (RatingCategory, lambda ward: RatingCategory.objects.all()),
    (ValidationRule, lambda ward: ValidationRule.objects.all()),
    (ResidentialArea, lambda ward: ResidentialArea.objects.filter(ward=ward)),
    (Membership, lambda ward: Membership.objects.filter(ward=ward)),
    (RoleAssignment, lambda ward: RoleAssignment.objects.filter(ward=ward)),
    (
        Campaign,
        lambda ward: Campaign.objects.filter(Q(ward=ward) | Q(pk__in=_province_campaigns(ward))),
    ),
    # Pledge codes donors took from the ward's own fund pages.
    (Pledge, lambda ward: Pledge.objects.filter(campaign__ward=ward)),
    (ReceiptCounter, lambda ward: ReceiptCounter.objects.filter(ward=ward)),
    (BankStatement, lambda ward: BankStatement.objects.filter(ward=ward)),
    # What the ward received from its province's drives (both sides are one row).
    (Allocation, lambda ward: Allocation.objects.filter(ward=ward)),
    (AllocationReversal, lambda ward: AllocationReversal.objects.filter(allocation__ward=ward)),
    (Household, lambda ward: Household.objects.filter(ward=ward)),
    (Donation, lambda ward: Donation.objects.filter(ward=ward)),
    (DonationReversal, lambda ward: DonationReversal.objects.filter(donation__ward=ward)),
    # After the donations: a recorded line names the one it became.
    (StatementLine, lambda ward: StatementLine.objects.filter(ward=ward)),
    (Disbursement, lambda ward: Disbursement.objects.filter(ward=ward)),
    (House, lambda ward: House.objects.filter(ward=ward)),
    (HousePhoto, lambda ward: HousePhoto.objects.filter(house__ward=ward)),
    (GovernmentSupport, lambda ward: GovernmentSupport.objects.filter(ward=ward)),
    (MonthlyReport, lambda ward: MonthlyReport.objects.filter(ward=ward)),
    (IndicatorValue, lambda ward: IndicatorValue.objects.filter(report__ward=ward)),
    (
        IndicatorValue.history.model,
        lambda ward: IndicatorValue.history.model.objects.filter(report__ward=ward),
    ),
    (AreaValue, lambda ward: AreaValue.objects.filter(report__ward=ward)),
    (
        AreaValue.history.model,
        lambda ward: AreaValue.history.model.objects.filter(report__ward=ward),
    ),
    (RatingValue, lambda ward: RatingValue.objects.filter(report__ward=ward)),
    (
        RatingValue.history.model,
        lambda ward: RatingValue.history.model.objects.filter(report__ward=ward),
    ),
    (WarningExplanation, lambda ward: WarningExplanation.objects.filter(report__ward=ward)),
    (ReportEvent, lambda ward: ReportEvent.objects.filter(report__ward=ward)),
    (Document, lambda ward: Document.objects.filter(ward=ward)),
    (Section, lambda ward: Section.objects.filter(document__ward=ward)),
    (Block, lambda ward: Block.objects.filter(section__document__ward=ward)),
]
# Computed from the rows above, rebuilt after an import.
DERIVED = {"reports.wardmonth", "reports.provinceindicatormonth", "reports.wardindicatormonth"}
# Process heartbeats and one-time form tokens: bookkeeping, not the ward's data; which old
# communes a commune replaced: the official map, loaded in every database by
# load_former_communes like the map itself by load_divisions.
# Notices and the kinds a person switched off: messages to people of this database, made
# again from the reports by `send_notices` where needed.
NOT_WARD_DATA = {
    "wards.taskworker",
    "wards.formsubmission",
    "wards.wardsuccession",
    "reports.notice",
    "reports.noticeoptout",
}

# Catalogue rows are the same thing in another database when these fields match.
IDENTITY = {
    Province: ["code"],
    Ward: ["code"],
    MassOrganisation: ["name"],
    IndicatorGroup: ["name"],
    Indicator: ["code"],
    RatingCategory: ["indicator", "name"],
    ValidationRule: ["left", "operator", "right"],
}

# The ward already has data in the target when any of these has a row of it.
WARD_OWNED = [ResidentialArea, Membership, RoleAssignment, Campaign, Household, Donation]
WARD_OWNED += [MonthlyReport, Document, BankStatement]


class ImportRefused(Exception):
    """The message says why, in Vietnamese."""


def _label(model):
    return model._meta.label_lower


def _rows(ward):
    for model, rows_of in TABLES:
        yield model, rows_of(ward).order_by("pk")


def _user_foreign_keys(model):
    User = get_user_model()
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is User]


def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


# --- Export --------------------------------------------------------------------------------


def key_figures(ward) -> dict:
    """Figures a person checks after moving a ward: counts and totals in đồng."""

    def total(queryset, field="amount"):
        return queryset.aggregate(total=Sum(field))["total"] or 0

    return {
        "donations": Donation.objects.filter(ward=ward).count(),
        # Cash and goods' money equivalents apart, as everywhere.
        "donations_amount": total(Donation.objects.filter(ward=ward, form="cash")),
        "donations_in_kind_value": total(Donation.objects.filter(ward=ward, form="in_kind")),
        "reversed_amount": total(
            Donation.objects.filter(ward=ward, form="cash", reversal__isnull=False)
        ),
        "disbursed_amount": total(Disbursement.objects.filter(ward=ward, form="cash")),
        "disbursed_in_kind_value": total(Disbursement.objects.filter(ward=ward, form="in_kind")),
        "monthly_reports": MonthlyReport.objects.filter(ward=ward).count(),
        "indicator_values_sum": total(IndicatorValue.objects.filter(report__ward=ward), "value"),
        "households": Household.objects.filter(ward=ward).count(),
        "houses": House.objects.filter(ward=ward).count(),
    }


def export_ward(ward, directory: Path) -> dict:
    """Write ward.json, manifest.json, the workbook and media/ into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    user_ids, objects, counts, missing = set(), [], {}, []
    for model, rows in _rows(ward):
        for field in _user_foreign_keys(model):
            user_ids.update(
                rows.exclude(**{field.attname: None}).values_list(field.attname, flat=True)
            )
        objects += serializers.serialize("python", rows, use_natural_foreign_keys=True)
        counts[_label(model)] = rows.count()
        for field in _file_fields(model):
            for name in rows.exclude(**{field.attname: ""}).values_list(field.attname, flat=True):
                if not _copy_out(name, directory / "media"):
                    missing.append(name)
    users = get_user_model().objects.filter(pk__in=user_ids).order_by("username")
    objects = (
        serializers.serialize("python", users, fields=USER_FIELDS, use_natural_primary_keys=True)
        + objects
    )
    counts[_label(get_user_model())] = users.count()
    _write_json(directory / "ward.json", objects)
    manifest = {
        "format": FORMAT,
        "ward": ward.code,
        "name": ward.name,
        "province": ward.province.name,
        "exported_at": timezone.localtime().isoformat(timespec="seconds"),
        "counts": counts,
        "figures": key_figures(ward),
        "missing_files": missing,
    }
    _write_json(directory / "manifest.json", manifest)
    write_workbook(ward, users, directory / f"{ward.code}.xlsx")
    return manifest


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds: an import restores them exactly."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _write_json(path, payload):
    path.write_text(
        json.dumps(payload, cls=_Encoder, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )


def _copy_out(name, media):
    if not default_storage.exists(name):
        return False
    target = media / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with default_storage.open(name, "rb") as source, target.open("wb") as copy:
        shutil.copyfileobj(source, copy)
    return True


# --- Workbook for people -------------------------------------------------------------------

SHEET_TITLES = {
    "auth.user": "Người dùng",
    "campaigns.receiptcounter": "Sổ đếm số biên nhận",
    "campaigns.housephoto": "Ảnh nhà Đại đoàn kết",
    "reports.areavalue": "Số liệu theo khu dân cư",
    "reports.warningexplanation": "Giải trình cảnh báo",
}
# Headers for fields that have no Vietnamese verbose name of their own.
HEADERS = {
    "id": "Mã số",
    "username": "Tên đăng nhập",
    "first_name": "Tên",
    "last_name": "Họ và tên đệm",
    "email": "Thư điện tử",
    "is_active": "Đang hoạt động",
    "date_joined": "Ngày tạo tài khoản",
    "ward": "Phường, xã",
    "province": "Tỉnh, thành phố",
    "file_digest": "Mã kiểm tra tệp",
    "key": "Khoá nhận diện dòng",
    "version": "Phiên bản",
    "year": "Năm",
    "last_number": "Số biên nhận cuối cùng",
    "recorded_by": "Người ghi",
    "recorded_at": "Ghi lúc",
    "uploaded_at": "Tải lên lúc",
    "house": "Nhà",
    "report": "Báo cáo tháng",
    "indicator": "Chỉ tiêu",
    "area": "Khu dân cư",
    "rule": "Quy tắc kiểm tra",
    "document": "Báo cáo định kỳ, nhiệm kỳ",
    "section": "Mục",
    "created_by": "Người tạo",
    "created_at": "Tạo lúc",
    "updated_at": "Cập nhật lúc",
    "issued_by": "Người ban hành",
    "pdf_file": "Tệp PDF",
    "pdf_source_hash": "Mã kiểm tra nội dung PDF",
    "pdf_pages": "Số trang PDF",
    "history_id": "Mã bản ghi lịch sử",
    "history_date": "Thời điểm thay đổi",
    "history_change_reason": "Lý do thay đổi",
    "history_type": "Loại thay đổi",
    "history_user": "Người thay đổi",
}
INVALID_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(model, used):
    original = getattr(model, "instance_type", None)
    if original is not None:
        title = f"Lịch sử {original._meta.verbose_name_plural}"
    else:
        title = SHEET_TITLES.get(_label(model), str(model._meta.verbose_name_plural))
    title = capfirst(title).translate(INVALID_TITLE)[:31].strip()
    candidate, n = title, 2
    while candidate.lower() in used:
        candidate = f"{title[:28]} {n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def _header(field):
    name = str(field.verbose_name)
    if name == field.name.replace("_", " ") or field.name in ("id", "history_type"):
        name = HEADERS.get(field.name, name)
    return capfirst(name)


def _labels_of_related(field, rows):
    """{pk: text} of the rows a foreign key points to, in one query."""
    ids = {getattr(row, field.attname) for row in rows} - {None}
    related = field.related_model._base_manager.in_bulk(ids)
    return {pk: str(obj) for pk, obj in related.items()}


# Money and indicator figures get thousand separators; ids, years and receipt numbers not.
GROUPED = (models.BigIntegerField, models.DecimalField)


def _cell(sheet, value, field):
    number_format = None
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    elif isinstance(value, datetime.datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
        number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, datetime.date):
        number_format = "DD/MM/YYYY"
    elif isinstance(value, int | Decimal) and isinstance(field, GROUPED):
        number_format = "#,##0" if isinstance(value, int) else "#,##0.00"
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, FieldFile):
        value = value.name or None
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    if number_format:
        cell.number_format = number_format
    return cell


def _value(row, field, related):
    if field.is_relation:
        pk = getattr(row, field.attname)
        return related[field.name].get(pk, pk)
    if field.choices:
        return row._get_FIELD_display(field)
    return getattr(row, field.attname)


def _append_sheet(workbook, used, model, rows, fields):
    sheet = workbook.create_sheet(_sheet_title(model, used))
    bold = Font(bold=True)
    headers = []
    for field in fields:
        cell = WriteOnlyCell(sheet, value=_header(field))
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    rows = list(rows)
    related = {f.name: _labels_of_related(f, rows) for f in fields if f.is_relation}
    for row in rows:
        sheet.append([_cell(sheet, _value(row, field, related), field) for field in fields])


def write_workbook(ward, users, path):
    with translation.override("vi"):
        workbook = Workbook(write_only=True)
        used = set()
        User = get_user_model()
        user_fields = [User._meta.get_field(name) for name in USER_FIELDS]
        _append_sheet(workbook, used, User, users, user_fields)
        for model, rows in _rows(ward):
            _append_sheet(workbook, used, model, rows, model._meta.concrete_fields)
        workbook.save(path)


# --- Import --------------------------------------------------------------------------------


def import_ward(directory: Path) -> Ward:
    """Load an export into this database; refuses if the ward already has data here."""
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ImportRefused("Thư mục không phải bản xuất dữ liệu phường, xã của cổng này.")
    entries = json.loads((directory / "ward.json").read_text(encoding="utf-8"))
    by_model = defaultdict(list)
    for entry in entries:
        by_model[entry["model"]].append(entry)
    existing = Ward.objects.filter(code=manifest["ward"]).first()
    if existing and any(m.objects.filter(ward=existing).exists() for m in WARD_OWNED):
        raise ImportRefused(
            f"{existing.name} đã có dữ liệu trong cơ sở dữ liệu này; "
            "chỉ nhập vào nơi chưa có dữ liệu của phường, xã này."
        )
    with transaction.atomic():
        _create_users(by_model[_label(get_user_model())])
        new_pks = {}
        for model, _ in TABLES:
            new_pks[model] = _load_table(model, by_model[_label(model)], new_pks, directory)
        ward = Ward.objects.get(code=manifest["ward"])
        maintain.rebuild(ward_ids=[ward.pk])
    return ward


def _create_users(entries):
    User = get_user_model()
    known = set(
        User.objects.filter(
            username__in=[entry["fields"]["username"] for entry in entries]
        ).values_list("username", flat=True)
    )
    for entry in entries:
        fields = entry["fields"]
        # An account that exists here already is this database's own: left as it is.
        if fields["username"] in known:
            continue
        user = User(**{name: fields[name] for name in USER_FIELDS})
        user.date_joined = datetime.datetime.fromisoformat(fields["date_joined"])
        user.set_unusable_password()
        user.save()


def _foreign_keys(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not get_user_model()
    ]


def _load_table(model, entries, new_pks, directory) -> dict:
    """Insert the rows of one table; returns {exported pk: pk here}."""
    mapping, kept, renumbered = {}, [], []
    foreign_keys = _foreign_keys(model)
    original = getattr(model, "instance_type", None)
    exported = [entry["pk"] for entry in entries]
    taken = set(model._base_manager.filter(pk__in=exported).values_list("pk", flat=True))
    for entry in entries:
        fields = dict(entry["fields"])
        for field in foreign_keys:
            pks = new_pks.get(field.related_model, {})
            if fields.get(field.name) in pks:
                fields[field.name] = pks[fields[field.name]]
        if original is not None and fields.get("id") in new_pks.get(original, {}):
            fields["id"] = new_pks[original][fields["id"]]
        if model in IDENTITY:
            match = model._base_manager.filter(**{f: fields[f] for f in IDENTITY[model]}).first()
            if match is not None:
                mapping[entry["pk"]] = match.pk
                continue
        for field in _file_fields(model):
            if fields.get(field.name):
                fields[field.name] = _copy_in(fields[field.name], directory / "media")
        pk = None if entry["pk"] in taken else entry["pk"]
        (loaded,) = serializers.deserialize(
            "python", [{"model": entry["model"], "pk": pk, "fields": fields}]
        )
        (kept if pk is not None else renumbered).append((entry["pk"], loaded.object))
    # Rows keeping their id first, so that the new ids the database hands out come after them.
    for batch in (kept, renumbered):
        _insert([row for _, row in batch])
        _reset_sequences([model])
        mapping.update((exported_pk, row.pk) for exported_pk, row in batch)
    return mapping


def _insert(rows):
    """Insert rows as they were exported, in bulk.

    Bulk inserts send no model signals (the summaries are rebuilt once at the end) but stamp
    auto_now fields with the current time: the exported times are put back afterwards.
    """
    if not rows:
        return
    model = type(rows[0])
    stamped = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    times = [[getattr(row, f.attname) for f in stamped] for row in rows]
    model._base_manager.bulk_create(rows, batch_size=1000)
    if stamped:
        for row, values in zip(rows, times, strict=True):
            for field, value in zip(stamped, values, strict=True):
                setattr(row, field.attname, value)
        model._base_manager.bulk_update(rows, [f.name for f in stamped], batch_size=1000)


def _copy_in(name, media):
    source = (media / name).resolve()
    if not source.is_relative_to(media.resolve()):
        raise ImportRefused(f"Tên tệp đính kèm không hợp lệ: {name}")
    if not source.exists():
        return name
    with source.open("rb") as handle:
        return default_storage.save(name, File(handle))


def _reset_sequences(models_):
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
