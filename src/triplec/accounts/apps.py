from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "triplec.accounts"
    label = "accounts"
    verbose_name = "People and permissions"
