from django.contrib import admin
from django.urls import include, path

from accounts.forms import AdminLoginForm
from core.health import health
from core.offline import service_worker
from core.robots import robots_txt
from reports.views import home

admin.site.site_header = "Quản trị Cổng báo cáo MTTQ"
admin.site.site_title = "Quản trị MTTQ"
admin.site.index_title = "Danh mục và người dùng"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    # At the root, so the installable web app's worker may serve every page it keeps.
    path("sw.js", service_worker, name="service_worker"),
    path("", home, name="home"),
    # Login, logout, password change and two-step login.
    path("", include("accounts.urls")),
    # Campaigns first of the apps: its public disclosure pages are most of the traffic, and
    # every pattern tried before a match costs time (no two apps' patterns overlap).
    path("", include("campaigns.urls")),
    path("", include("wards.urls")),
    path("", include("reports.urls")),
    path("quan-tri/", admin.site.urls),
    path("suc-khoe/", health, name="health"),
]

# A 503 "try again shortly" page instead of the 500 page while the database is unreachable.
handler500 = "core.health.server_error"
