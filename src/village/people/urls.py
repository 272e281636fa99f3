from allauth.account import views as account_views
from django.urls import path

from village.people import views

app_name = "people"
urlpatterns = [
    path("", views.home, name="home"),
    # allauth's sign-in and sign-out views at Village's own addresses.
    path("sign-in/", account_views.login, name="login"),
    path("sign-out/", account_views.logout, name="logout"),
    path("account/", views.account, name="account"),
    path("account/partnership/", views.switch_partnership, name="switch"),
    path("members/", views.members, name="members"),
    path("members/places/", views.member_places, name="member_places"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/deactivate/", views.member_deactivate, name="member_deactivate"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
    path("audit/", views.audit, name="audit"),
    path("support/", views.support_links, name="support"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept"),
]
