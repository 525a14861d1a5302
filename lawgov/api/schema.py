"""The OpenAPI schema says what the API really answers, in one place for every operation.

drf-spectacular documents the success answer of each view; the errors come from one exception handler
(``lawgov.api.exception_handler``) and one 404 page (``lawgov.views.page_not_found``), so they are declared
here once rather than on each view: every operation may answer 400 (bad filter, page or body), 401 (no or a
revoked token), 403 (a role that may not), 404 (not visible, or a page past the end) and 429 (throttled);
writes may also answer 409 (stale or conflicting). Path ids are whole numbers, not strings with a pattern.
A client generated from the schema (openapi-python-client) and schemathesis's conformance checks both rely
on this being true; tests/api/test_schemathesis.py and tests/api/test_generated_client.py hold it so.
"""

from __future__ import annotations

from typing import Any

from lawgov.filters import ID_SCHEMA

ERROR_COMPONENT = "Error"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": '每个错误的格式: {"error": {"code", "message", "details"}}',
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "供程序比较的英文代码,如 invalid、not_found、throttled"},
                "message": {"type": "string", "description": "给人看的中文说明"},
                "details": {
                    "nullable": True,
                    "description": "按字段列出的问题(对象),需要改正的事项(列表),或 null",
                    "oneOf": [
                        {"type": "object", "additionalProperties": True},
                        {"type": "array", "items": {}},
                    ],
                },
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}

# Status → what it means here; every operation may answer these.
ALWAYS = {
    "400": "请求参数或内容有误(invalid 等,details 按字段说明)",
    "401": "未登录,或令牌无效、已撤销",
    "403": "当前角色无权执行此操作",
    "404": "不存在或无权查看;或页码超出范围",
    "429": "请求过于频繁",
}
WRITES = {"409": "数据已被他人修改,或与现有数据冲突"}

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def postprocess_error_answers(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error answers, integer path ids, on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            declared = dict(ALWAYS)
            if method in WRITE_METHODS:
                declared.update(WRITES)
            for code, description in declared.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
            for parameter in operation.get("parameters", []):
                if (
                    parameter.get("in") == "query"
                    and parameter.get("schema", {}).get("type") != "array"  # an empty status= is an unknown choice
                ):
                    # django-filter reads an empty value as "no filter", as the HTML forms send it; the
                    # paginator reads an empty page= as the first page and an empty page_size= as the default.
                    parameter["allowEmptyValue"] = True
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("pattern") == "^[0-9]+$":
                    parameter["schema"] = dict(ID_SCHEMA)
    return result
