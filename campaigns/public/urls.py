"""Public disclosure pages, no login: included by campaigns/urls.py (namespace "campaigns")."""

from django.urls import path

from campaigns.public import api, front_door, giving, views

DRIVE = "cong-khai/tinh/<str:province_code>/<int:campaign_pk>"
API = "cong-khai/api/v1"
API_FUND = f"{API}/phuong-xa/<str:ward_code>/quy/<int:campaign_pk>"
API_DRIVE = f"{API}/tinh/<str:province_code>/van-dong/<int:campaign_pk>"

urlpatterns = [
    *giving.urlpatterns,  # VietQR, pledge codes, short links, posters (before the trail's)
    # The public read API, and the page that explains it (before the ward pages, whose first
    # segment would read "api" as a ward code).
    path("cong-khai/api/", api.api_docs, name="api_docs"),
    path(f"{API}/", api.api_index, name="api_index"),
    path(f"{API}/openapi.json", api.api_openapi, name="api_openapi"),
    path(f"{API}/tinh/<str:province_code>/quy/", api.api_province_funds, name="api_province_funds"),
    path(f"{API}/phuong-xa/<str:ward_code>/quy/", api.api_ward_funds, name="api_ward_funds"),
    path(f"{API_FUND}/", api.api_fund, name="api_fund"),
    path(f"{API_FUND}/khoan/", api.api_fund_lines, name="api_fund_lines"),
    path(f"{API_DRIVE}/", api.api_drive, name="api_drive"),
    path(f"{API_DRIVE}/phuong-xa/<str:ward_code>/", api.api_drive_ward, name="api_drive_ward"),
    path(
        f"{API_DRIVE}/phuong-xa/<str:ward_code>/chi/",
        api.api_drive_ward_payments,
        name="api_drive_ward_payments",
    ),
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
        "cong-khai/<str:ward_code>/tai-ve/quy.<slug:fmt>",
        views.public_ward_file,
        name="public_ward_file",
    ),
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
    path(
        "cong-khai/<str:ward_code>/<int:campaign_pk>.xlsx",
        views.public_fund_xlsx,
        name="public_fund_xlsx",
    ),
]
