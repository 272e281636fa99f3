from django.contrib.auth import views as auth_views
from django.urls import path

from village.people import views

app_name = "people"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("members/", views.members, name="members"),
    path("audit/", views.audit, name="audit"),
    path("support/", views.support_links, name="support"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept"),
]
