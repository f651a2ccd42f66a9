"""URL lists of access, mounted by kaikukanta/urls.py inside the namespaces of the units' pages, so that the
paths and names stay /offices/<pk>/invite/ (``distributors:office_invite``) and so on."""

from django.urls import path

from . import views

office_staff_patterns = [
    path("<int:pk>/invite/", views.staff_invite, {"kind": "office"}, name="office_invite"),
    path("<int:pk>/staff/<int:membership_pk>/end/", views.staff_end, {"kind": "office"}, name="membership_end"),
]

venue_staff_patterns = [
    path("<int:pk>/invite/", views.staff_invite, {"kind": "venue"}, name="venue_invite"),
    path("<int:pk>/staff/<int:membership_pk>/end/", views.staff_end, {"kind": "venue"}, name="membership_end"),
]
