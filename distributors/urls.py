from django.urls import path

from . import views

app_name = "distributors"

# The office's staff (invite, end access) are served by access: kaikukanta/urls.py mounts
# access.urls.office_staff_patterns in this namespace.

urlpatterns = [
    path("", views.office_list, name="offices"),
    path("<int:pk>/", views.office_detail, name="office"),
]
