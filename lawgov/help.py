"""使用说明: one short page per role, and the screenshots they show.

The table below is the one list of screenshots: ``manage.py help_screenshots`` takes them from the demo data
(headless Chromium) into ``static/lawgov/help/``, and the help templates show them by name through the
``shots`` of their page. A test holds every page's images to files that exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from lawgov.models import Role


@dataclass(frozen=True)
class Shot:
    """One screenshot: taken as ``account`` (a demo account) at ``path`` (``{plan}`` is the first plan's id)."""

    name: str
    account: str
    path: str
    caption: str

    @property
    def static_path(self) -> str:
        return f"lawgov/help/{self.name}.png"


HELP_ROLES: dict[str, str] = {
    Role.LEGAL_OFFICE: "法制办",
    Role.REPORTER: "单位填报员",
    Role.LEADER: "领导",
}

SHOTS: dict[str, list[Shot]] = {
    Role.LEGAL_OFFICE: [
        Shot("legal_office_plans", "fzb_panyu", "/plans/", "规划列表: 导入规划文件, 打开规划树"),
        Shot("legal_office_plan_tree", "fzb_panyu", "/plans/{plan}/", "规划树: 按条款分工到单位"),
        Shot("legal_office_tasks", "fzb_panyu", "/tasks/", "任务列表: 按状态、单位筛选, 审核进展"),
        Shot("legal_office_assessment", "fzb_panyu", "/assessment/", "考核: 指标、考核周期与排名"),
    ],
    Role.REPORTER: [
        Shot("reporter_workbench", "reporter_panyu", "/", "工作台: 本单位的任务与待办"),
        Shot("reporter_tasks", "reporter_panyu", "/tasks/", "任务列表: 打开任务填报进展"),
    ],
    Role.LEADER: [
        Shot("leader_dashboard", "leader_panyu", "/dashboard/", "驾驶舱: 完成率、逾期与各单位情况"),
        Shot("leader_tasks", "leader_panyu", "/tasks/", "任务列表: 点开任务看进展与佐证"),
    ],
}


def help_role_for(user) -> str:
    """The help page a user lands on from 使用说明: their own role's; others (API clients) the legal office's."""
    role = getattr(user, "role", "")
    return role if role in HELP_ROLES else Role.LEGAL_OFFICE
