from django.urls import path

from wards import views_otp

app_name = "otp"

urlpatterns = [
    path("dang-nhap/ma-xac-thuc/", views_otp.verify, name="verify"),
    path("tai-khoan/xac-thuc-hai-buoc/", views_otp.setup, name="setup"),
    path("tai-khoan/xac-thuc-hai-buoc/tat/", views_otp.disable, name="disable"),
]
