from django.urls import path

from reports.notices import views

urlpatterns = [
    path("phuong-xa/<str:code>/lich-bao-cao/", views.calendar, name="calendar"),
    path("thong-bao/", views.notice_list, name="notices"),
    path("thong-bao/<int:pk>/mo/", views.notice_open, name="notice_open"),
    path("thong-bao/doc-het/", views.notices_read_all, name="notices_read_all"),
    path("thong-bao/cai-dat/", views.notice_preferences, name="notice_preferences"),
]
