"""The box office's pages. They keep their /venues/… addresses and the ``venues:`` names: the project's
urls.py mounts them beside the venue pages under one namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("counter/", views.counter, name="counter"),
    path("counter/venue/", views.select_venue, name="select_venue"),
    path("counter/offer/", views.select_offer, name="select_offer"),
    path("counter/check/", views.check, name="check"),
    path("counter/log/", views.log, name="log"),
    path("counter/late/", views.late_entry, name="late_entry"),
    path("counter/sw.js", views.worker, name="counter_worker"),  # its address decides its scope: the counter
    path("uses/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("uses/", views.uses, name="uses"),
    path("uses/export.csv", views.uses_export, name="uses_export"),
]
