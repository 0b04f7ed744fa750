from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.utils.text import format_lazy

from accounts import views
from accounts.forms import LoginForm

# Two-step login keeps its own URL namespace ("otp:verify", …).
two_step_patterns = (
    [
        path("dang-nhap/ma-xac-thuc/", views.verify, name="verify"),
        path("tai-khoan/xac-thuc-hai-buoc/", views.setup, name="setup"),
        path("tai-khoan/xac-thuc-hai-buoc/tat/", views.disable, name="disable"),
    ],
    "otp",
)

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    # The login page it leads to tells the browser to forget the user's drafts and pages.
    path(
        "dang-xuat/",
        auth_views.LogoutView.as_view(
            next_page=format_lazy("{}?dang_xuat=1", reverse_lazy("login"))
        ),
        name="logout",
    ),
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
    path("", include(two_step_patterns)),
]
