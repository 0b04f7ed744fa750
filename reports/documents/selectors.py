"""Reads of term and period documents, always through the ward scoping of wards/selectors.

A province's documents are not ward data: the views reach them only after the province gate
of wards/selectors (province_page_or_error), and read them by that province.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from reports.documents import holders
from reports.documents.models import Block, Document, Section
from wards.selectors import scope_to_user


def documents_visible_to(user) -> QuerySet[Document]:
    return scope_to_user(Document.objects.all(), user)


def _holder_documents(user, holder) -> QuerySet[Document]:
    """The holder's documents: a ward's through the ward scoping; a province's, the province
    being one the caller checked the user may read (wards.selectors.province_page_or_error)."""
    if holders.is_province(holder):
        return Document.objects.filter(province=holder).select_related("province")
    return documents_visible_to(user).filter(ward=holder).select_related("ward__province")


def ward_documents(user, ward, *, search: str = "") -> QuerySet[Document]:
    """The ward's (or province's) documents the user may read, newest first, optionally
    searched.

    The search matches the summary, the title, the kind's name, or the number ("05" or "5").
    """
    documents = _holder_documents(user, ward).select_related("created_by")
    search = " ".join(search.split())
    if search:
        matches = Q(summary__icontains=search) | Q(title__icontains=search)
        kinds = [value for value, label in Document.Kind.choices if search.lower() in label.lower()]
        if kinds:
            matches |= Q(kind__in=kinds)
        number = search.split("/")[0]
        if number.isdigit():
            matches |= Q(number=int(number))
        documents = documents.filter(matches)
    return documents.order_by("-issued_on", "-pk")


def document_or_404(user, ward, pk) -> Document:
    try:
        return _holder_documents(user, ward).get(pk=pk)
    except Document.DoesNotExist:
        raise Http404("Không tìm thấy văn bản.") from None


def section_or_404(document: Document, pk) -> Section:
    try:
        section = document.sections.get(pk=pk)
    except Section.DoesNotExist:
        raise Http404("Không tìm thấy mục này trong văn bản.") from None
    section.document = document
    return section


def block_or_404(document: Document, pk) -> Block:
    try:
        block = Block.objects.select_related("section").get(pk=pk, section__document=document)
    except Block.DoesNotExist:
        raise Http404("Không tìm thấy khối nội dung này trong văn bản.") from None
    block.section.document = document
    return block
