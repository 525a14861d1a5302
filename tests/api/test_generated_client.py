"""A Python client generated from our OpenAPI schema with openapi-python-client lists tasks against a running
server. Issue 18: ``overdue`` was a 'true'/'false' string enum, so the generated client refused
``overdue=True``; ids were numbers and the error answers were undeclared, so it could not parse a 404."""

import datetime as dt
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from lawgov.services import api_token_issue
from tests.factories import plan_factory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def generated_client(schema: str, where: Path):
    """Generate the client package ``lawgov_client`` from ``schema`` into ``where`` and import it."""
    tool = shutil.which("openapi-python-client") or str(Path(sys.executable).with_name("openapi-python-client"))
    (where / "schema.yaml").write_text(schema, encoding="utf-8")
    (where / "config.yaml").write_text("post_hooks: []\n")  # no formatter needed to import it
    result = subprocess.run(
        [
            tool,
            "generate",
            "--path",
            str(where / "schema.yaml"),
            "--config",
            str(where / "config.yaml"),
            "--output-path",
            str(where / "lawgov_client"),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr  # nothing skipped
    sys.path.insert(0, str(where))
    importlib.invalidate_caches()
    return importlib.import_module("lawgov_client")


def test_generated_client_lists_overdue_tasks(live_server, api_client_user, district, unit, other_unit, tmp_path):
    today = timezone.localdate()
    late = plan_factory(jurisdiction=district, tasks=3, lead=unit, due_on=today - dt.timedelta(days=5))
    plan_factory(jurisdiction=district, tasks=2, lead=other_unit, due_on=today + dt.timedelta(days=60))
    key = api_token_issue(user=api_client_user).key
    schema = httpx.get(f"{live_server.url}/api/schema/", headers={"Authorization": f"Token {key}"})
    assert schema.status_code == 200
    try:
        client_package = generated_client(schema.text, tmp_path)
        from lawgov_client.api.v1 import v1_tasks_list, v1_tasks_retrieve
        from lawgov_client.models import Error, PaginatedTaskList

        client = client_package.AuthenticatedClient(base_url=live_server.url, token=key, prefix="Token")
        with client:
            overdue = v1_tasks_list.sync(client=client, overdue=True, page_size=50)
            assert isinstance(overdue, PaginatedTaskList)
            assert overdue.count == 3
            assert sorted(t.id for t in overdue.results) == sorted(late.tasks.values_list("pk", flat=True))
            assert all(t.status.value == "overdue" for t in overdue.results)
            others = v1_tasks_list.sync(client=client, overdue=False)
            assert others.count == 2
            # The declared errors are parsed too: a task out of sight is a 404 with the error body.
            missing = v1_tasks_retrieve.sync_detailed(client=client, id=10**12)
            assert missing.status_code == 404
            assert isinstance(missing.parsed, Error)
            assert missing.parsed.error.code == "not_found"
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "lawgov_client" or m.startswith("lawgov_client.")]:
            del sys.modules[name]
