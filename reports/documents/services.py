"""Writes to term and period documents. Keyword-only, one transaction each, validated inside.

Every write re-reads the document under a row lock (concurrent edits queue up, positions stay
dense), checks the user may write the ward's documents, and refuses any change to an issued
document: an issued document is frozen with the figures it showed; to change it, copy it into
a new draft.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from reports.documents import figures, holders, outline, richtext
from reports.documents.models import Block, Document, Section
from wards.selectors import (
    ADMIN,
    Role,
    can_approve_province,
    can_edit_province,
    can_edit_ward,
    role_of,
    ward_for,
)

ISSUED_MESSAGE = "Văn bản đã ban hành, không sửa được."
TEXT_MAX_LENGTH = 100_000
UP, DOWN = "up", "down"

# Fields of the official frame that officers edit on the frame form.
FRAME_FIELDS = (
    "parent_body",
    "issuing_body",
    "issuing_board",
    "number",
    "symbol",
    "place",
    "issued_on",
    "title",
    "summary",
    "addressee",
    "closing",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
    "starts_on",
    "ends_on",
    "previous_starts_on",
    "previous_ends_on",
)
# Changing one of these changes what the figure blocks must show.
DATE_FIELDS = ("starts_on", "ends_on", "previous_starts_on", "previous_ends_on")


class DocumentRefusal(ValueError):
    """A refused write; the message is shown to the user as it is."""


class EditConflict(Exception):
    """Someone saved the frame, section or block after the user's page showed it: nothing was
    written. `saved` is it as saved now, for the page to show next to the user's text."""

    def __init__(self, saved, message):
        super().__init__(message)
        self.saved = saved


NO_VERSION_MESSAGE = (
    "Trang bạn gửi không cho biết bạn đang sửa bản nào, nên chưa lưu gì để không ghi đè nội "
    "dung người khác có thể đã lưu. Bên dưới là bản đang lưu và bản của bạn; nội dung của bạn "
    "vẫn còn trong ô nhập, hãy xem lại rồi lưu lần nữa."
)


def _check_version(saved, base_version, require_version, what: str):
    """Refuse a write against an older version than the one saved (`what`: "đoạn văn này")."""
    if base_version is None:
        if require_version:
            raise EditConflict(saved, NO_VERSION_MESSAGE)
        return
    if base_version != saved.version:
        raise EditConflict(
            saved,
            f"Người khác đã lưu {what} sau khi bạn mở trang, nên chưa lưu gì để không ghi đè. "
            "Bên dưới là bản vừa được lưu và bản của bạn; nội dung của bạn vẫn còn trong ô "
            "nhập, hãy xem lại rồi lưu lần nữa.",
        )


# --- Permissions and locking ---------------------------------------------------------------


def can_write(user, holder) -> bool:
    """The ward's (or the province's) officer and chair, and admins, write its documents."""
    if holders.is_province(holder):
        return can_edit_province(user, holder)
    return can_edit_ward(user, holder)


def can_issue(user, holder) -> bool:
    """The chair of the ward's (or the province's) committee, and admins, issue them."""
    if holders.is_province(holder):
        return can_approve_province(user, holder)
    role = role_of(user)
    if role == ADMIN:
        return True
    return role == Role.WARD_CHAIR and ward_for(user) == holder


def issue_refusal(holder) -> str:
    if holders.is_province(holder):
        return "Chỉ Chủ tịch Ủy ban MTTQ của tỉnh, thành phố được ban hành văn bản."
    return "Chỉ Chủ tịch Ủy ban MTTQ của phường, xã được ban hành văn bản."


def _require_writer(user, holder):
    if not can_write(user, holder):
        if holders.is_province(holder):
            raise PermissionDenied("Bạn không có quyền sửa văn bản của tỉnh, thành phố này.")
        raise PermissionDenied("Bạn không có quyền sửa văn bản của phường, xã này.")


def _draft(document: Document, user) -> Document:
    """The document re-read under a row lock; refused if issued or not the user's to write."""
    locked = (
        Document.objects.select_for_update(of=("self",))
        .select_related("ward", "province")
        .get(pk=document.pk)
    )
    _require_writer(user, locked.holder)
    if locked.is_issued:
        raise DocumentRefusal(ISSUED_MESSAGE)
    return locked


def _touch(document: Document):
    # The list shows when a document last changed, section and block edits included.
    document.save(update_fields=["updated_at"])


def _section_of(document: Document, section: Section) -> Section:
    try:
        return document.sections.get(pk=section.pk)
    except Section.DoesNotExist:
        raise DocumentRefusal("Mục này không còn trong văn bản.") from None


def _block_of(document: Document, block: Block) -> Block:
    try:
        return Block.objects.select_related("section").get(pk=block.pk, section__document=document)
    except Block.DoesNotExist:
        raise DocumentRefusal("Khối nội dung này không còn trong văn bản.") from None


# --- Validation of typed values --------------------------------------------------------------


def _dates(starts_on, ends_on):
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise ValidationError("Hãy nhập đủ ngày bắt đầu và ngày kết thúc của kỳ báo cáo.")
    if ends_on < starts_on:
        raise ValidationError(
            {"ends_on": "Ngày kết thúc kỳ báo cáo phải bằng hoặc sau ngày bắt đầu."}
        )


def _heading(heading) -> str:
    heading = " ".join(str(heading or "").split())
    if not heading:
        raise ValidationError({"heading": "Hãy nhập tiêu đề của mục."})
    if len(heading) > Section._meta.get_field("heading").max_length:
        raise ValidationError({"heading": "Tiêu đề mục dài quá 300 ký tự."})
    return heading


def _level(level) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = None
    if level not in Section.Level.values:
        raise ValidationError({"level": "Hãy chọn cấp của mục."})
    return level


def _text(text) -> str:
    """Sanitised rich text; refused when nothing readable is left."""
    if len(text or "") > TEXT_MAX_LENGTH:
        raise ValidationError({"text": "Đoạn văn quá dài, hãy chia thành nhiều đoạn."})
    cleaned = richtext.clean(text or "")
    if not strip_tags(cleaned).replace("&nbsp;", " ").strip():
        raise ValidationError({"text": "Đoạn văn đang trống, hãy viết nội dung."})
    return cleaned


def _caption(caption) -> str:
    caption = " ".join(str(caption or "").split())
    if len(caption) > Block._meta.get_field("caption").max_length:
        raise ValidationError({"caption": "Tên bảng dài quá 200 ký tự."})
    return caption


def _figure_kind(kind) -> str:
    if kind not in Block.Kind.values or kind == Block.Kind.TEXT:
        raise ValidationError({"kind": "Hãy chọn loại bảng số liệu."})
    return kind


def _options(kind, options) -> dict:
    try:
        return figures.clean_options(kind, options or {})
    except ValidationError as error:
        # Indicator codes are the only option that can be wrong; say so next to them.
        raise ValidationError({"codes": error.messages}) from None


def _insert_index(position, count: int) -> int:
    """Where a new item goes among `count` siblings: None = at the end."""
    if position is None:
        return count
    if not isinstance(position, int) or position < 0 or position > count:
        raise ValidationError({"position": "Vị trí chèn không hợp lệ."})
    return position


def _compute(block: Block):
    block.snapshot = figures.compute(block)
    block.computed_at = timezone.now()


def _renumber(items):
    """Write dense positions 0, 1, 2, … in the given order (only rows that moved)."""
    changed = []
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index
            changed.append(item)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["position"])


def _frame_errors(document: Document):
    try:
        document.full_clean(exclude=["created_by", "issued_by", "pdf_file", "ward", "province"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    symbol = document.symbol
    if not symbol or any(c.isspace() for c in symbol) or symbol.strip("-") != symbol:
        raise ValidationError(
            {
                "symbol": "Ký hiệu viết liền, không có dấu cách; các nhóm nối bằng dấu “-”, "
                "ví dụ BC-MTTQ."
            }
        )


# --- Documents -------------------------------------------------------------------------------


@transaction.atomic
def document_create(*, ward=None, province=None, kind, starts_on, ends_on, user) -> Document:
    """A new draft of the ward's, or the province committee's, with the official frame and
    the default outline; figures computed now."""
    holder = ward if province is None else province
    if (ward is None) == (province is None):
        raise ValueError("A document belongs to one ward or one province.")
    _require_writer(user, holder)
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": "Hãy chọn loại báo cáo."})
    _dates(starts_on, ends_on)
    document = Document(
        ward=ward,
        province=province,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        issued_on=timezone.localdate(),
        created_by=user,
        **outline.frame_defaults(holder, kind, starts_on, ends_on),
    )
    _frame_errors(document)
    document.save()
    _add_outline(document, outline.default_sections(kind, province=province is not None))
    return document


def _add_outline(document: Document, outline_sections):
    sections = Section.objects.bulk_create(
        Section(document=document, position=index, level=item.level, heading=item.heading)
        for index, item in enumerate(outline_sections)
    )
    blocks = []
    for section, item in zip(sections, outline_sections, strict=True):
        for index, spec in enumerate(item.blocks):
            block = Block(section=section, position=index, kind=spec.kind)
            if spec.kind == Block.Kind.TEXT:
                block.text = richtext.clean(spec.text)
            else:
                block.options = figures.clean_options(spec.kind, spec.options)
                _compute(block)
            blocks.append(block)
    Block.objects.bulk_create(blocks)


@transaction.atomic
def document_update_frame(
    *,
    document: Document,
    user,
    values: dict,
    base_version: int | None = None,
    require_version: bool = False,
) -> Document:
    """Change the frame (body, number, place and date, title, signature, recipients, dates).

    `base_version`: the frame's version the user's page showed; EditConflict if saved since
    (with `require_version`, a page's POST, also when missing).
    """
    document = _draft(document, user)
    _check_version(document, base_version, require_version, "khung văn bản này")
    unknown = set(values) - set(FRAME_FIELDS)
    if unknown:
        raise ValueError(f"Not frame fields: {sorted(unknown)}")
    dates_changed = any(
        name in values and values[name] != getattr(document, name) for name in DATE_FIELDS
    )
    for name, value in values.items():
        if isinstance(value, str) and name not in ("recipients", "closing"):
            value = " ".join(value.split())
        setattr(document, name, value)
    document.recipients = "\n".join(document.recipient_lines)
    document.closing = (document.closing or "").strip()
    _dates(document.starts_on, document.ends_on)
    if (document.previous_starts_on is None) != (document.previous_ends_on is None):
        raise ValidationError(
            {"previous_ends_on": "Nhập đủ cả hai ngày của kỳ trước, hoặc để trống cả hai."}
        )
    if document.previous_ends_on and document.previous_ends_on < document.previous_starts_on:
        raise ValidationError(
            {"previous_ends_on": "Ngày kết thúc kỳ trước phải bằng hoặc sau ngày bắt đầu."}
        )
    _frame_errors(document)
    document.version += 1
    document.save()
    if dates_changed:
        _refresh_all(document)
    return document


@transaction.atomic
def document_delete(*, document: Document, user):
    """Drafts only: an issued document is a record and stays."""
    document = _draft(document, user)
    document.delete()


def _refresh_all(document: Document) -> int:
    blocks = list(
        Block.objects.filter(section__document=document)
        .exclude(kind=Block.Kind.TEXT)
        .select_related("section__document__ward", "section__document__province")
    )
    for block in blocks:
        _compute(block)
    Block.objects.bulk_update(blocks, ["snapshot", "computed_at"])
    return len(blocks)


@transaction.atomic
def document_refresh_figures(*, document: Document, user) -> int:
    """Recompute every figure block from today's data; the number of blocks refreshed."""
    document = _draft(document, user)
    count = _refresh_all(document)
    _touch(document)
    return count


@transaction.atomic
def document_issue(*, document: Document, user, number=None) -> Document:
    """Issue (ban hành): figures computed one last time, then the document is frozen."""
    document = _draft(document, user)
    if not can_issue(user, document.holder):
        raise PermissionDenied(issue_refusal(document.holder))
    if number is not None:
        document.number = number
    if not document.number:
        raise ValidationError({"number": "Hãy ghi số văn bản trước khi ban hành."})
    taken = Document.objects.filter(
        ward=document.ward_id,
        province=document.province_id,
        status=Document.Status.ISSUED,
        number=document.number,
        symbol=document.symbol,
        issued_on__year=document.issued_on.year,
    ).exclude(pk=document.pk)
    if taken.exists():
        raise ValidationError({"number": _number_taken(document)})
    _frame_errors(document)
    _refresh_all(document)
    document.status = Document.Status.ISSUED
    document.issued_at = timezone.now()
    document.issued_by = user
    document.issued_year = document.issued_on.year
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        if not taken.exists():
            raise
        # Another draft took the number between the check above and this write.
        raise ValidationError(
            {"number": _number_taken(document) + " Hãy chọn số khác rồi ban hành lại."}
        ) from None
    return document


def _number_taken(document: Document) -> str:
    return (
        f"Số {document.number:02d}/{document.symbol} năm {document.issued_on.year} "
        "đã dùng cho một văn bản đã ban hành khác."
    )


@transaction.atomic
def document_copy_as_draft(*, document: Document, user) -> Document:
    """A new draft with the same frame, sections and blocks (figures as they were shown).

    This is how an issued document is revised: nobody "unissues" a document.
    """
    source = Document.objects.select_related("ward", "province").get(pk=document.pk)
    _require_writer(user, source.holder)
    copy = Document.objects.get(pk=source.pk)
    copy.pk = None
    copy._state.adding = True
    copy.status = Document.Status.DRAFT
    copy.number = None
    copy.issued_on = timezone.localdate()
    copy.issued_at = None
    copy.issued_by = None
    copy.issued_year = None
    copy.created_by = user
    copy.pdf_file = ""
    copy.pdf_source_hash = ""
    copy.pdf_pages = None
    copy.save()
    sections = list(source.sections.prefetch_related("blocks"))
    new_sections = Section.objects.bulk_create(
        Section(document=copy, position=s.position, level=s.level, heading=s.heading)
        for s in sections
    )
    Block.objects.bulk_create(
        Block(
            section=new_section,
            position=b.position,
            kind=b.kind,
            text=b.text,
            options=b.options,
            caption=b.caption,
            snapshot=b.snapshot,
            computed_at=b.computed_at,
        )
        for section, new_section in zip(sections, new_sections, strict=True)
        for b in section.blocks.all()
    )
    return copy


# --- Sections --------------------------------------------------------------------------------


@transaction.atomic
def section_add(*, document: Document, user, level, heading, position: int | None = None):
    """A new section at `position` among the document's sections (None: at the end)."""
    document = _draft(document, user)
    level, heading = _level(level), _heading(heading)
    section = Section(document=document, level=level, heading=heading)
    return _insert_at(document, list(document.sections.all()), section, position)


@transaction.atomic
def section_update(
    *,
    section: Section,
    user,
    level,
    heading,
    base_version: int | None = None,
    require_version: bool = False,
) -> Section:
    """New level and heading; EditConflict when saved since `base_version` (see the frame)."""
    document = _draft(section.document, user)
    section = _section_of(document, section)
    _check_version(section, base_version, require_version, "tiêu đề mục này")
    section.level, section.heading = _level(level), _heading(heading)
    section.version += 1
    section.save(update_fields=["level", "heading", "version"])
    _touch(document)
    return section


@transaction.atomic
def section_delete(*, section: Section, user):
    """The section and its blocks go; the sections after it move up."""
    document = _draft(section.document, user)
    section = _section_of(document, section)
    section.delete()
    _renumber(list(document.sections.all()))
    _touch(document)


@transaction.atomic
def section_move(*, section: Section, user, direction: str) -> Section:
    """One place up or down in the document."""
    document = _draft(section.document, user)
    section = _section_of(document, section)
    sections = list(document.sections.all())
    _swap(
        sections,
        section,
        direction,
        first="Mục này đã ở đầu văn bản.",
        last="Mục này đã ở cuối văn bản.",
    )
    _touch(document)
    return section


def _swap(items, item, direction, *, first, last):
    if direction not in (UP, DOWN):
        raise DocumentRefusal("Hãy chọn chuyển lên hoặc chuyển xuống.")
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    target = index - 1 if direction == UP else index + 1
    if target < 0:
        raise DocumentRefusal(first)
    if target >= len(items):
        raise DocumentRefusal(last)
    items[index], items[target] = items[target], items[index]
    _renumber(items)


# --- Blocks ----------------------------------------------------------------------------------


@transaction.atomic
def block_add_text(*, section: Section, user, text, position: int | None = None) -> Block:
    """Narrative text at `position` among the section's blocks (None: at the end)."""
    document = _draft(section.document, user)
    section = _section_of(document, section)
    block = Block(section=section, kind=Block.Kind.TEXT, text=_text(text))
    return _insert_at(document, list(section.blocks.all()), block, position)


@transaction.atomic
def block_add_figure(
    *, section: Section, user, kind, options: dict, caption="", position: int | None = None
) -> Block:
    """A figure block computed at once from the data for the document's dates."""
    document = _draft(section.document, user)
    section = _section_of(document, section)
    kind = _figure_kind(kind)
    block = Block(
        section=section,
        kind=kind,
        options=_options(kind, options),
        caption=_caption(caption),
    )
    block.section.document = document
    _compute(block)
    return _insert_at(document, list(section.blocks.all()), block, position)


def _insert_at(document, siblings, record, position):
    """Save a new section or block at `position` among its `siblings` (None: at the end) and
    close the gap it opens."""
    index = _insert_index(position, len(siblings))
    record.position = index
    record.save()
    siblings.insert(index, record)
    _renumber(siblings)
    _touch(document)
    return record


@transaction.atomic
def block_update(
    *,
    block: Block,
    user,
    text=None,
    options=None,
    caption=None,
    base_version: int | None = None,
    require_version: bool = False,
) -> Block:
    """New text for a text block; new options or caption for a figure block (recomputed).

    EditConflict when the block was saved since `base_version` (see the frame).
    """
    document = _draft(block.section.document, user)
    block = _block_of(document, block)
    _check_version(
        block,
        base_version,
        require_version,
        "bảng số liệu này" if block.is_figure else "đoạn văn này",
    )
    block.section.document = document
    if block.kind == Block.Kind.TEXT:
        if text is None:
            raise ValidationError({"text": "Hãy viết nội dung đoạn văn."})
        block.text = _text(text)
    else:
        if caption is not None:
            block.caption = _caption(caption)
        if options is not None:
            block.options = _options(block.kind, options)
        _compute(block)
    block.version += 1
    block.save()
    _touch(document)
    return block


@transaction.atomic
def block_delete(*, block: Block, user):
    document = _draft(block.section.document, user)
    block = _block_of(document, block)
    section = block.section
    block.delete()
    _renumber(list(section.blocks.all()))
    _touch(document)


@transaction.atomic
def block_move(*, block: Block, user, direction: str) -> Block:
    """One place up or down within its section."""
    document = _draft(block.section.document, user)
    block = _block_of(document, block)
    blocks = list(block.section.blocks.all())
    _swap(
        blocks,
        block,
        direction,
        first="Khối này đã ở đầu mục.",
        last="Khối này đã ở cuối mục.",
    )
    _touch(document)
    return block


@transaction.atomic
def block_refresh(*, block: Block, user) -> Block:
    """Figures recomputed from today's data (drafts only)."""
    document = _draft(block.section.document, user)
    block = _block_of(document, block)
    if not block.is_figure:
        raise DocumentRefusal("Chỉ bảng số liệu mới cập nhật được số liệu.")
    block.section.document = document
    _compute(block)
    block.save(update_fields=["snapshot", "computed_at"])
    _touch(document)
    return block
