"""URL lists of access. The staff of offices and venues is mounted by kaikukanta/urls.py inside the namespaces of the
units' pages, so that the paths and names stay /offices/<pk>/invite/ (``distributors:office_invite``) and so on;
the rest is under /staff/ in the ``access:`` namespace."""

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

# /staff/…: the lists of the region's staff and the national team, inviting and ending there, deactivating.
staff_patterns = [
    path("", views.staff_index, name="staff"),
    path("national/", views.national_staff, name="national"),
    path("national/invite/", views.staff_invite, {"kind": "national"}, name="national_invite"),
    path("national/staff/<int:membership_pk>/end/", views.staff_end, {"kind": "national"}, name="national_end"),
    path("regions/<int:pk>/", views.region_staff, name="region"),
    path("regions/<int:pk>/invite/", views.staff_invite, {"kind": "region"}, name="region_invite"),
    path("regions/<int:pk>/staff/<int:membership_pk>/end/", views.staff_end, {"kind": "region"},
         name="region_end"),
    path("people/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
]
