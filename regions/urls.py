from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.region_list, name="regions"),
    path("new/", views.region_create, name="region_create"),
    path("settings/", views.national_settings, name="settings"),
    path("<int:pk>/", views.region_detail, name="region"),
    path("<int:pk>/edit/", views.region_edit, name="region_edit"),
    path("<int:pk>/contacts/", views.region_contacts, name="region_contacts"),
    path("<int:pk>/public-texts/", views.region_public_texts, name="region_public_texts"),
]
