"""Issue 18's headers and settings: a Content-Security-Policy with a per-response nonce and no inline
scripts (the templates carry no on*= handler and no <script>/<style> without src or nonce), Permissions-
Policy, no "Server: gunicorn", 8-hour sessions that end with the browser, the API docs behind a login, and
compose's proxy being the only way to gunicorn (so X-Forwarded-Proto is the proxy's word)."""

import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import yaml
from django.urls import reverse

from lawgov.security import content_security_policy
from tests.conftest import PASSWORD
from tests.lawgov.test_deploy import PROD_ENV, ROOT, manage

TEMPLATES = ROOT / "templates"
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")


def templates() -> list:
    return sorted(TEMPLATES.rglob("*.html"))


def markup(path) -> str:
    """The template without its comments (which may name a tag without being one)."""
    return re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_no_template_has_an_inline_event_handler():
    """Later pages keep the rule: behaviour goes in static JS (data-confirm, data-autosubmit, app.js)."""
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
    offenders = [str(p.relative_to(ROOT)) for p in templates() if handler.search(markup(p))]
    assert offenders == []


def test_every_inline_script_and_style_element_carries_the_nonce():
    offenders = []
    for path in templates():
        text = markup(path)
        for tag in re.findall(r"<script\b[^>]*>", text, re.IGNORECASE):
            if "src=" not in tag and "nonce=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        for tag in re.findall(r"<style\b[^>]*>", text, re.IGNORECASE):
            if 'nonce="{{ request.csp_nonce }}"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
    assert offenders == []


def test_the_policy_allows_no_inline_script():
    policy = dict(part.split(" ", 1) for part in content_security_policy("abc").split("; "))
    assert policy["script-src"] == "'self' 'nonce-abc'"
    assert "unsafe" not in policy["script-src"] and "unsafe" not in policy["style-src-elem"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["style-src-attr"] == "'unsafe-inline'"  # attributes only: see lawgov/security.py


@pytest.mark.django_db
def test_every_response_has_both_policies_and_a_fresh_nonce(client, legal_officer, district):
    client.force_login(legal_officer)
    first, second = client.get("/"), client.get("/")
    nonces = [NONCE.search(r["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 16
    assert "camera=()" in first["Permissions-Policy"] and "geolocation=()" in first["Permissions-Policy"]
    assert client.get("/api/v1/me/")["Content-Security-Policy"]  # the API's JSON too


@pytest.mark.django_db
def test_a_pages_style_element_prints_the_responses_nonce(client, legal_officer, district):
    client.force_login(legal_officer)
    response = client.get(reverse("assessment:cycle-create"))
    assert response.status_code == 200
    nonce = NONCE.search(response["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in response.content.decode()


@pytest.mark.django_db
def test_a_sign_in_lasts_eight_hours_and_ends_with_the_browser(client, reporter, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    response = client.post("/login/", {"username": "reporter", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert response.status_code == 302 and not cookie["expires"] and not cookie["max-age"]
    assert client.session.get_expiry_age() == 8 * 3600


@pytest.mark.django_db
def test_the_api_docs_and_schema_need_a_login_unless_made_public(client, legal_officer, settings):
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/login/")
    assert client.get("/api/schema/").status_code in (401, 403)
    settings.LAWGOV_API_DOCS_PUBLIC = True
    assert client.get("/api/schema/").status_code == 200 and client.get("/api/docs/").status_code == 200
    settings.LAWGOV_API_DOCS_PUBLIC = False
    client.force_login(legal_officer)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    body = page.content.decode()
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", body))  # no inline start-up script
    script = client.get("/api/docs/?script")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_compose_reaches_gunicorn_only_through_the_proxy():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "ports" not in services["web"], "gunicorn's port must not be published: clients would set the headers"
    assert {"443:443", "80:80"} <= set(services["proxy"]["ports"])
    assert any("deploy/nginx.conf" in volume for volume in services["proxy"]["volumes"])
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert conf.count("proxy_set_header X-Forwarded-Proto $scheme;") == 2  # overwritten, never passed through
    assert conf.count("proxy_set_header X-Real-IP $remote_addr;") == 2
    assert "server_tokens off;" in conf


def test_production_trusts_the_forwarded_headers_only_behind_the_proxy():
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER, settings.LAWGOV_BEHIND_PROXY)"
    behind = manage("shell", "-c", code, env=PROD_ENV)
    direct = manage("shell", "-c", code, env={**PROD_ENV, "LAWGOV_BEHIND_PROXY": "0"})
    assert behind.stdout.splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https') True", behind.stderr
    assert direct.stdout.splitlines()[-1] == "None False", direct.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_does_not_announce_itself():
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "lawgov.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/favicon.ico", method="HEAD")
                opener = urllib.request.build_opener(NoRedirect)
                response = opener.open(request, timeout=5)
                break
            except urllib.error.HTTPError as exc:
                response = exc
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(proc.stderr.read().decode() if proc.poll() is not None else "gunicorn did not start")
                time.sleep(0.3)
        assert response.headers["Server"] == "lawgov"
        assert "gunicorn" not in str(response.headers).lower()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
