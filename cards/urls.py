from django.urls import path

from . import views

app_name = "cards"

urlpatterns = [
    path("", views.card_list, name="list"),
    path("register/", views.card_register, name="register"),
    path("import/", views.card_import, name="import"),
    path("import/confirm/", views.card_import_confirm, name="import_confirm"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("<int:pk>/", views.card_detail, name="detail"),
    path("<int:pk>/renew/", views.card_renew, name="renew"),
    path("<int:pk>/replace/", views.card_replace, name="replace"),
    path("<int:pk>/inactivate/", views.card_inactivate, name="inactivate"),
    path("<int:pk>/print.pdf", views.card_print, name="print"),
    path("<int:pk>/mobile/", views.card_handover, name="handover"),
    path("community/<int:office_pk>/new/", views.community_card_create, name="community_create"),
    # The public mobile card. The service worker lives at the top of /cards/m/ so its scope covers it.
    path("m/", views.mobile_scope, name="mobile_scope"),
    path("m/sw.js", views.service_worker, name="service_worker"),
    path("m/<str:token>/", views.mobile_card, name="mobile"),
    path("m/<str:token>/status.json", views.mobile_status, name="mobile_status"),
    path("m/<str:token>/manifest.webmanifest", views.mobile_manifest, name="mobile_manifest"),
]
