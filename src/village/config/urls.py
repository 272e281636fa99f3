"""URL wiring: each app owns its own urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("village.people.urls")),
    # django-allauth: password reset and change, email codes, two-step verification and
    # OpenID Connect sign-in (docs/sign-in.md).
    path("accounts/", include("allauth.urls")),
    path("circles/", include("village.circles.urls")),
    path("pulse/", include("village.pulse.urls")),
    path("conversations/", include("village.conversations.urls")),
    path("reviews/", include("village.reviews.urls")),
    path("language/", include("village.language.urls")),
    path("hub/", include("village.hub.urls")),
]

handler400 = "village.errors.bad_request"
handler403 = "village.errors.permission_denied"
handler404 = "village.errors.page_not_found"
handler500 = "village.errors.server_error"
