"""Load the demo data: seed jurisdictions and units, one account per role, printed as a table."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from lawgov.services import demo_seed


class Command(BaseCommand):
    help = "载入演示数据:五份样本文件涉及的辖区与单位、每种角色一个演示账号(可重复执行)。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-table", action="store_true", help="不打印账号表")

    def handle(self, *args, **options):
        password = settings.LAWGOV_DEMO_PASSWORD
        result = demo_seed(password=password, log=self.stdout.write)
        # Each later app adds its own demo data through <app>.demo.seed_app, in dependency order,
        # so the kernel never imports the apps that build on it.
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            if hasattr(module, "seed_app"):
                module.seed_app(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪:{result.units} 个单位,{len(result.accounts)} 个账号。"))
        if options["quiet_table"]:
            return
        rows = [("用户名", "角色", "单位/辖区", "密码")] + [
            (a.username, f"{a.get_role_display()} ({a.role})", str(a.unit or a.jurisdiction or "-"), password)
            for a in result.accounts
        ]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)))
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
