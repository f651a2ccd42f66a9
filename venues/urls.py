from django.urls import path

from . import views

# The venue's staff (invite, end access) are served by access: kaikukanta/urls.py mounts
# access.urls.venue_staff_patterns in the venues namespace.

urlpatterns = [
    path("offers/", views.offers, name="offers"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("", views.venue_list, name="venues"),
    path("new/", views.venue_create, name="venue_create"),
    path("popups/new/", views.popup_create, name="popup_create"),
    path("categories/", views.categories, name="categories"),
    path("<int:pk>/", views.venue_detail, name="venue"),
    path("<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("<int:pk>/close/", views.venue_close, name="venue_close"),
    path("<int:pk>/public-information/", views.venue_public_texts, name="venue_public_texts"),
]
