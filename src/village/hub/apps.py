from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "village.hub"
    label = "hub"
