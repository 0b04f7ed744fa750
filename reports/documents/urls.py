from django.urls import path

from reports.documents import views

WARD = "phuong-xa/<str:code>/van-ban"
DOC = f"{WARD}/<int:pk>"
SECTION = f"{DOC}/muc/<int:section_id>"
BLOCK = f"{DOC}/khoi/<int:block_id>"

urlpatterns = [
    path(f"{WARD}/", views.document_list, name="documents"),
    path(f"{WARD}/tao/", views.document_new, name="document_new"),
    path(f"{DOC}/", views.document_detail, name="document"),
    path(f"{DOC}/khung/", views.document_frame, name="document_frame"),
    path(f"{DOC}/pdf/", views.document_pdf, name="document_pdf"),
    path(
        f"{DOC}/pdf/tien-do/<str:task_id>/",
        views.document_pdf_progress,
        name="document_pdf_progress",
    ),
    path(f"{DOC}/docx/", views.document_docx, name="document_docx"),
    path(f"{DOC}/xem-ban-in/", views.document_preview, name="document_preview"),
    path(f"{DOC}/cap-nhat-so-lieu/", views.document_refresh, name="document_refresh"),
    path(f"{DOC}/ban-hanh/", views.document_issue, name="document_issue"),
    path(f"{DOC}/sao-chep/", views.document_copy, name="document_copy"),
    path(f"{DOC}/xoa/", views.document_delete, name="document_delete"),
    path(f"{DOC}/muc/them/", views.section_add, name="document_section_add"),
    path(f"{SECTION}/", views.section_detail, name="document_section"),
    path(f"{SECTION}/sua/", views.section_edit, name="document_section_edit"),
    path(f"{SECTION}/di-chuyen/", views.section_move, name="document_section_move"),
    path(f"{SECTION}/xoa/", views.section_delete, name="document_section_delete"),
    path(f"{SECTION}/them-doan-van/", views.block_add_text, name="document_block_add_text"),
    path(f"{SECTION}/them-bang-so-lieu/", views.block_add_figure, name="document_block_add_figure"),
    path(f"{BLOCK}/sua/", views.block_edit, name="document_block_edit"),
    path(f"{BLOCK}/di-chuyen/", views.block_move, name="document_block_move"),
    path(f"{BLOCK}/xoa/", views.block_delete, name="document_block_delete"),
    path(f"{BLOCK}/cap-nhat-so-lieu/", views.block_refresh, name="document_block_refresh"),
]
