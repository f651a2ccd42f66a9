from django.urls import path

from . import views, views_network

urlpatterns = [
    path("offers/", views.offers, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("", views_network.venue_list, name="venues"),
    path("<int:pk>/", views_network.venue_detail, name="venue"),
    path("<int:pk>/invite/", views_network.venue_invite, name="venue_invite"),
    path("<int:pk>/staff/<int:membership_pk>/end/", views_network.venue_membership_end, name="membership_end"),
]
