"""API authentication."""

from __future__ import annotations

from functools import cache

from django.db import connection, models
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from lawgov.models import Unit, User


@cache
def _loader() -> tuple[str, list[tuple[type[models.Model], list[str], list[list]]]]:
    """The token lookup as one SQL statement, built once per process from the models' own fields, with
    the converters the ORM would apply to each column (SQLite's dates, JSON fields)."""
    parts = [(Token, "t"), (User, "u"), (Unit, "j"), (Unit, "n")]
    columns: list[str] = []
    layout = []
    quote = connection.ops.quote_name
    for model, alias in parts:
        fields = list(model._meta.concrete_fields)
        columns += [f"{alias}.{quote(f.column)}" for f in fields]
        converters = []
        for f in fields:
            col = f.get_col(alias)
            chain = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
            converters.append([(convert, col) for convert in chain])
        layout.append((model, [f.attname for f in fields], converters))
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Token._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        f"LEFT JOIN {quote(Unit._meta.db_table)} j ON j.id = u.jurisdiction_id "
        f"LEFT JOIN {quote(Unit._meta.db_table)} n ON n.id = u.unit_id "
        "WHERE t.key = %s"
    )
    return sql, layout


def token_with_user(key: str) -> Token | None:
    """The token, its user and the user's jurisdiction and unit in one query.

    Every API call starts here and needs all four (visibility asks for the jurisdiction, a reporter's for
    the unit). The ORM's select_related compiled the same statement afresh on each call, a fifth of a task
    detail request; this is the same SQL, built once, turned into the same model instances.
    """
    sql, layout = _loader()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    instances: list[models.Model | None] = []
    start = 0
    for model, names, converters in layout:
        values = list(row[start : start + len(names)])
        start += len(names)
        if values[0] is None and model is Unit:  # no jurisdiction / no unit: the LEFT JOIN came back empty
            instances.append(None)
            continue
        for index, chain in enumerate(converters):
            for convert, col in chain:
                values[index] = convert(values[index], col, connection)
        instances.append(model.from_db(connection.alias, names, values))
    token, user, jurisdiction, unit = instances
    user.jurisdiction = jurisdiction
    user.unit = unit
    token.user = user
    return token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token check, loading the user with their jurisdiction and unit in the same query."""

    def authenticate_credentials(self, key):
        token = token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已被撤销。")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("该账号已停用。")
        return (token.user, token)
