from django.apps import AppConfig


class KaikukantaConfig(AppConfig):
    name = "kaikukanta"
    verbose_name = "Kaikukanta"
