from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("national/", views.national, name="national"),
    path("national/export/<str:fmt>/", views.national_export, name="national_export"),
    path("regional/", views.regional, name="regional"),
    path("regional/export/<str:fmt>/", views.regional_export, name="regional_export"),
    path("uses.csv", views.uses_csv, name="uses_csv"),
    path("files/", views.files, name="files"),
    path("files/new/", views.file_request, name="file_request"),
    path("files/<int:pk>/", views.file_detail, name="file_detail"),
    path("files/<int:pk>/status/", views.file_status, name="file_status"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
    path("files/<int:pk>/retry/", views.file_retry, name="file_retry"),
    path("refresh/", views.rollup_refresh, name="rollup_refresh"),
    path("audit/", views.audit_trail, name="audit"),
    path("unusual/", views.unusual, name="unusual"),
    path("welfare/", views.welfare_page, name="welfare"),
    path("welfare/report/", views.welfare_report_request, name="welfare_report"),
    path("audit/export.csv", views.audit_csv, name="audit_csv"),
]
