from django.urls import path

from village.language import views

app_name = "language"

urlpatterns = [
    path("hints/", views.hints, name="hints"),
    path("check/", views.check_document, name="check"),
    path("check/download/", views.check_download, name="check_download"),
    path("words-that-help/", views.words_that_help, name="words"),
]
