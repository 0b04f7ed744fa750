from django.urls import path

from reports.documents import holders, views


def _patterns(holder_path: str, prefix: str, extra: dict):
    """The document pages under a holder's path: a ward's ("phuong-xa/<code>/van-ban", names
    "document…") and a province's ("tinh/<code>/van-ban", names "province_document…"), the
    same views told which by `extra`."""
    doc = f"{holder_path}/<int:pk>"
    section = f"{doc}/muc/<int:section_id>"
    block = f"{doc}/khoi/<int:block_id>"
    routes = [
        (f"{holder_path}/", views.document_list, "documents"),
        (f"{holder_path}/tao/", views.document_new, "document_new"),
        (f"{doc}/", views.document_detail, "document"),
        (f"{doc}/khung/", views.document_frame, "document_frame"),
        (f"{doc}/pdf/", views.document_pdf, "document_pdf"),
        (
            f"{doc}/pdf/tien-do/<str:task_id>/",
            views.document_pdf_progress,
            "document_pdf_progress",
        ),
        (f"{doc}/docx/", views.document_docx, "document_docx"),
        (f"{doc}/xem-ban-in/", views.document_preview, "document_preview"),
        (f"{doc}/cap-nhat-so-lieu/", views.document_refresh, "document_refresh"),
        (f"{doc}/ban-hanh/", views.document_issue, "document_issue"),
        (f"{doc}/sao-chep/", views.document_copy, "document_copy"),
        (f"{doc}/xoa/", views.document_delete, "document_delete"),
        (f"{doc}/muc/them/", views.section_add, "document_section_add"),
        (f"{section}/", views.section_detail, "document_section"),
        (f"{section}/sua/", views.section_edit, "document_section_edit"),
        (f"{section}/di-chuyen/", views.section_move, "document_section_move"),
        (f"{section}/xoa/", views.section_delete, "document_section_delete"),
        (f"{section}/them-doan-van/", views.block_add_text, "document_block_add_text"),
        (f"{section}/them-bang-so-lieu/", views.block_add_figure, "document_block_add_figure"),
        (f"{block}/sua/", views.block_edit, "document_block_edit"),
        (f"{block}/di-chuyen/", views.block_move, "document_block_move"),
        (f"{block}/xoa/", views.block_delete, "document_block_delete"),
        (f"{block}/cap-nhat-so-lieu/", views.block_refresh, "document_block_refresh"),
    ]
    return [path(route, view, extra, name=f"{prefix}{name}") for route, view, name in routes]


urlpatterns = [
    *_patterns("phuong-xa/<str:code>/van-ban", "", {}),
    *_patterns("tinh/<str:code>/van-ban", holders.PROVINCE_PREFIX, {"level": holders.PROVINCE}),
]
