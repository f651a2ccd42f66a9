"""The bookings pages. They keep /venues/… addresses and ``venues:`` names, mounted with the counter's."""

from django.urls import path

from . import views

urlpatterns = [
    path("performances/", views.performances, name="performances"),
    path("performances/<int:pk>/book/", views.book, name="book"),
    path("performances/<int:pk>/door/", views.door_list, name="door_list"),
    path("bookings/<int:pk>/check-in/", views.check_in, name="booking_check_in"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="booking_cancel"),
    path("bookings/statistics/", views.statistics, name="booking_statistics"),
]
