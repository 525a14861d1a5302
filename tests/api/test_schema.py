"""What the OpenAPI schema declares, checked on the schema itself (issue 18). The slow tests fuzz the running
server against it (test_schemathesis.py) and use a client generated from it (test_generated_client.py)."""

import datetime as dt
from urllib.parse import urlencode

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from lawgov.filters import MAX_ID
from tests.api.test_api import error, token_client
from tests.factories import plan_factory

TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(path), "--validate", "--fail-on-warn")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", method, operation


def test_every_operation_declares_the_error_answers_with_the_error_body(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    for name, method, operation in operations(schema):
        wanted = {"400", "401", "403", "404", "429"} | ({"409"} if method == "post" else set())
        assert wanted <= set(operation["responses"]), name
        for code in wanted:
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}, (name, code)


def test_ids_are_integers_in_paths_and_filters(schema):
    seen = 0
    for name, _, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] in ("id", "jurisdiction", "plan", "section", "unit", "task", "cycle"):
                assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}, name
                seen += 1
    assert seen > 20


def test_yes_no_filters_are_booleans_and_paging_has_its_bounds(schema):
    tasks = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]}
    units = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert tasks["overdue"] == {"type": "boolean"}
    assert units["retired"] == {"type": "boolean"}
    assert tasks["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert {"type": "string", "enum": ["last"]} in tasks["page"]["anyOf"]


def test_the_export_declares_csv_and_xlsx(schema):
    content = schema["paths"]["/api/v1/tasks/export/"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.mark.parametrize(
    ("value", "count"),
    [("true", 2), ("True", 2), ("1", 2), ("false", 3), ("0", 3), ("", 5)],
)
def test_overdue_takes_true_false_one_zero(api_client_user, district, unit, other_unit, value, count):
    plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=TODAY - dt.timedelta(days=3))
    plan_factory(jurisdiction=district, tasks=3, lead=other_unit, due_on=TODAY + dt.timedelta(days=90))
    response = token_client(api_client_user).get("/api/v1/tasks/", {"overdue": value})
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(("path", "name"), [("/api/v1/tasks/", "overdue"), ("/api/v1/units/", "retired")])
def test_a_yes_no_filter_refuses_anything_else(api_client_user, district, path, name):
    response = token_client(api_client_user).get(path, {name: "yes"})
    assert response.status_code == 400
    assert error(response)["code"] == "invalid" and name in error(response)["details"]


def test_a_year_must_be_whole(api_client_user, district):
    response = token_client(api_client_user).get("/api/v1/assessment-cycles/", {"year": "2025.5"})
    assert response.status_code == 400
    assert "year" in error(response)["details"]


def test_a_form_body_with_too_many_fields_is_a_json_400(legal_officer, district, settings):
    """Django refuses it before the view runs; the API still answers with its error body (schemathesis found
    an HTML page there)."""
    plan = plan_factory(jurisdiction=district, tasks=1)
    fields = [("tasks", str(n)) for n in range(1, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 2)]
    client = token_client(legal_officer)
    response = client.post(
        f"/api/v1/plans/{plan.pk}/bulk/", urlencode(fields), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert error(response)["code"] == "bad_request"


def test_an_empty_export_format_is_the_default_csv(api_client_user, district):
    response = token_client(api_client_user).get("/api/v1/tasks/export/", {"format": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_reminders_and_extensions_are_declared_with_their_filters(schema):
    """Issue 15: 催办 and 延期申请 lists for the legal office, leaders and other systems."""
    for path, filters in (
        ("/api/v1/reminders/", {"task", "unit", "plan", "automatic", "escalated", "sent_after", "updated_since"}),
        ("/api/v1/extensions/", {"task", "unit", "plan", "status", "updated_since"}),
    ):
        operation = schema["paths"][path]["get"]
        assert filters | {"page", "page_size"} == {p["name"] for p in operation["parameters"]}
        assert list(schema["paths"][f"{path}{{id}}/"]) == ["get"]  # read-only
    status = {p["name"]: p for p in schema["paths"]["/api/v1/extensions/"]["get"]["parameters"]}["status"]
    assert sorted(status["schema"]["items"]["enum"]) == ["approved", "pending", "refused"]
    reminder = schema["components"]["schemas"]["Reminder"]["properties"]
    assert {"sent_by", "recipients", "channels", "escalated"} <= set(reminder)
