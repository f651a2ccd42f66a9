from django.urls import path

from . import views

# The venue's staff (invite, end access) are served by access: kaikukanta/urls.py mounts
# access.urls.venue_staff_patterns in the venues namespace.

urlpatterns = [
    path("offers/", views.offers, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("", views.venue_list, name="venues"),
    path("<int:pk>/", views.venue_detail, name="venue"),
]
