from django.urls import path

from village.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/rate/", views.self_rate, name="self_rate"),
    path("<int:pk>/panel/", views.panel_rate, name="panel_rate"),
    path("<int:pk>/not-rated/", views.not_rated, name="not_rated"),
    path("<int:pk>/shortfalls/", views.shortfalls, name="shortfalls"),
    path(
        "<int:pk>/shortfalls/<int:shortfall_pk>/remove/",
        views.shortfall_remove,
        name="shortfall_remove",
    ),
    path("<int:pk>/meeting/", views.meeting, name="meeting"),
    path("<int:pk>/gaps/", views.gaps, name="gaps"),
    path("<int:pk>/actions/", views.actions, name="actions"),
    path("<int:pk>/actions/bring-in/", views.action_bring_in, name="action_bring_in"),
    path("<int:pk>/actions/<int:action_pk>/", views.action_update, name="action_update"),
    path(
        "<int:pk>/actions/<int:action_pk>/milestones/<int:milestone_pk>/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("<int:pk>/close-ratings/", views.close_ratings, name="close_ratings"),
    path("<int:pk>/close/", views.close_review, name="close"),
]
