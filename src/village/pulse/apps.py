from django.apps import AppConfig


class PulseConfig(AppConfig):
    name = "village.pulse"
    label = "pulse"
