from django.urls import path

from . import views

app_name = "distributors"

# The office's staff (invite, end access) are served by access: kaikukanta/urls.py mounts
# access.urls.office_staff_patterns in this namespace.

urlpatterns = [
    path("", views.office_list, name="offices"),
    path("new/", views.office_create, name="office_create"),
    path("<int:pk>/", views.office_detail, name="office"),
    path("<int:pk>/edit/", views.office_edit, name="office_edit"),
    path("<int:pk>/close/", views.office_close, name="office_close"),
]
