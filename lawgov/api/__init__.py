"""Shared pieces of the REST API: errors as JSON with a code and a message, and pagination."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, QuerySet, Window
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from lawgov.errors import DomainError

MESSAGES = {
    "not_authenticated": "未登录或令牌无效。",
    "authentication_failed": "身份验证失败:令牌无效或已被撤销。",
    "permission_denied": "无权执行此操作。",
    "not_found": "未找到,或您无权查看。",
    "method_not_allowed": "不支持此请求方法。",
    "throttled": "请求过于频繁,请稍后再试。",
    "parse_error": "请求内容无法解析。",
    "invalid": "提交的数据有误。",
    "conflict": "数据已被他人修改,请刷新后重试。",
}


MAX_PAGE = 10_000_000  # 500 × 10 million rows: far past any list, and an offset the databases accept


class Pagination(PageNumberPagination):
    """Page-number pages of 100 by default; a client may ask for up to 500, never more."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw:  # absent or empty (page_size=, as a form sends it): the default, as an empty page= is page 1
            try:
                size = int(raw)
            except ValueError:
                raise exceptions.ValidationError({"page_size": ["page_size 必须是 1 到 500 之间的整数。"]}) from None
            if not 1 <= size <= self.max_page_size:
                raise exceptions.ValidationError({"page_size": ["page_size 必须是 1 到 500 之间的整数。"]})
            return size
        return self.page_size

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """``page`` and ``page_size`` with the bounds the code enforces (outside them: 404 and 400)."""
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": f"页码,从 1 起(或 last:最后一页);超出范围为 404。最大 {MAX_PAGE}",
                "schema": {
                    "anyOf": [
                        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                        {"type": "string", "enum": list(self.last_page_strings)},
                    ]
                },
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"每页条数,1 到 {self.max_page_size},默认 {self.page_size or 100}",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def paginate_counted(self, queryset: QuerySet, request) -> list:
        """A page and the total in one query: ``COUNT(*) OVER ()`` rides along with the rows.

        Django's paginator sends a separate COUNT first, which for the task list (the API's busiest call)
        costs as much as fetching the page. Only a page past the end still needs the separate count, to
        tell "no such page" (404, as DRF says it) from an empty list. Call ``counted_response`` after.
        """
        self.request = request
        size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param, "1")
        total = None
        if raw in self.last_page_strings:  # ?page=last, as DRF's paginator allows
            total = queryset.count()
            number = max(1, -(-total // size))
        elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE:
            number = int(raw)
        else:
            raise ServiceError(code="page", message=f"页码 {raw[:20]} 无效:请填写 1 起的整数。", status_code=404)
        offset = (number - 1) * size
        rows = list(queryset.annotate(_total=Window(Count("*")))[offset : offset + size])
        if total is None:
            total = rows[0]["_total"] if rows else queryset.count()
        if not rows and number > 1:
            raise ServiceError(code="page", message=f"没有第 {raw} 页:共 {total} 条,每页 {size} 条。", status_code=404)
        self._counted = (number, size, total)
        return rows

    def counted_response(self, results: list) -> Response:
        number, size, total = self._counted
        url = self.request.build_absolute_uri()
        following = replace_query_param(url, self.page_query_param, number + 1) if number * size < total else None
        if number == 1:
            previous = None
        elif number == 2:
            previous = remove_query_param(url, self.page_query_param)
        else:
            previous = replace_query_param(url, self.page_query_param, number - 1)
        return Response({"count": total, "next": following, "previous": previous, "results": results})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error has the same body: {"error": {"code", "message", "details"}}."""
    if isinstance(exc, DomainError):  # a service's refusal: its own code, Chinese message and status
        exc = ServiceError(code=exc.code, message=exc.message, status_code=exc.status, details=exc.details)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = (
            codes
            if isinstance(codes, str)
            else ("invalid" if isinstance(exc, exceptions.ValidationError) else exc.default_code)
        )
    else:
        code = "error"
    details = response.data
    if isinstance(exc, exceptions.ValidationError):
        message = MESSAGES["invalid"]
        code = "invalid"
    elif isinstance(details, dict) and "detail" in details:
        message = str(details["detail"])
        if code in MESSAGES and code not in ("permission_denied",) and not isinstance(exc, ServiceError):
            message = MESSAGES[code] if message.isascii() else message
        details = getattr(exc, "details", None)
    else:
        message = MESSAGES.get(code, "请求出错。")
    if response.status_code == status.HTTP_404_NOT_FOUND and not isinstance(exc, ServiceError):
        message = MESSAGES["not_found"]
    response.data = {"error": {"code": code, "message": message, "details": details}}
    return response


class ServiceError(exceptions.APIException):
    """A refusal from a service (its own code, Chinese message and HTTP status) as an API error."""

    def __init__(self, *, code: str, message: str, status_code: int = 400, details: list[str] | None = None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.details = details or None
