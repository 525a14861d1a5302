"""Production configuration: check --deploy is clean, missing secrets refuse to start, compose agrees."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "LAWGOV_ENV": "production",
    "LAWGOV_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "LAWGOV_ALLOWED_HOSTS": "lawgov.example.gov.cn",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LAWGOV_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_variables():
    result = manage("check", env={"LAWGOV_ENV": "production"})
    assert result.returncode != 0
    assert "LAWGOV_SECRET_KEY" in result.stderr and "LAWGOV_ALLOWED_HOSTS" in result.stderr


def test_compose_services_match_the_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        # Every variable the settings demand in production is given to each app container.
        for var in ("LAWGOV_ENV", "LAWGOV_SECRET_KEY", "LAWGOV_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
            assert var in env, (name, var)
        assert env["LAWGOV_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
    assert "celery" in " ".join(services["worker"]["command"]) and "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "gunicorn lawgov.wsgi:application" in services["web"]["command"]
    # Uploaded files and the database survive a container rebuild.
    volumes = set(compose["volumes"])
    assert {"pgdata", "media"} <= volumes
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])
    assert any(v.startswith("media:/data/media") for v in services["web"]["volumes"])
    assert services["web"]["environment"]["LAWGOV_MEDIA_ROOT"] == "/data/media"
    for name in ("db", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile and "collectstatic" in dockerfile


def test_production_keeps_the_strong_password_hasher():
    """Only the test run swaps in a fast hasher (tests/conftest.py); the settings themselves never do."""
    code = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = manage("shell", "-c", code, env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "PBKDF2PasswordHasher" in result.stdout or "Argon2" in result.stdout
