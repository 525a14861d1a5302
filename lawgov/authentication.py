"""API authentication."""

from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token check, loading the user's jurisdiction in the same query: every API request needs it
    for visibility, so it saves one round trip per call."""

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "user__jurisdiction", "user__unit").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed("令牌无效或已被撤销。") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("该账号已停用。")
        return (token.user, token)
