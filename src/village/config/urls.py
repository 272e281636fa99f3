"""URL wiring: each app owns its own urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("village.people.urls")),
    path("circles/", include("village.circles.urls")),
    path("pulse/", include("village.pulse.urls")),
]
