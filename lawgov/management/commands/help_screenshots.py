"""Take the 使用说明 screenshots (lawgov.help.SHOTS) from the demo data with headless Chromium.

    python manage.py seed_demo && python manage.py help_screenshots

serves this project on a free local port in a thread (or uses ``--base-url`` of a running ``make run``),
signs in as each demo account and saves ``static/lawgov/help/<name>.png`` at tablet width (1024 px).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application

from lawgov.help import SHOTS

PLAN_LINK = re.compile(r"^/plans/\d+/$")


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # the command prints its own progress
        pass


class _ThreadedServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        thread = threading.Thread(target=self._handle, args=(request, client_address), daemon=True)
        thread.start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


class Command(BaseCommand):
    help = "用演示数据截取使用说明的页面截图(无头 Chromium),保存到 static/lawgov/help/。"

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="已运行的 lawgov 地址(默认在本进程内启动一个)")
        parser.add_argument("--password", default=settings.LAWGOV_DEMO_PASSWORD, help="演示账号的密码")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "static" / "lawgov" / "help"))
        parser.add_argument("--chromium", default="/usr/bin/chromium")

    def handle(self, *args, base_url: str, password: str, out: str, chromium: str, **options):
        from playwright.sync_api import sync_playwright

        server = None
        if not base_url:
            server = make_server(
                "127.0.0.1", 0, StaticFilesHandler(get_wsgi_application()), _ThreadedServer, handler_class=_Quiet
            )
            threading.Thread(target=server.serve_forever, daemon=True).start()
            base_url = f"http://127.0.0.1:{server.server_port}"
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
                for shots in SHOTS.values():
                    for shot in shots:
                        context = browser.new_context(viewport={"width": 1024, "height": 640}, locale="zh-CN")
                        page = context.new_page()
                        page.goto(f"{base_url}/login/")
                        page.fill("input[name=username]", shot.account)
                        page.fill("input[name=password]", password)
                        page.click("button[type=submit]")
                        page.wait_for_load_state()
                        if "/login/" in page.url or "/password/" in page.url:
                            raise CommandError(f"{shot.account} 无法登录(先运行 seed_demo,或用 --password)。")
                        path = shot.path
                        if "{plan}" in path:
                            page.goto(f"{base_url}/plans/")
                            hrefs = page.locator("main a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
                            plan = next((h for h in hrefs if h and PLAN_LINK.match(h)), None)
                            if plan is None:
                                raise CommandError("演示数据中没有规划(先运行 seed_demo)。")
                            path = path.replace("/plans/{plan}/", plan)
                        page.goto(f"{base_url}{path}")
                        page.wait_for_load_state("networkidle")
                        file = target / f"{shot.name}.png"
                        page.screenshot(path=str(file))
                        self.stdout.write(f"{file.name}  ← {shot.account} {path}")
                        context.close()
                browser.close()
        finally:
            if server is not None:
                server.shutdown()
