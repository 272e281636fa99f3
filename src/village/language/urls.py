from django.urls import path

from village.language import views

app_name = "language"

urlpatterns = [
    path("hints/", views.hints, name="hints"),
]
