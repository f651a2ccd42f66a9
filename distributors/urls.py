from django.urls import path

from . import views

app_name = "distributors"

urlpatterns = [
    path("", views.office_list, name="offices"),
    path("<int:pk>/", views.office_detail, name="office"),
    path("<int:pk>/invite/", views.office_invite, name="office_invite"),
    path("<int:pk>/staff/<int:membership_pk>/end/", views.membership_end, name="membership_end"),
]
