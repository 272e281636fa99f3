from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "village.conversations"
    label = "conversations"
