"""The shared kernel: users, roles, units and their tree, the bases the apps build their models on, the
in-app notification, and the background job every app runs its long work as (``Job``, declared per kind by a
``JobKind``; its life is in lawgov.background).

Every later app asks these models who may see what; visibility lives in one queryset method per model
(``visible_to``, on a ``ScopedQuerySet``), never in a view.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lawgov.calendar import HOLIDAY, WORKDAY
from lawgov.notifications import kind_choices
from lawgov.notifications import kinds as notification_kinds


class Role(models.TextChoices):
    """The four kinds of people and systems that use lawgov; the codes are the API's words."""

    LEGAL_OFFICE = "legal_office", "法制办"
    REPORTER = "reporter", "单位填报员"
    LEADER = "leader", "领导"
    API_CLIENT = "api_client", "接口客户端"


class UnitKind(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区(县)"
    DEPARTMENT = "department", "区级部门"
    TOWNSHIP = "township", "镇/街道"
    COURT = "court", "法院/检察院"
    PARTY = "party", "党委部门"
    MASS_ORG = "mass_org", "群团组织"
    INSTITUTION = "institution", "事业单位"
    OTHER = "other", "其他单位"
    GROUP = "group", "单位组(泛称)"


JURISDICTION_KINDS = (UnitKind.CITY, UnitKind.DISTRICT)


# --- bases the apps build on ---------------------------------------------------------------------------


class SoftDeletableQuerySet(models.QuerySet):
    """Rows are retired by setting ``deleted_at``, never deleted: history and references keep working.

    ``soft_delete_field`` is ``None`` on querysets of models that retire nothing; ``active()`` is then every
    row, so that policy code can say ``active()`` without knowing which kind of model it scopes.
    """

    soft_delete_field: ClassVar[str | None] = "deleted_at"

    def active(self):
        if self.soft_delete_field is None:
            return self.all()
        return self.filter(**{f"{self.soft_delete_field}__isnull": True})


class ScopedQuerySet(SoftDeletableQuerySet):
    """The base of every queryset that answers who may see what (NetBox's ``restrict``; ours is ``visible_to``).

    ``visible_to`` answers the two cases every model shares (nobody signed in sees nothing, a superuser or the
    system sees every active row) and leaves the rest, the model's policy by role, to ``_visible_by_role``.
    The helpers say the usual policies in one call: ``in_jurisdictions`` (rows of the user's 市/区, through
    ``path`` to the jurisdiction foreign key) and ``for_legal_office`` (what the legal office manages).
    """

    def visible_to(self, user: User):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.active()
        return self._visible_by_role(user)

    def _visible_by_role(self, user: User):
        """What a signed-in user who is not a superuser may see; every scoped model says it."""
        raise NotImplementedError(f"{type(self).__name__} says no visibility policy")

    def in_jurisdictions(self, user: User, path: str = "jurisdiction"):
        """Rows whose ``path`` (a foreign key to a 市/区 unit) is one of the user's jurisdictions."""
        return self.filter(**{f"{path}__in": user.jurisdictions()})

    def for_legal_office(self, user: User, path: str = "jurisdiction"):
        """The active rows of the user's jurisdictions if the user is their legal office; none otherwise.

        Who may edit plans and tasks, review reports, edit rubrics and cycles: one rule for all of them.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.active()
        if user.role != Role.LEGAL_OFFICE:
            return self.none()
        return self.active().in_jurisdictions(user, path)


class SoftDeletable(models.Model):
    """A model whose rows are retired (``deleted_at``) rather than deleted; ``objects.active()`` are the others.

    A concrete model with its own queryset subclasses ``SoftDeletableQuerySet`` (or ``ScopedQuerySet``) and
    sets ``objects`` itself.
    """

    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = SoftDeletableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, *, now: dt.datetime | None = None) -> None:
        self.deleted_at = now or timezone.now()
        self.save(update_fields=["deleted_at"])

    def restore(self) -> None:
        self.deleted_at = None
        self.save(update_fields=["deleted_at"])


def stored_file_path(instance: StoredFile, filename: str) -> str:
    """``<upload_dir>/YYYY/MM/<random>.<suffix>``: the stored name never comes from the user (no path tricks,
    no clashes); the user's name is kept in ``original_name``."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{instance.upload_dir}/{dt.date.today():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class StoredFile(models.Model):
    """A file a user uploaded, kept under MEDIA_ROOT and served only through a view that checks who asks.

    A concrete model sets ``upload_dir``. The two evidence models redeclare ``file`` with their own
    ``upload_to`` function, named in their migrations: changing it would rebuild the table on SQLite.
    """

    upload_dir: ClassVar[str] = "files"

    file = models.FileField(upload_to=stored_file_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


# --- units and users -----------------------------------------------------------------------------------


class UnitQuerySet(ScopedQuerySet):
    def in_jurisdictions(self, user: User, path: str = "jurisdiction") -> UnitQuerySet:
        """The units of the user's jurisdictions and those jurisdictions themselves."""
        ids = [j.pk for j in user.jurisdictions()]
        return self.filter(Q(**{f"{path}_id__in": ids}) | Q(pk__in=ids))

    def in_directory_of(self, user: User) -> UnitQuerySet:
        """The names everyone signed in may list: their own jurisdiction (and, for a city, its districts).

        A reporter needs the names of the units it works with; what a unit *does* is guarded by
        ``visible_to``.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.active()
        return self.active().in_jurisdictions(user)

    def _visible_by_role(self, user: User) -> UnitQuerySet:
        """Units whose page and work the user may open: a reporter only their own unit."""
        if user.role == Role.REPORTER:
            return self.active().filter(pk=user.unit_id) if user.unit_id else self.none()
        return self.active().in_jurisdictions(user)

    def editable_by(self, user: User) -> UnitQuerySet:
        """The units whose directory entry the user may change: the legal office's own jurisdictions' units
        (never the jurisdictions themselves, which are set up once by the operators)."""
        return self.for_legal_office(user).exclude(kind__in=JURISDICTION_KINDS)

    def offered(self) -> UnitQuerySet:
        """The units offered for new work: every dropdown, picker, silent-unit list and new assessment cycle
        starts here. A retired unit (``retired_at``) stays in the directory and on the pages of its old work,
        but is no longer offered."""
        return self.active().filter(retired_at__isnull=True)


class Unit(SoftDeletable):
    """A department, township, court… or a jurisdiction (市/区) itself, or a group phrase.

    Units form a tree through ``parent``; ``jurisdiction`` points straight at the nearest 市/区 so that
    "all units of this district" is one indexed filter instead of a walk up the tree. A group phrase
    (各镇街, 区政府各部门) is a unit of kind GROUP that stands for the units of ``group_kinds`` in its
    jurisdiction plus any listed in ``members``.
    """

    name = models.CharField("名称", max_length=120)
    short_name = models.CharField("简称", max_length=60, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    jurisdiction = models.ForeignKey(
        "self",
        verbose_name="所属辖区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jurisdiction_units",
        limit_choices_to={"kind__in": JURISDICTION_KINDS},
    )
    aliases = models.JSONField("别名", default=list, blank=True)
    group_kinds = models.JSONField("泛称包含的单位类型", default=list, blank=True, help_text="如 各镇街 → township")
    members = models.ManyToManyField(
        "self", verbose_name="泛称包含的单位", blank=True, symmetrical=False, related_name="groups"
    )
    contact_person = models.CharField("联系人", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    # Retired, not deleted: a unit abolished in a reorganisation keeps its old tasks, reports and scores on
    # their pages, but is no longer offered for new work (``UnitQuerySet.offered``).
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)
    # Set when the unit was merged into another (lawgov.services.unit_merge); the merged row is soft deleted
    # and its old links lead to the survivor.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已并入",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_units",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"], m2m_fields=[members])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["jurisdiction_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                condition=Q(deleted_at__isnull=True),
                name="unit_unique_name_in_jurisdiction",
            )
        ]
        indexes = [models.Index(fields=["jurisdiction", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_jurisdiction(self) -> bool:
        return self.kind in JURISDICTION_KINDS

    @property
    def is_group(self) -> bool:
        return self.kind == UnitKind.GROUP

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def group_kinds_label(self) -> str:
        labels = dict(UnitKind.choices)
        return "、".join("所有" + labels.get(k, k) for k in self.group_kinds)

    def all_names(self) -> list[str]:
        """Every way a document may print this unit: full name, short name, aliases."""
        names = [self.name, self.short_name, *self.aliases]
        return [n for n in dict.fromkeys(names) if n]

    def expand(self) -> UnitQuerySet:
        """The concrete units a group phrase stands for; a concrete unit stands for itself."""
        if not self.is_group:
            return Unit.objects.filter(pk=self.pk)
        condition = Q(pk__in=self.members.values("pk"))
        if self.group_kinds:
            condition |= Q(jurisdiction_id=self.jurisdiction_id, kind__in=self.group_kinds)
        # A retired unit no longer stands behind 各镇街: new work through the group does not reach it.
        return Unit.objects.offered().filter(condition).exclude(kind=UnitKind.GROUP)

    def covering_ids(self) -> list[int]:
        """This unit's id and those of every group phrase that stands for it.

        "Tasks of my unit" are those assigned to the unit itself or to 各镇街 when it is a township;
        computing the few group ids first keeps that a plain ``unit_id IN (…)`` filter on any database.
        """
        if self.is_group or not self.jurisdiction_id:
            return [self.pk]
        # Plain SQL: every reporter request and every unit filter asks this, and the ORM's compilation of the
        # EXISTS cost five times the query.
        members = Unit.members.through._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT g.id, g.group_kinds,
                       EXISTS (SELECT 1 FROM {members} m WHERE m.from_unit_id = g.id AND m.to_unit_id = %s)
                FROM {Unit._meta.db_table} g
                WHERE g.jurisdiction_id = %s AND g.kind = %s AND g.deleted_at IS NULL
                ORDER BY g.id
                """,
                [self.pk, self.jurisdiction_id, UnitKind.GROUP.value],
            )
            groups = cursor.fetchall()
        covering = [self.pk]
        for pk, kinds, is_member in groups:
            kinds = json.loads(kinds) if isinstance(kinds, str) else kinds
            if is_member or self.kind in (kinds or []):
                covering.append(pk)
        return covering


class User(AbstractUser):
    """A person or system signed in to lawgov.

    A reporter is bound to one ``unit``; the legal office, leaders and API clients to a ``jurisdiction``
    (a 区, or a 市 whose districts they then see too).
    """

    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.REPORTER)
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    jurisdiction = models.ForeignKey(
        Unit,
        verbose_name="辖区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jurisdiction_users",
        limit_choices_to={"kind__in": JURISDICTION_KINDS},
    )
    display_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    # Set when someone else chose the password (an account created or a password reset by the legal office
    # or an administrator): lawgov.middleware.PasswordChangeRequiredMiddleware keeps the person on the
    # 修改密码 page until they choose their own. Cleared by the change; API tokens are not affected.
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_legal_office(self) -> bool:
        return self.role == Role.LEGAL_OFFICE

    def is_legal_office_of(self, jurisdiction: Unit | int) -> bool:
        """May this person act as the legal office of that 区/市 (import, open cycles, review, draft)?

        The one answer every app asks; the system acts through ``SYSTEM``, never through ``None``.
        """
        if not self.is_authenticated or not self.is_active:
            return False
        if self.is_superuser:
            return True
        pk = jurisdiction if isinstance(jurisdiction, int) else jurisdiction.pk
        return self.role == Role.LEGAL_OFFICE and pk in {j.pk for j in self.jurisdictions()}

    @property
    def is_reporter(self) -> bool:
        return self.role == Role.REPORTER

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_api_client(self) -> bool:
        return self.role == Role.API_CLIENT

    @property
    def read_only(self) -> bool:
        """Leaders and API clients look; they never write."""
        return self.role in (Role.LEADER, Role.API_CLIENT)

    def home_jurisdiction(self) -> Unit | None:
        if self.jurisdiction_id:
            return self.jurisdiction
        if self.unit_id:
            return self.unit.jurisdiction if not self.unit.is_jurisdiction else self.unit
        return None

    def jurisdictions(self) -> list[Unit]:
        """The 市/区 whose data this user may see: their own, plus a city's districts.

        Cached on the instance: every queryset of a request asks for it.
        """
        cached = getattr(self, "_jurisdictions", None)
        if cached is not None:
            return cached
        home = self.home_jurisdiction()
        result: list[Unit] = []
        if home is not None:
            result.append(home)
            if home.kind == UnitKind.CITY:
                result.extend(Unit.objects.active().filter(parent=home, kind=UnitKind.DISTRICT))
        self._jurisdictions = result
        return result

    def units(self) -> UnitQuerySet:
        """The units whose work this user reports: a reporter's own unit, nothing for the others."""
        if self.role == Role.REPORTER and self.unit_id:
            return Unit.objects.filter(pk=self.unit_id)
        return Unit.objects.none()


class SystemActor:
    """The platform acting on its own: the demo seed, management commands, scheduled jobs.

    Services take ``by: User | SystemActor``; passing ``SYSTEM`` says in the code that no person acted,
    where ``None`` used to mean "the system" in one app and "nobody, refuse" in another. It may do what
    the legal office of any jurisdiction may; it is recorded as no user (``recorded_user``).
    """

    pk = None
    id = None
    role = "system"
    is_authenticated = True
    is_active = True
    is_superuser = True
    read_only = False
    is_legal_office = True
    is_reporter = False
    is_leader = False
    is_api_client = False

    def is_legal_office_of(self, jurisdiction: Unit | int) -> bool:
        return True

    def __str__(self) -> str:
        return "系统"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def recorded_user(by: User | SystemActor | None) -> User | None:
    """The user a row records as its author: ``None`` for the system."""
    return None if by is None or isinstance(by, SystemActor) else by


class Heartbeat(models.Model):
    """The last sign of life of each Celery worker, written by a scheduled job and read by /health/.

    Operators need to know that reminders and report drafts will actually run, not only that the web
    process is up.
    """

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()
    beats = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "后台任务心跳"
        verbose_name_plural = "后台任务心跳"

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


# --- background jobs ------------------------------------------------------------------------------------


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


@dataclass(frozen=True)
class StageSpec:
    """One step a kind of job goes through, with what the page says and how far along the bar it is."""

    key: str
    label: str
    percent: int


# What the kernel tells people when a job cannot run; a kind may say it in its own words (``messages``).
JOB_MESSAGES = {
    "broker_down": "无法连接后台任务队列(Redis),任务没有开始。请联系系统管理员检查 Redis 和后台任务进程后重试。",
    "interrupted": "后台任务多次中断,已停止。请稍后重试。",
    "never_started": "排队超过{minutes}分钟仍未开始:后台任务进程(Celery worker)可能没有运行。请联系系统管理员。",
    "timed_out": "后台任务运行超过{minutes}分钟仍未完成,已停止。请稍后重试;如果再次超时,请联系系统管理员。",
}


@dataclass(frozen=True)
class JobKind:
    """What an app declares about one kind of background job (the annual report's draft, a plan import).

    ``stages`` run in order: the first is "waiting in the queue", the second the one a claimed job starts
    in, the last "done". ``task`` is the dotted path of the Celery task that takes the job's id;
    ``timeout`` (the hard limit in seconds: a job running longer is stopped and failed, one queued longer
    is given up) and ``queue`` are read from settings when asked, so a test's ``settings`` fixture
    applies. How long a silent heartbeat means a dead worker is one setting for all kinds
    (``LAWGOV_JOB_STALE_AFTER``, lawgov.background).
    """

    name: str
    stages: tuple[StageSpec, ...]
    task: str
    timeout: Callable[[], int]
    queue: Callable[[], str | None] = lambda: None
    max_attempts: int = 3
    status_labels: Mapping[str, str] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.stages) < 3:
            raise ValueError(f"job kind {self.name}: declare at least the queued, a working and the done stage")

    @property
    def queued_stage(self) -> StageSpec:
        return self.stages[0]

    @property
    def first_stage(self) -> StageSpec:
        return self.stages[1]

    @property
    def done_stage(self) -> StageSpec:
        return self.stages[-1]

    def stage(self, key: str) -> StageSpec:
        """The declared stage ``key``; a ``ValueError`` for a stage this kind does not have (a bug)."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise ValueError(f"job kind {self.name} has no stage {key!r}")

    def message(self, key: str, **values: object) -> str:
        return self.messages.get(key, JOB_MESSAGES[key]).format(**values)


JOB_KINDS: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> JobKind:
    """Declare a kind of job (once, at import of the app's models); the kernel looks it up by name."""
    known = JOB_KINDS.get(kind.name)
    if known is not None and known != kind:
        raise ValueError(f"job kind {kind.name} declared twice")
    JOB_KINDS[kind.name] = kind
    return kind


class Job(models.Model):
    """One piece of background work of any app, and the row its page polls and its worker claims.

    The life of a job is the same everywhere (lawgov.background): queued → claimed by one worker with a
    conditional UPDATE (a duplicate delivery does nothing) → stages with a heartbeat → succeeded or failed
    with a reason in Chinese; a job whose heartbeat stopped is taken over, a broker that is down fails the
    job at once. ``subject`` names what the job works on ("annual_report:42"): the database allows one
    queued or running job per subject, so two clicks make one job. What the job is *for* (which report,
    which version it produced) lives in the app, in a model that extends this one (``reports.ReportJob``).
    """

    kind = models.CharField("类型", max_length=40)
    subject = models.CharField("对象", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # A free string: each kind declares its own stages (JobKind.stages); lawgov.background checks them.
    stage = models.CharField("阶段", max_length=30, default="queued")
    progress = models.PositiveSmallIntegerField("进度(%)", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    celery_id = models.CharField(max_length=100, blank=True)
    claim = models.CharField(max_length=40, blank=True)
    error = models.TextField("失败原因", blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(status__in=["queued", "running"]) & ~Q(subject=""),
                name="job_one_active_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} · {self.get_status_display()}"

    @property
    def job_kind(self) -> JobKind:
        return JOB_KINDS[self.kind]

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_JOB_STATUSES

    @property
    def percent(self) -> int:
        return self.progress

    @property
    def stage_label(self) -> str:
        kind = JOB_KINDS.get(self.kind)
        try:
            return kind.stage(self.stage).label if kind else self.stage
        except ValueError:
            return self.stage

    @property
    def status_label(self) -> str:
        kind = JOB_KINDS.get(self.kind)
        return (kind.status_labels.get(self.status) if kind else None) or self.get_status_display()


class Notification(models.Model):
    """An in-app message (the bell). ``key`` makes reminders idempotent: one per task, unit, kind and day.

    The kernel owns the message; the apps that send messages register their kinds (lawgov.notifications),
    so ``kind`` takes its choices from that registry and a new kind needs no migration. ``Kind`` is the
    registry: ``Notification.Kind.DUE_SOON`` is the code an app registered under that name.
    """

    Kind = notification_kinds

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=kind_choices)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table was created by the tasks app, which first owned this model; it moved to the kernel in
        # state only (lawgov 0003, tasks 0003), so the rows never moved.
        db_table = "tasks_notification"
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


# --- the working-day calendar (lawgov.calendar is its pure half) --------------------------------------


class CalendarDay(models.Model):
    """A date that breaks the Monday-to-Friday rule: a statutory holiday, or a weekend worked in exchange (调休).

    Rows without a jurisdiction are the national calendar (seeded from the State Council notices, see
    lawgov.calendar); a row of a jurisdiction overrides the national one for that date (a local holiday, or a
    year the office entered before the seed knew it). Read through ``lawgov.selectors.calendar_for``.

    The kernel's since plans needed it too ("30个工作日内" in a document); it was the tasks app's first, and its
    tables keep their names (``tasks_calendarday``), rows and history.
    """

    class Kind(models.TextChoices):
        HOLIDAY = HOLIDAY, "放假"
        WORKDAY = WORKDAY, "调休上班"

    jurisdiction = models.ForeignKey(
        Unit,
        verbose_name="辖区",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空:全国统一安排",
    )
    date = models.DateField("日期")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=40, help_text="如 春节、国庆节调休")

    history = HistoricalRecords(table_name="tasks_historicalcalendarday")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        db_table = "tasks_calendarday"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(jurisdiction__isnull=True), name="calendarday_unique_national"
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "date"],
                condition=Q(jurisdiction__isnull=False),
                name="calendarday_unique_local",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}({self.get_kind_display()})"
