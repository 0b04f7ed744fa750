from django.urls import path

from campaigns import views_receipts

WARD = "phuong-xa/<str:code>"

urlpatterns = [
    path(f"{WARD}/ung-ho/<int:pk>/bien-nhan.pdf", views_receipts.receipt_pdf, name="receipt_pdf"),
]
