from django.urls import path

from . import key_views

urlpatterns = [
    path("<int:pk>/keys/", key_views.venue_keys, name="venue_keys"),
]
