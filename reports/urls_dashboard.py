"""Dashboards; included from reports/urls.py (namespace "reports")."""

from django.urls import path

from reports import views_dashboard

urlpatterns = [
    path(
        "phuong-xa/<str:code>/tong-quan/",
        views_dashboard.dashboard_ward,
        name="dashboard_ward",
    ),
    path(
        "tinh/<str:code>/tong-quan/",
        views_dashboard.dashboard_province,
        name="dashboard_province",
    ),
    path("toan-quoc/tong-quan/", views_dashboard.dashboard_national, name="dashboard_national"),
]
