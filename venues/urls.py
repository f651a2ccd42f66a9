from django.urls import path

from . import views, views_network

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
    path("", views_network.venue_list, name="venues"),
    path("<int:pk>/", views_network.venue_detail, name="venue"),
    path("<int:pk>/invite/", views_network.venue_invite, name="venue_invite"),
    path("<int:pk>/staff/<int:membership_pk>/end/", views_network.venue_membership_end, name="membership_end"),
]
