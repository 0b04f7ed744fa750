"""Bank statements; included by campaigns/urls.py inside "campaigns".

Per fund: the import that writes one fund's donations from a preview. Per holder (a commune's
or the province committee's whole account): its statements, each statement's review with one
confirm, and the queue of lines waiting for an officer.
"""

from django.urls import path

from campaigns.bank import views

WARD = "phuong-xa/<str:code>/sao-ke"
PROVINCE = "tinh/<str:code>/sao-ke"

urlpatterns = [
    path(
        "phuong-xa/<str:code>/van-dong/<int:pk>/sao-ke/",
        views.bank_import_view,
        name="bank_import",
    ),
    path(f"{WARD}/", views.ward_statements, name="bank_statements"),
    path(f"{WARD}/cho-xu-ly/", views.ward_queue, name="bank_queue"),
    path(f"{WARD}/<int:pk>/", views.ward_statement, name="bank_statement"),
    path(f"{PROVINCE}/", views.province_statements, name="province_bank_statements"),
    path(f"{PROVINCE}/cho-xu-ly/", views.province_queue, name="province_bank_queue"),
    path(f"{PROVINCE}/<int:pk>/", views.province_statement, name="province_bank_statement"),
]
