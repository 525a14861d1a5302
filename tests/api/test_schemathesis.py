"""The OpenAPI schema, fuzzed by schemathesis against a running server: no operation may answer 5xx."""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from lawgov.services import api_token_issue
from tests.factories import plan_factory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_no_server_errors_over_every_operation(live_server, legal_officer, district, unit, other_unit, monkeypatch):
    st = shutil.which("st") or str(Path(sys.executable).with_name("st"))
    assert os.path.exists(st), "schemathesis is a dev dependency (make setup installs it)"
    # The fuzzer sends far more than a client would; the throttle must not hide the answers.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "100000/min", "anon": "100000/min"})
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"user": "100000/min", "anon": "100000/min"})
    plan_factory(
        jurisdiction=district,
        tasks=4,
        lead=unit,
        cooperating=other_unit,
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    key = api_token_issue(user=legal_officer).key
    result = subprocess.run(
        [
            st,
            "run",
            f"{live_server.url}/api/schema/",
            "-H",
            f"Authorization: Token {key}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "10",
            "-w",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Tested: " in result.stdout
