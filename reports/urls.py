from django.urls import include, path

from reports import views

app_name = "reports"

MONTH = "phuong-xa/<str:code>/bao-cao/<year:year>/<month:month>"

urlpatterns = [
    path("phuong-xa/<str:code>/bao-cao/", views.report_list, name="list"),
    path(f"{MONTH}/", views.entry, name="entry"),
    path(f"{MONTH}/gui/", views.submit, name="submit"),
    path(f"{MONTH}/duyet/", views.approve, name="approve"),
    path(f"{MONTH}/tra-lai/", views.send_back, name="return"),
    path(f"{MONTH}/mo-lai/", views.send_back, {"reopen": True}, name="reopen"),
    path(f"{MONTH}/lich-su/", views.history, name="history"),
    path(f"{MONTH}/mau.xlsx", views.entry_template, name="entry_template"),
    path(f"{MONTH}/nhap/", views.entry_import, name="entry_import"),
    path(
        "phuong-xa/<str:code>/bao-cao/<year:year>.xlsx",
        views.ward_year_export,
        name="ward_year_export",
    ),
    path(
        "tinh/<str:code>/bao-cao/<year:year>/<month:month>.xlsx",
        views.province_month_export,
        name="province_month_export",
    ),
    path("", include("reports.dashboards.urls")),
    path("", include("reports.documents.urls")),
    path("", include("reports.notices.urls")),
]
