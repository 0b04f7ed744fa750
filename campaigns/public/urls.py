"""Public disclosure pages, no login: included by campaigns/urls.py (namespace "campaigns")."""

from django.urls import path

from campaigns.public import front_door, views

DRIVE = "cong-khai/tinh/<str:province_code>/<int:campaign_pk>"

urlpatterns = [
    # The front door: provinces, then a province's communes and drives (before the ward
    # pages, whose pattern would take "tinh" for a ward code).
    path("cong-khai/", front_door.public_directory, name="public_directory"),
    path("cong-khai/tinh/<str:province_code>/", front_door.public_province, name="public_province"),
    # Follow the money: a province drive's trail, then one commune's step (before the ward
    # pages, whose first segment would read "tinh" as a ward code).
    path(f"{DRIVE}/", views.public_drive, name="public_drive"),
    path(
        f"{DRIVE}/tai-ve/<slug:table>.<slug:fmt>", views.public_drive_file, name="public_drive_file"
    ),
    path(f"{DRIVE}/<str:ward_code>/", views.public_drive_ward, name="public_drive_ward"),
    path(
        f"{DRIVE}/<str:ward_code>/tai-ve/<slug:table>.<slug:fmt>",
        views.public_drive_ward_file,
        name="public_drive_ward_file",
    ),
    path("cong-khai/<str:ward_code>/", views.public_ward, name="public_ward"),
    path(
        "cong-khai/<str:ward_code>/<int:campaign_pk>/",
        views.public_fund,
        name="public_fund",
    ),
    path(
        "cong-khai/<str:ward_code>/<int:campaign_pk>.csv",
        views.public_fund_csv,
        name="public_fund_csv",
    ),
]
