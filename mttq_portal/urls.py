from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reports.views import home
from wards.forms import AdminLoginForm, LoginForm
from wards.health import health

admin.site.site_header = "Quản trị Cổng báo cáo MTTQ"
admin.site.site_title = "Quản trị MTTQ"
admin.site.index_title = "Danh mục và người dùng"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Campaigns first: its public disclosure pages are most of the traffic, and every pattern
    # tried before a match costs time (no two apps' patterns overlap).
    path("", include("campaigns.urls")),
    path("", include("wards.urls_otp")),
    path("", include("wards.urls")),
    path("", include("reports.urls")),
    path("quan-tri/", admin.site.urls),
    path("suc-khoe/", health, name="health"),
]

# A 503 "try again shortly" page instead of the 500 page while the database is unreachable.
handler500 = "wards.health.server_error"
