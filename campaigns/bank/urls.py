"""Donations from a bank statement; included by campaigns/urls.py inside "campaigns"."""

from django.urls import path

from campaigns.bank import views

urlpatterns = [
    path(
        "phuong-xa/<str:code>/van-dong/<int:pk>/sao-ke/",
        views.bank_import_view,
        name="bank_import",
    ),
]
