from django.urls import path

from village.language import views

app_name = "language"

urlpatterns = [
    path("hints/", views.hints, name="hints"),
    path("check/", views.check_document, name="check"),
    path("check/download/", views.check_download, name="check_download"),
    path("words-that-help/", views.words_that_help, name="words"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/add/", views.glossary_add, name="glossary_add"),
    path("glossary/<str:key>/", views.glossary_entry, name="glossary_entry"),
    path("glossary/<str:key>/off/", views.glossary_off, name="glossary_off"),
    path("glossary/<str:key>/on/", views.glossary_on, name="glossary_on"),
    path("glossary/<str:key>/reset/", views.glossary_reset, name="glossary_reset"),
]
