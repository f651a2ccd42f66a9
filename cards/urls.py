from django.urls import path

from . import views

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
]
