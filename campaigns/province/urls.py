"""A province's own drives; included by campaigns/urls.py inside "campaigns"."""

from django.urls import path

from campaigns.province import views

PROVINCE = "tinh/<str:code>"
DRIVE = f"{PROVINCE}/van-dong/<int:pk>"
DONATION = f"{PROVINCE}/ung-ho/<int:pk>"

urlpatterns = [
    path(f"{PROVINCE}/van-dong/", views.campaign_list, name="province_list"),
    path(f"{PROVINCE}/van-dong/them/", views.campaign_create, name="province_create"),
    path(f"{DRIVE}/", views.campaign_detail, name="province_detail"),
    path(f"{DRIVE}/tai-khoan/", views.campaign_account, name="province_account"),
    path(f"{DRIVE}/ung-ho/them/", views.donation_create, name="province_donation_create"),
    path(f"{DRIVE}/so-quy/", views.ledger, name="province_ledger"),
    path(f"{DRIVE}/so-quy.xlsx", views.ledger_xlsx, name="province_ledger_xlsx"),
    path(f"{DRIVE}/sao-ke/", views.bank_import, name="province_bank_import"),
    path(f"{DONATION}/", views.donation_detail, name="province_donation_detail"),
    path(f"{DONATION}/dieu-chinh/", views.donation_reverse, name="province_donation_reverse"),
    path(f"{DONATION}/bien-nhan.pdf", views.receipt_pdf, name="province_receipt_pdf"),
]
