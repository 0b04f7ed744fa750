from django.urls import include, path

from campaigns import views

app_name = "campaigns"

WARD = "phuong-xa/<str:code>"

urlpatterns = [
    # Public disclosure first: most requests are for it.
    path("", include("campaigns.public.urls")),
    path(f"{WARD}/van-dong/", views.campaign_list, name="list"),
    path(f"{WARD}/van-dong/them/", views.campaign_create, name="create"),
    path(f"{WARD}/van-dong/<int:pk>/", views.campaign_detail, name="detail"),
    path(f"{WARD}/van-dong/<int:pk>/tai-khoan/", views.campaign_account, name="account"),
    path(f"{WARD}/van-dong/<int:pk>/ung-ho/them/", views.donation_create, name="donation_create"),
    path(
        f"{WARD}/van-dong/<int:pk>/chi/them/", views.disbursement_create, name="disbursement_create"
    ),
    path(f"{WARD}/van-dong/<int:pk>/so-quy/", views.ledger, name="ledger"),
    path(f"{WARD}/van-dong/<int:pk>/so-quy.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path(f"{WARD}/ung-ho/<int:pk>/", views.donation_detail, name="donation_detail"),
    path(f"{WARD}/ung-ho/<int:pk>/dieu-chinh/", views.donation_reverse, name="donation_reverse"),
    path(f"{WARD}/ho/", views.household_list, name="households"),
    path(f"{WARD}/ho/them/", views.household_edit, name="household_create"),
    path(f"{WARD}/ho/<int:pk>/", views.household_edit, name="household_update"),
    path(f"{WARD}/nha/", views.house_list, name="houses"),
    path(f"{WARD}/nha/them/", views.house_edit, name="house_create"),
    path(f"{WARD}/nha/<int:pk>/", views.house_edit, name="house_update"),
    path(f"{WARD}/ho-tro-nha-nuoc/", views.support_list, name="supports"),
    path("", include("campaigns.bank.urls")),
    path("", include("campaigns.allocations.urls")),
    path("", include("campaigns.province.urls")),
    path(f"{WARD}/ung-ho/<int:pk>/bien-nhan.pdf", views.receipt_pdf, name="receipt_pdf"),
]
