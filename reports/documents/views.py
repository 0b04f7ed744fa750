"""Pages for term and period documents: list, create, edit in place (htmx), issue, export.

Reads go through reports/documents/selectors.py (ward scoping), writes through
reports/documents/services.py. Every edit works as a plain form post (redirect back to the
editor) and, with htmx, swaps only the section or the outline it changed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from reports.documents import (
    docx,
    frame,
    holders,
    outline,
    pdf,
    richtext,
    selectors,
    services,
    tasks,
)
from reports.documents.forms import (
    DocumentCreateForm,
    FigureBlockForm,
    FrameForm,
    IssueForm,
    SectionForm,
    TextBlockForm,
    posted_version,
    show_saved_version,
    with_version,
)
from reports.documents.models import Block, Document, Section
from wards import selectors as ward_selectors
from wards import submissions

DOCUMENTS_PER_PAGE = 20
TEMPLATES = "reports/documents"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- Shared helpers --------------------------------------------------------------------------


PROVINCE_ONLY = "Văn bản của tỉnh, thành phố dành cho cán bộ Ủy ban MTTQ tỉnh, thành phố."


def _visible_holder(request, code, level):
    """The ward, or the province (its officers, chair and viewers: 403 for anyone else),
    whose documents the URL names; 404 for one the user cannot see."""
    if level == holders.PROVINCE:
        return ward_selectors.province_page_or_error(request.user, code, PROVINCE_ONLY)
    return ward_selectors.visible_ward_or_404(request.user, code)


def _editable_holder(request, code, level):
    """As _visible_holder, then 403 for a reader."""
    if level == holders.PROVINCE:
        ward_selectors.province_page_or_error(request.user, code, PROVINCE_ONLY)
        return ward_selectors.editable_province_or_error(request.user, code)
    return ward_selectors.editable_ward_or_error(request.user, code)


def _readable(request, code, pk, level):
    holder = _visible_holder(request, code, level)
    return holder, selectors.document_or_404(request.user, holder, pk)


def _writable(request, code, pk, level):
    """404 for a holder or document the user cannot see, 403 for one they may only read."""
    holder = _editable_holder(request, code, level)
    return holder, selectors.document_or_404(request.user, holder, pk)


def _posted(request):
    """The submitted data, even when empty: an empty POST must be a bound, invalid form."""
    return request.POST if request.method == "POST" else None


def _editor_url(document, anchor=""):
    url = holders.holder_url("document", document.holder, document.pk)
    return f"{url}#{anchor}" if anchor else url


def _outline(document):
    """Numbered sections (frame.numbered_sections) with blocks ready to show."""
    numbered = frame.numbered_sections(document)
    for item in numbered:
        item.section.document = document
        for block in item.blocks:
            block.section = item.section
            if block.is_figure:
                block.figure = pdf.figure_context(block)
            else:
                # Stored text is cleaned on write; guard() keeps a row written elsewhere safe too.
                block.html = mark_safe(richtext.guard(block.text))  # noqa: S308
    return numbered


def _permissions(user, document):
    can_write = services.can_write(user, document.holder)
    return {
        "can_edit": can_write and not document.is_issued,
        "can_copy": can_write,
        "can_issue": services.can_issue(user, document.holder) and not document.is_issued,
    }


def _editor_context(request, document, **extra):
    numbered = _outline(document)
    return {
        **holders.context(document.holder),
        "document": document,
        "sections": numbered,
        "section_form": SectionForm(
            numbered_sections=[(n.label, n.section) for n in numbered], prefix="new"
        ),
        **_permissions(request.user, document),
        **extra,
    }


def _numbered_section(document, section_id, *, with_place=False):
    numbered = _outline(document)
    for index, item in enumerate(numbered):
        if item.section.pk == section_id:
            if with_place:
                return item, index == 0, index == len(numbered) - 1
            return item
    raise Http404("Không tìm thấy mục này trong văn bản.")


def _render_outline(request, document, *, notice="", status=200, **extra):
    context = _editor_context(request, document, notice=notice, **extra)
    return render(request, f"{TEMPLATES}/partials/outline.html", context, status=status)


def _render_section(request, document, section_id, *, notice=""):
    item, is_first, is_last = _numbered_section(document, section_id, with_place=True)
    context = {
        **holders.context(document.holder),
        "document": document,
        "item": item,
        "is_first": is_first,
        "is_last": is_last,
        "notice": notice,
        **_permissions(request.user, document),
    }
    return render(request, f"{TEMPLATES}/partials/section.html", context)


def _refused(request, document, refusal, anchor=""):
    """A refused edit: the message on the editor page (reloaded as a whole under htmx)."""
    messages.error(request, str(refusal))
    if request.htmx:
        return HttpResponseClientRedirect(_editor_url(document, anchor))
    return redirect(_editor_url(document, anchor))


def _done(request, document, message, *, section_id=None, anchor=""):
    """After a successful edit: the changed part under htmx, else back to the editor."""
    if request.htmx:
        if section_id is None:
            return _render_outline(request, document, notice=message)
        return _render_section(request, document, section_id, notice=message)
    messages.success(request, message)
    return redirect(_editor_url(document, anchor))


def _write(request, document, write, message, *, section_id=None, anchor="", refused_anchor=""):
    """Run one write of the editor and respond: why it was refused, or what was done."""
    try:
        write()
    except services.DocumentRefusal as refusal:
        return _refused(request, document, refusal, refused_anchor)
    return _done(request, document, message, section_id=section_id, anchor=anchor)


def _add_once(request, document, form, create, *, model, added):
    """Create from a posted form once per submission (a repeated click adds nothing twice):
    the response once added (`added(outcome)`) or refused, None when the form is to be shown
    again with its errors."""
    try:
        outcome = submissions.submit_once(request, form, create, model=model)
    except services.DocumentRefusal as refusal:
        return _refused(request, document, refusal)
    except ValidationError as error:
        _form_errors(form, error)
        return None
    return None if outcome is None else added(outcome)


def _save_edit(request, document, form, save, differences, done):
    """Save a posted edit form against the version it was opened at (`save(version)`).

    Returns (response, status, conflict): the response once saved (`done()`) or refused;
    otherwise no response, and the status and conflict to show the form again with."""
    if not form.is_valid():
        return None, 400, None
    version = posted_version(form)
    try:
        save(version)
    except services.DocumentRefusal as refusal:
        return _refused(request, document, refusal), 400, None
    except services.EditConflict as error:
        return None, 409, _conflict(form, error, differences(form, error.saved))
    except ValidationError as error:
        _form_errors(form, error)
        return None, 400, None
    return done(), 400, None


def _form_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(request, document, template, context, *, status=200, target=None):
    """A form as a fragment (htmx: swapped in place) or inside its own page."""
    context = {**holders.context(document.holder), "document": document, **context}
    if request.htmx:
        response = render(request, f"{TEMPLATES}/partials/{template}", context)
        if status != 200 and target:
            # Bad input: show the form again where it was, not in place of the section.
            response = reswap(retarget(response, target), "outerHTML")
        return response
    context["fragment"] = f"{TEMPLATES}/partials/{template}"
    return render(request, f"{TEMPLATES}/form_page.html", context, status=status)


def _confirm_delete(request, document, *, question, action, cancel, title):
    """The page that asks before a draft, a section or a block is deleted."""
    return render(
        request,
        f"{TEMPLATES}/confirm_delete.html",
        {
            **holders.context(document.holder),
            "document": document,
            "question": question,
            "action": action,
            "cancel": cancel,
            "breadcrumbs": ["Văn bản, báo cáo", title],
        },
    )


def _direction(request):
    direction = request.POST.get("direction")
    if direction not in (services.UP, services.DOWN):
        raise Http404("Hướng di chuyển không hợp lệ.")
    return direction


@dataclass(frozen=True)
class Difference:
    """One value of an edited object: as saved meanwhile, and as the user typed it."""

    label: str
    saved: str
    yours: str
    rich: bool = False  # sanitised HTML of a text block


def _shown(value) -> str:
    """A frame, section or figure value as the conflict notice shows it."""
    if value is None or value == "":
        return "(để trống)"
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    lines = [" ".join(line.split()) for line in str(value).splitlines()]
    return "\n".join(line for line in lines if line) or "(để trống)"


def _conflict(form, error: services.EditConflict, differences) -> dict:
    """The notice of a concurrent edit; the form keeps the typed values, now against the
    version saved (saving again, after reading both, is the user's decision)."""
    show_saved_version(form, error.saved.version)
    return {"message": str(error), "differences": differences}


def _frame_differences(form, saved: Document) -> list[Difference]:
    differences = []
    for name in services.FRAME_FIELDS:
        yours, theirs = _shown(form.cleaned_data.get(name)), _shown(getattr(saved, name))
        if yours != theirs:
            differences.append(Difference(form.fields[name].label, theirs, yours))
    return differences


def _section_differences(form, saved: Section) -> list[Difference]:
    level = form.cleaned_data["level"]
    return [
        Difference("Cấp", saved.get_level_display(), Section.Level(level).label),
        Difference("Tiêu đề mục", _shown(saved.heading), _shown(form.cleaned_data["heading"])),
    ]


def _block_differences(form, saved) -> list[Difference]:
    if not saved.is_figure:
        return [
            Difference(
                "Nội dung đoạn văn",
                mark_safe(richtext.guard(saved.text)),  # noqa: S308 - cleaned, then guarded
                mark_safe(richtext.clean(form.cleaned_data["text"] or "")),  # noqa: S308
                rich=True,
            )
        ]
    names = dict(form.fields["codes"].choices)
    codes = form.cleaned_data["codes"]

    def indicators(chosen):
        return "; ".join(names.get(code, code) for code in chosen) or "(không chọn)"

    return [
        Difference("Tên bảng", _shown(saved.caption), _shown(form.cleaned_data["caption"])),
        Difference("Chỉ tiêu", indicators(saved.options.get("codes", [])), indicators(codes)),
        Difference(
            "Kèm biểu đồ",
            "Có" if saved.options.get("chart") else "Không",
            "Có" if form.cleaned_data["chart"] else "Không",
        ),
    ]


# --- List and creation -----------------------------------------------------------------------


@login_required
@require_safe
def document_list(request, code, level=holders.WARD):
    holder = _visible_holder(request, code, level)
    search = request.GET.get("q", "").strip()
    documents = selectors.ward_documents(request.user, holder, search=search)
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        f"{TEMPLATES}/list.html",
        {
            **holders.context(holder),
            "page": page,
            "search": search,
            "can_write": services.can_write(request.user, holder),
            "breadcrumbs": ["Văn bản, báo cáo"],
        },
    )


@login_required
def document_new(request, code, level=holders.WARD):
    holder = _editable_holder(request, code, level)
    form = DocumentCreateForm(_posted(request))
    province = holders.is_province(holder)
    try:
        outcome = submissions.submit_once(
            request,
            form,
            lambda: services.document_create(
                ward=None if province else holder,
                province=holder if province else None,
                kind=form.cleaned_data["kind"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                user=request.user,
            ),
            model=Document,
        )
    except ValidationError as error:
        _form_errors(form, error)
    else:
        if outcome is not None and not outcome.created:
            messages.info(request, submissions.REPEATED_MESSAGE)
            if outcome.record is None:
                return redirect(holders.holder_url("documents", holder))
            return redirect(_editor_url(outcome.record))
        if outcome is not None:
            document = outcome.record
            messages.success(
                request,
                f"Đã tạo dự thảo {document.get_kind_display().lower()}. "
                "Các bảng số liệu đã được tính từ "
                + (
                    "số liệu đã duyệt của các phường, xã."
                    if province
                    else "dữ liệu của phường, xã."
                ),
            )
            return redirect(_editor_url(document))
    return render(
        request,
        f"{TEMPLATES}/new.html",
        {
            **holders.context(holder),
            "form": form,
            "breadcrumbs": ["Văn bản, báo cáo", "Tạo văn bản"],
        },
        status=400 if form.errors else 200,
    )


# --- The editor ------------------------------------------------------------------------------


@login_required
@require_safe
def document_detail(request, code, pk, level=holders.WARD):
    _ward, document = _readable(request, code, pk, level)
    context = _editor_context(request, document)
    context["breadcrumbs"] = ["Văn bản, báo cáo", document.get_kind_display()]
    context["frame"] = frame.frame(document)
    return render(request, f"{TEMPLATES}/editor.html", context)


@login_required
def document_frame(request, code, pk, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    if document.is_issued:
        messages.error(request, services.ISSUED_MESSAGE)
        return redirect(_editor_url(document))
    initial = {name: getattr(document, name) for name in services.FRAME_FIELDS}
    form = with_version(FrameForm(_posted(request), initial=initial), document.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        version = posted_version(form)
        try:
            services.document_update_frame(
                document=document,
                user=request.user,
                values=form.cleaned_data,
                base_version=version,
                require_version=True,
            )
        except services.DocumentRefusal as refusal:
            return _refused(request, document, refusal)
        except services.EditConflict as error:
            conflict = _conflict(form, error, _frame_differences(form, error.saved))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Đã lưu khung văn bản.")
            return redirect(_editor_url(document))
    return render(
        request,
        f"{TEMPLATES}/frame.html",
        {
            **holders.context(document.holder),
            "document": document,
            "form": form,
            "conflict": conflict,
            "breadcrumbs": ["Văn bản, báo cáo", "Khung văn bản"],
        },
        status=409 if conflict else 400 if form.errors else 200,
    )


@login_required
@require_POST
def document_refresh(request, code, pk, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    try:
        count = services.document_refresh_figures(document=document, user=request.user)
    except services.DocumentRefusal as refusal:
        return _refused(request, document, refusal)
    return _done(request, document, f"Đã cập nhật số liệu của {count} bảng theo dữ liệu hiện có.")


@login_required
def document_issue(request, code, pk, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    if not services.can_issue(request.user, document.holder):
        raise PermissionDenied(services.issue_refusal(document.holder))
    if document.is_issued:
        messages.error(request, services.ISSUED_MESSAGE)
        return redirect(_editor_url(document))
    form = IssueForm(_posted(request), initial={"number": document.number})
    if request.method == "POST" and form.is_valid():
        try:
            services.document_issue(
                document=document, user=request.user, number=form.cleaned_data["number"]
            )
        except services.DocumentRefusal as refusal:
            return _refused(request, document, refusal)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, "Đã ban hành văn bản. Số liệu được giữ nguyên như lúc ban hành."
            )
            return redirect(_editor_url(document))
    return render(
        request,
        f"{TEMPLATES}/issue.html",
        {
            **holders.context(document.holder),
            "document": document,
            "form": form,
            "frame": frame.frame(document),
            "breadcrumbs": ["Văn bản, báo cáo", "Ban hành"],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def document_copy(request, code, pk, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    outcome = submissions.create_once(
        request,
        lambda: services.document_copy_as_draft(document=document, user=request.user),
        model=Document,
    )
    if not outcome.created:
        messages.info(request, submissions.REPEATED_MESSAGE)
        return redirect(_editor_url(outcome.record or document))
    messages.success(request, "Đã sao chép thành dự thảo mới. Hãy ghi số mới khi ban hành.")
    return redirect(_editor_url(outcome.record))


@login_required
def document_delete(request, code, pk, level=holders.WARD):
    holder, document = _writable(request, code, pk, level)
    if request.method == "POST":
        try:
            services.document_delete(document=document, user=request.user)
        except services.DocumentRefusal as refusal:
            return _refused(request, document, refusal)
        messages.success(request, "Đã xóa dự thảo.")
        return redirect(holders.holder_url("documents", holder))
    return _confirm_delete(
        request,
        document,
        question=f"Xóa dự thảo “{document.summary}”? Mọi mục và đoạn văn của dự thảo "
        "sẽ mất, không khôi phục được.",
        action=holders.holder_url("document_delete", document.holder, document.pk),
        cancel=_editor_url(document),
        title="Xóa dự thảo",
    )


# --- Sections --------------------------------------------------------------------------------


@login_required
@require_POST
def section_add(request, code, pk, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    numbered = frame.numbered_sections(document)
    form = SectionForm(
        request.POST, numbered_sections=[(n.label, n.section) for n in numbered], prefix="new"
    )
    response = _add_once(
        request,
        document,
        form,
        lambda: services.section_add(
            document=document,
            user=request.user,
            level=form.cleaned_data["level"],
            heading=form.cleaned_data["heading"],
            position=form.cleaned_data["position"],
        ),
        model=Section,
        added=lambda outcome: _done(
            request,
            document,
            f"Đã thêm mục “{outcome.record.heading}”."
            if outcome.created
            else submissions.REPEATED_MESSAGE,
            anchor=f"section-{outcome.record.pk}" if outcome.record else "outline",
        ),
    )
    if response is not None:
        return response
    if request.htmx:
        return _render_outline(request, document, section_form=form)
    context = _editor_context(request, document, section_form=form)
    context["frame"] = frame.frame(document)
    return render(request, f"{TEMPLATES}/editor.html", context, status=400)


@login_required
@require_safe
def section_detail(request, code, pk, section_id, level=holders.WARD):
    _ward, document = _readable(request, code, pk, level)
    if not request.htmx:
        return redirect(_editor_url(document, f"section-{section_id}"))
    return _render_section(request, document, section_id)


@login_required
def section_edit(request, code, pk, section_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    item = _numbered_section(document, section_id)
    if document.is_issued:
        return _refused(request, document, services.ISSUED_MESSAGE)
    section = item.section
    form = SectionForm(
        _posted(request),
        initial={"level": section.level, "heading": section.heading},
        auto_id=f"m{section.pk}_%s",
    )
    with_version(form, section.version)
    status, conflict = 200, None
    if request.method == "POST":
        response, status, conflict = _save_edit(
            request,
            document,
            form,
            lambda version: services.section_update(
                section=section,
                user=request.user,
                level=form.cleaned_data["level"],
                heading=form.cleaned_data["heading"],
                base_version=version,
                require_version=True,
            ),
            _section_differences,
            lambda: _done(request, document, "Đã sửa tiêu đề mục.", anchor=f"section-{section.pk}"),
        )
        if response is not None:
            return response
    return _form_page(
        request,
        document,
        "section_form.html",
        {"form": form, "item": item, "title": f"Sửa mục {item.label}", "conflict": conflict},
        status=status,
        target=f"#section-{section.pk}-head",
    )


@login_required
@require_POST
def section_move(request, code, pk, section_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    section = selectors.section_or_404(document, section_id)
    return _write(
        request,
        document,
        lambda: services.section_move(
            section=section, user=request.user, direction=_direction(request)
        ),
        "Đã chuyển mục.",
        anchor=f"section-{section.pk}",
        refused_anchor=f"section-{section.pk}",
    )


@login_required
def section_delete(request, code, pk, section_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    section = selectors.section_or_404(document, section_id)
    if request.method == "POST":
        return _write(
            request,
            document,
            lambda: services.section_delete(section=section, user=request.user),
            f"Đã xóa mục “{section.heading}”.",
            anchor="outline",
        )
    blocks = section.blocks.count()
    return _confirm_delete(
        request,
        document,
        question=f"Xóa mục “{section.heading}”"
        + (f" cùng {blocks} khối nội dung trong mục" if blocks else "")
        + "? Không khôi phục được.",
        action=holders.holder_url(
            "document_section_delete", document.holder, document.pk, section.pk
        ),
        cancel=_editor_url(document, f"section-{section.pk}"),
        title="Xóa mục",
    )


# --- Blocks ----------------------------------------------------------------------------------


def _position(form):
    return form.cleaned_data.get("position")


@login_required
def block_add_text(request, code, pk, section_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    item = _numbered_section(document, section_id)
    if document.is_issued:
        return _refused(request, document, services.ISSUED_MESSAGE)
    form = TextBlockForm(_posted(request), blocks=item.blocks, auto_id=f"s{section_id}_%s")
    status = 200
    if request.method == "POST":
        response = _add_once(
            request,
            document,
            form,
            lambda: services.block_add_text(
                section=item.section,
                user=request.user,
                text=form.cleaned_data["text"],
                position=_position(form),
            ),
            model=Block,
            added=lambda outcome: _block_added(
                request, document, item, outcome, "Đã thêm đoạn văn."
            ),
        )
        if response is not None:
            return response
        status = 400
        _keep_clean_text(form)
    return _form_page(
        request,
        document,
        "text_block_form.html",
        {
            "form": form,
            "item": item,
            "title": f"Thêm đoạn văn vào mục {item.full_heading}",
            "action": holders.holder_url(
                "document_block_add_text", document.holder, document.pk, section_id
            ),
            "target": f"#section-{section_id}-new",
        },
        status=status,
        target=f"#section-{section_id}-new",
    )


def _block_added(request, document, item, outcome, message):
    block = outcome.record
    return _done(
        request,
        document,
        message if outcome.created else submissions.REPEATED_MESSAGE,
        section_id=item.section.pk,
        anchor=f"block-{block.pk}" if block else f"section-{item.section.pk}",
    )


def _keep_clean_text(form):
    """Typed text comes back to the editor, cleaned: never lost, never unsafe."""
    if form.is_bound and "text" in form.data:
        data = form.data.copy()
        data["text"] = richtext.clean(form.data.get("text", ""))
        form.data = data


@login_required
def block_add_figure(request, code, pk, section_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    item = _numbered_section(document, section_id)
    if document.is_issued:
        return _refused(request, document, services.ISSUED_MESSAGE)
    form = FigureBlockForm(
        _posted(request),
        province=document.is_province,
        blocks=item.blocks,
        initial={"chart": True},
        auto_id=f"s{section_id}_%s",
    )
    status = 200
    if request.method == "POST":
        response = _add_once(
            request,
            document,
            form,
            lambda: services.block_add_figure(
                section=item.section,
                user=request.user,
                kind=form.cleaned_data["kind"],
                options=form.options(),
                caption=form.cleaned_data["caption"],
                position=_position(form),
            ),
            model=Block,
            added=lambda outcome: _block_added(
                request, document, item, outcome, "Đã thêm bảng số liệu, tính theo dữ liệu hiện có."
            ),
        )
        if response is not None:
            return response
        status = 400
    return _form_page(
        request,
        document,
        "figure_block_form.html",
        {
            "form": form,
            "item": item,
            "title": f"Thêm bảng số liệu vào mục {item.full_heading}",
            "action": holders.holder_url(
                "document_block_add_figure", document.holder, document.pk, section_id
            ),
            "target": f"#section-{section_id}-new",
        },
        status=status,
        target=f"#section-{section_id}-new",
    )


@login_required
def block_edit(request, code, pk, block_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    block = selectors.block_or_404(document, block_id)
    if document.is_issued:
        return _refused(request, document, services.ISSUED_MESSAGE)
    item = _numbered_section(document, block.section_id)
    data = _posted(request)
    if block.is_figure:
        form = FigureBlockForm(
            data,
            province=document.is_province,
            fixed_kind=block.kind,
            auto_id=f"b{block.pk}_%s",
            initial={
                "caption": block.caption,
                "codes": block.options.get("codes", []),
                "chart": block.options.get("chart", False),
            },
        )
    else:
        form = TextBlockForm(data, initial={"text": block.text}, auto_id=f"b{block.pk}_%s")
    with_version(form, block.version)
    status, conflict = 200, None
    if request.method == "POST":
        response, status, conflict = _save_edit(
            request,
            document,
            form,
            lambda version: services.block_update(
                block=block,
                user=request.user,
                base_version=version,
                require_version=True,
                **(
                    {"options": form.options(), "caption": form.cleaned_data["caption"]}
                    if block.is_figure
                    else {"text": form.cleaned_data["text"]}
                ),
            ),
            _block_differences,
            lambda: _done(
                request,
                document,
                "Đã lưu bảng số liệu." if block.is_figure else "Đã lưu đoạn văn.",
                section_id=block.section_id,
                anchor=f"block-{block.pk}",
            ),
        )
        if response is not None:
            return response
        if not block.is_figure:
            _keep_clean_text(form)
    template = "figure_block_form.html" if block.is_figure else "text_block_form.html"
    return _form_page(
        request,
        document,
        template,
        {
            "form": form,
            "item": item,
            "block": block,
            "title": f"Sửa {'bảng số liệu' if block.is_figure else 'đoạn văn'} "
            f"trong mục {item.full_heading}",
            "action": holders.holder_url(
                "document_block_edit", document.holder, document.pk, block.pk
            ),
            "target": f"#block-{block.pk}",
            "conflict": conflict,
        },
        status=status,
        target=f"#block-{block.pk}",
    )


@login_required
@require_POST
def block_move(request, code, pk, block_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    block = selectors.block_or_404(document, block_id)
    return _write(
        request,
        document,
        lambda: services.block_move(block=block, user=request.user, direction=_direction(request)),
        "Đã chuyển khối nội dung.",
        section_id=block.section_id,
        anchor=f"block-{block.pk}",
        refused_anchor=f"block-{block.pk}",
    )


@login_required
def block_delete(request, code, pk, block_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    block = selectors.block_or_404(document, block_id)
    if request.method == "POST":
        return _write(
            request,
            document,
            lambda: services.block_delete(block=block, user=request.user),
            "Đã xóa bảng số liệu." if block.is_figure else "Đã xóa đoạn văn.",
            section_id=block.section_id,
            anchor=f"section-{block.section_id}",
        )
    what = "bảng số liệu" if block.is_figure else "đoạn văn"
    return _confirm_delete(
        request,
        document,
        question=f"Xóa {what} này khỏi mục “{block.section.heading}”? Không khôi phục được.",
        action=holders.holder_url("document_block_delete", document.holder, document.pk, block.pk),
        cancel=_editor_url(document, f"block-{block.pk}"),
        title=f"Xóa {what}",
    )


@login_required
@require_POST
def block_refresh(request, code, pk, block_id, level=holders.WARD):
    _ward, document = _writable(request, code, pk, level)
    block = selectors.block_or_404(document, block_id)
    return _write(
        request,
        document,
        lambda: services.block_refresh(block=block, user=request.user),
        "Đã cập nhật số liệu của bảng.",
        section_id=block.section_id,
        anchor=f"block-{block.pk}",
        refused_anchor=f"block-{block.pk}",
    )


# --- Exports ---------------------------------------------------------------------------------


def _filename(document: Document, extension: str) -> str:
    """ "Báo cáo quý III năm 2026 - Phường Mỹ Thới - số 05.pdf": the period it reports on,
    not the day it was created or issued."""
    title = outline.period_title(document.kind, document.starts_on, document.ends_on)
    number = f" - số {document.number:02d}" if document.number else ""
    return f"{title} - {document.holder.name}{number}.{extension}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    # A ward's internal document: not for shared caches.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _pdf_download(document: Document) -> HttpResponse:
    return _download(
        pdf.stored_or_rendered_pdf(document), "application/pdf", _filename(document, "pdf")
    )


@login_required
@require_safe
def document_pdf(request, code, pk, level=holders.WARD):
    """The stored PDF at once if current; else rendered in the background, with progress."""
    _ward, document = _readable(request, code, pk, level)
    # One HTML build decides whether the stored PDF still matches the document.
    stored = pdf.stored_pdf(document)
    if stored is not None:
        return _download(stored, "application/pdf", _filename(document, "pdf"))
    result = tasks.enqueue_pdf(document)
    if result.status == tasks.Status.SUCCESSFUL:
        # An immediate backend has rendered it already.
        document.refresh_from_db()
        return _pdf_download(document)
    if result.status == tasks.Status.FAILED:
        return _pdf_progress_page(request, document, result)
    return redirect(
        holders.holder_url("document_pdf_progress", document.holder, document.pk, result.id)
    )


def _pdf_progress_page(request, document, result):
    # A task nobody takes would keep the page waiting for ever: say why, and what to do.
    no_worker_for = tasks.waiting_without_worker(result)
    context = {
        **holders.context(document.holder),
        "document": document,
        "status": result.status,
        "Status": tasks.Status,
        "task_id": result.id,
        "no_worker_wait": _duration_text(no_worker_for) if no_worker_for else "",
        "breadcrumbs": ["Văn bản, báo cáo", "Tạo tệp PDF"],
    }
    if request.htmx:
        return render(request, f"{TEMPLATES}/partials/pdf_status.html", context)
    return render(request, f"{TEMPLATES}/pdf_progress.html", context)


@login_required
@require_safe
def document_pdf_progress(request, code, pk, task_id, level=holders.WARD):
    _ward, document = _readable(request, code, pk, level)
    result = tasks.pdf_result(document, task_id)
    if result is None:
        raise Http404("Không tìm thấy yêu cầu tạo PDF này.")
    return _pdf_progress_page(request, document, result)


def _duration_text(duration) -> str:
    """A wait in words: 40 giây, 12 phút, 3 giờ 5 phút."""
    seconds = int(duration.total_seconds())
    if seconds < 60:
        return f"{seconds} giây"
    hours, minutes = divmod(seconds // 60, 60)
    if not hours:
        return f"{minutes} phút"
    return f"{hours} giờ {minutes} phút" if minutes else f"{hours} giờ"


@login_required
@require_safe
def document_docx(request, code, pk, level=holders.WARD):
    _ward, document = _readable(request, code, pk, level)
    return _download(docx.render_docx(document), DOCX_TYPE, _filename(document, "docx"))


@login_required
@require_safe
def document_preview(request, code, pk, level=holders.WARD):
    """The print layout as HTML, for a look in the browser before exporting."""
    _ward, document = _readable(request, code, pk, level)
    # The print HTML links its stylesheet relative to static/ (as the PDF renderer reads it).
    base = f'<head><base href="{settings.STATIC_URL}">'
    html = pdf.document_html(document).replace("<head>", base, 1)
    response = HttpResponse(html)
    patch_cache_control(response, private=True, no_store=True)
    return response
