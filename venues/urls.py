from django.urls import path

from . import views

app_name = "venues"

urlpatterns = [
    path("counter/", views.counter, name="counter"),
    path("counter/venue/", views.select_venue, name="select_venue"),
    path("counter/check/", views.check, name="check"),
    path("counter/log/", views.log, name="log"),
    path("counter/late/", views.late_entry, name="late_entry"),
    path("uses/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("uses/", views.uses, name="uses"),
    path("uses/export.csv", views.uses_export, name="uses_export"),
    path("offers/", views.offers, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
]
