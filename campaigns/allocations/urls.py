from django.urls import path

from campaigns.allocations import views

PROVINCE_DRIVE = "tinh/<str:code>/van-dong/<int:pk>/phan-bo"
WARD = "phuong-xa/<str:code>"

urlpatterns = [
    # The province's side: a drive's allocations to its communes.
    path(f"{PROVINCE_DRIVE}/", views.allocation_list, name="allocation_list"),
    path(f"{PROVINCE_DRIVE}/them/", views.allocation_create, name="allocation_create"),
    path(
        f"{PROVINCE_DRIVE}/<int:allocation_id>/sua/",
        views.allocation_update,
        name="allocation_update",
    ),
    path(
        f"{PROVINCE_DRIVE}/<int:allocation_id>/dieu-chinh/",
        views.allocation_reverse,
        name="allocation_reverse",
    ),
    # The commune's side: what it was given, and its confirmation of receipt.
    path(f"{WARD}/phan-bo/", views.allocation_received, name="allocation_received"),
    path(
        f"{WARD}/phan-bo/<int:allocation_id>/xac-nhan/",
        views.allocation_confirm,
        name="allocation_confirm",
    ),
]
