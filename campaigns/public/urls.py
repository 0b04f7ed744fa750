"""Public disclosure pages, no login: included by campaigns/urls.py (namespace "campaigns")."""

from django.urls import path

from campaigns.public import views

urlpatterns = [
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
