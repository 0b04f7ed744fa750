"""Public disclosure pages, no login: included by campaigns/urls.py (namespace "campaigns")."""

from django.urls import path

from campaigns import views_public

urlpatterns = [
    path("cong-khai/<str:ward_code>/", views_public.public_ward, name="public_ward"),
    path(
        "cong-khai/<str:ward_code>/<int:campaign_pk>/",
        views_public.public_fund,
        name="public_fund",
    ),
    path(
        "cong-khai/<str:ward_code>/<int:campaign_pk>.csv",
        views_public.public_fund_csv,
        name="public_fund_csv",
    ),
]
