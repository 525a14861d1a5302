"""Create (or show) and revoke API tokens from the command line."""

from django.core.management.base import BaseCommand, CommandError

from lawgov.models import User
from lawgov.services import api_token_issue, api_token_revoke


class Command(BaseCommand):
    help = "为接口客户端生成或撤销令牌:api_token 用户名 [--revoke]。生成时打印令牌。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="撤销该用户的令牌")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在。", returncode=2)
        if options["revoke"]:
            revoked = api_token_revoke(user=user)
            self.stdout.write("已撤销令牌。" if revoked else "该用户没有令牌。")
            return
        self.stdout.write(api_token_issue(user=user).key)
