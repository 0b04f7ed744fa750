"""Excel downloads and import; included by reports/urls.py inside the "reports" namespace."""

from django.urls import path

from reports import views_excel

MONTH = "phuong-xa/<str:code>/bao-cao/<year:year>/<month:month>"

urlpatterns = [
    path(f"{MONTH}/mau.xlsx", views_excel.entry_template, name="entry_template"),
    path(f"{MONTH}/nhap/", views_excel.entry_import, name="entry_import"),
    path(
        "phuong-xa/<str:code>/bao-cao/<year:year>.xlsx",
        views_excel.ward_year_export,
        name="ward_year_export",
    ),
    path(
        "tinh/<str:code>/bao-cao/<year:year>/<month:month>.xlsx",
        views_excel.province_month_export,
        name="province_month_export",
    ),
]
