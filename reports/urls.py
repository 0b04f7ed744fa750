from django.urls import include, path

from reports import views

app_name = "reports"

MONTH = "phuong-xa/<str:code>/bao-cao/<year:year>/<month:month>"

urlpatterns = [
    path("phuong-xa/<str:code>/bao-cao/", views.report_list, name="list"),
    path(f"{MONTH}/", views.entry, name="entry"),
    path(f"{MONTH}/gui/", views.submit, name="submit"),
    path(f"{MONTH}/duyet/", views.approve, name="approve"),
    path(f"{MONTH}/tra-lai/", views.return_report, name="return"),
    path(f"{MONTH}/mo-lai/", views.reopen, name="reopen"),
    path(f"{MONTH}/lich-su/", views.history, name="history"),
    path("", include("reports.urls_excel")),
    path("", include("reports.urls_progress")),
    path("", include("reports.urls_dashboard")),
    path("", include("reports.urls_documents")),
]
