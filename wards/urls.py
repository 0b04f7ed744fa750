from django.urls import path

from wards import views

app_name = "wards"

urlpatterns = [
    path("tinh/<str:code>/", views.province_detail, name="province"),
    path("phuong-xa/<str:code>/", views.ward_detail, name="detail"),
    path("phuong-xa/<str:code>/khu-dan-cu/them/", views.area_edit, name="area_create"),
    path("phuong-xa/<str:code>/khu-dan-cu/<int:pk>/sua/", views.area_edit, name="area_update"),
    path("phuong-xa/<str:code>/khu-dan-cu/<int:pk>/xoa/", views.area_delete, name="area_delete"),
    path("phuong-xa/<str:code>/tap-hop/", views.membership_list, name="memberships"),
    path("phuong-xa/<str:code>/tap-hop/them/", views.membership_edit, name="membership_create"),
    path(
        "phuong-xa/<str:code>/tap-hop/<int:pk>/sua/",
        views.membership_edit,
        name="membership_update",
    ),
    path(
        "phuong-xa/<str:code>/tap-hop/<int:pk>/xoa/",
        views.membership_delete,
        name="membership_delete",
    ),
]
