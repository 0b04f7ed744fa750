"""Dashboards and province progress; included from reports/urls.py (namespace "reports")."""

from django.urls import path

from reports.dashboards import views

urlpatterns = [
    path(
        "tinh/<str:code>/tien-do/<year:year>/",
        views.completeness_page,
        name="completeness",
    ),
    path(
        "tinh/<str:code>/tien-do/<year:year>.xlsx",
        views.completeness_export,
        name="completeness_export",
    ),
    path(
        "phuong-xa/<str:code>/tong-quan/",
        views.dashboard_ward,
        name="dashboard_ward",
    ),
    path(
        "tinh/<str:code>/tong-quan/",
        views.dashboard_province,
        name="dashboard_province",
    ),
    path(
        "tinh/<str:code>/tong-hop/",
        views.province_summary,
        name="province_summary",
    ),
    path(
        "tinh/<str:code>/tong-hop/phuong-xa.xlsx",
        views.province_summary_export,
        name="province_summary_export",
    ),
    path("toan-quoc/tong-quan/", views.dashboard_national, name="dashboard_national"),
]
