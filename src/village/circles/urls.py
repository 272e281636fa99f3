from django.urls import path

from village.circles import views

app_name = "circles"
urlpatterns = [
    path("", views.circle_list, name="list"),
    path("new/", views.circle_create, name="create"),
    path("templates/<int:pk>/remove/", views.template_delete, name="template_delete"),
    path("join/", views.join, name="join"),
    path("c/<str:code>/", views.room, name="room"),
    path("c/<str:code>/live/", views.live_poll, name="live"),
    path("c/<str:code>/join/", views.join_circle, name="join_circle"),
    path("c/<str:code>/check/<str:moment>/", views.checkin, name="checkin"),
    path("c/<str:code>/reflect/", views.reflect, name="reflect"),
    path(
        "c/<str:code>/r/<uuid:reflection_id>/edit/", views.reflection_edit, name="reflection_edit"
    ),
    path(
        "c/<str:code>/r/<uuid:reflection_id>/withdraw/",
        views.reflection_withdraw,
        name="reflection_withdraw",
    ),
    path("c/<str:code>/dots/", views.dots, name="dots"),
    path("c/<str:code>/pause/", views.pause, name="pause"),
    path("<int:pk>/facilitate/", views.facilitate, name="facilitate"),
    path("<int:pk>/facilitate/live/", views.facilitate_live, name="facilitate_live"),
    path("<int:pk>/phase/", views.move_phase, name="move_phase"),
    path("<int:pk>/end/", views.end_confirm, name="end"),
    path("<int:pk>/themes/", views.theme_create, name="theme_create"),
    path("<int:pk>/themes/<int:theme_pk>/rename/", views.theme_rename, name="theme_rename"),
    path("<int:pk>/themes/<int:theme_pk>/delete/", views.theme_delete, name="theme_delete"),
    path("<int:pk>/group/", views.group, name="group"),
    path("<int:pk>/group/undo/", views.undo, name="undo"),
    path("<int:pk>/r/<uuid:reflection_id>/move/", views.move_reflection, name="move_reflection"),
    path("<int:pk>/actions/", views.action_create, name="action_create"),
    path("<int:pk>/actions/<int:action_pk>/delete/", views.action_delete, name="action_delete"),
    path("<int:pk>/guests/", views.guests, name="guests"),
    path("<int:pk>/pauses/seen/", views.pauses_seen, name="pauses_seen"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/summary.csv", views.summary_csv, name="summary_csv"),
]
