"""Province progress pages; included by reports/urls.py inside the "reports" namespace."""

from django.urls import path

from reports import views_progress

urlpatterns = [
    path(
        "tinh/<str:code>/tien-do/<year:year>/",
        views_progress.completeness_page,
        name="completeness",
    ),
    path(
        "tinh/<str:code>/tien-do/<year:year>.xlsx",
        views_progress.completeness_export,
        name="completeness_export",
    ),
]
