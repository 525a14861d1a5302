"""Shared pieces of the REST API: errors as JSON with a code and a message, and pagination."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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


class Pagination(PageNumberPagination):
    """Page-number pages of 100 by default; a client may ask for up to 500, never more."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                raise exceptions.ValidationError({"page_size": ["page_size 必须是 1 到 500 之间的整数。"]}) from None
            if not 1 <= size <= self.max_page_size:
                raise exceptions.ValidationError({"page_size": ["page_size 必须是 1 到 500 之间的整数。"]})
            return size
        return self.page_size


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error has the same body: {"error": {"code", "message", "details"}}."""
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
        details = None
    else:
        message = MESSAGES.get(code, "请求出错。")
    if response.status_code == status.HTTP_404_NOT_FOUND:
        message = MESSAGES["not_found"]
    response.data = {"error": {"code": code, "message": message, "details": details}}
    return response


class ServiceError(exceptions.APIException):
    """A refusal from a service (its own code, Chinese message and HTTP status) as an API error."""

    def __init__(self, *, code: str, message: str, status_code: int = 400):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
