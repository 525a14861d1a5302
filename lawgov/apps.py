from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class LawgovConfig(AppConfig):
    default = True
    name = "lawgov"
    verbose_name = "基础:用户与单位"


class LawgovAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "lawgov.admin_site.LawgovAdminSite"
