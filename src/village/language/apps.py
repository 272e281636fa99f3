from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "village.language"
    label = "language"
