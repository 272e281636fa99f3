from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "village.reviews"
    label = "reviews"
