from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class LawgovConfig(AppConfig):
    default = True
    name = "lawgov"
    verbose_name = "基础:用户与单位"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from lawgov import login_throttle

        user_login_failed.connect(login_throttle.on_login_failed, dispatch_uid="lawgov-login-failed")
        user_logged_in.connect(login_throttle.on_logged_in, dispatch_uid="lawgov-logged-in")


class LawgovAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "lawgov.admin_site.LawgovAdminSite"
