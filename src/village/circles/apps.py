from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "village.circles"
    label = "circles"
