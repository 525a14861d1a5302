"""Password rules with their reasons in Chinese (the site's own wording: 您, not Django's 你).

Django's zh-hans catalogue has no translation of the minimum-length message since it became a plural
("This password is too short. It must contain at least %(min_length)d character(s)."), so a person would read
it in English beside the Chinese ones; this validator says the same rule in Chinese.
"""

from django.contrib.auth.password_validation import MinimumLengthValidator, UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError


class ChineseMinimumLengthValidator(MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"这个密码太短\uff0c至少需要 {self.min_length} 个字符。"

    def validate(self, password, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class ChineseUserAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    """Django's zh-hans reads "密码跟 用户名 太相似了" (spaces around the field's name); ours is a sentence."""

    def get_error_message(self) -> str:
        return "新密码与您的%(verbose_name)s太相似\uff0c请另设一个。"
