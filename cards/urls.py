from django.urls import path

from . import views

urlpatterns = [
    path("", views.card_list, name="list"),
    path("register/", views.card_register, name="register"),
    path("print.pdf", views.card_print_selection, name="print_selection"),
    path("import/", views.card_import, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/status.json", views.import_job_status, name="import_job_status"),
    path("import/<int:pk>/confirm/", views.import_job_confirm, name="import_job_confirm"),
    path("import/<int:pk>/errors.csv", views.import_job_errors, name="import_job_errors"),
    path("import/<int:pk>/cards.pdf", views.import_job_pdf, name="import_job_pdf"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("<int:pk>/", views.card_detail, name="detail"),
    path("<int:pk>/renew/", views.card_renew, name="renew"),
    path("<int:pk>/replace/", views.card_replace, name="replace"),
    path("<int:pk>/inactivate/", views.card_inactivate, name="inactivate"),
    path("<int:pk>/print.pdf", views.card_print, name="print"),
    path("<int:pk>/mobile/", views.card_handover, name="handover"),
    # A card of another office of the user's region, by its exact number only (R3/R4; selectors.card_by_number).
    path("number/<str:number>/", views.card_detail_by_number, name="detail_by_number"),
    path("number/<str:number>/renew/", views.card_renew_by_number, name="renew_by_number"),
    path("number/<str:number>/replace/", views.card_replace_by_number, name="replace_by_number"),
    path("number/<str:number>/print.pdf", views.card_print_by_number, name="print_by_number"),
    path("number/<str:number>/mobile/", views.card_handover_by_number, name="handover_by_number"),
    path("community/<int:office_pk>/new/", views.community_card_create, name="community_create"),
]
