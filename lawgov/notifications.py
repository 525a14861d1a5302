"""The kinds of in-app notification, registered by the apps that send them.

``lawgov.models.Notification`` belongs to the kernel, but what a notification is *about* (a task falling due,
a self-assessment returned) belongs to the app that sends it. Each app registers its kinds from its
``AppConfig.ready()``; the model's ``kind`` field takes its choices from this registry through a callable, so
the migrations hold a reference to ``kind_choices`` and never the list: adding a kind needs no migration.
"""

from __future__ import annotations

from django.db import models

# The column is varchar(20); a longer code would be cut by some databases and refused by others.
KIND_MAX_LENGTH = 20


class NotificationKinds:
    """The registered kinds: code → label, and member name → code (``Notification.Kind.DUE_SOON``).

    Attribute access by member name keeps the old ``Notification.Kind.X`` spelling working for every
    registered kind, whichever app registered it.
    """

    def __init__(self) -> None:
        self._labels: dict[str, str] = {}
        self._by_name: dict[str, str] = {}

    def register(self, code: str, label: str, *, name: str | None = None) -> str:
        """Add a kind; registering the same code with the same label again is harmless (tests reload apps)."""
        name = name or code.upper()
        if not code or len(code) > KIND_MAX_LENGTH:
            raise ValueError(f"notification kind {code!r}: 1 to {KIND_MAX_LENGTH} characters")
        if self._labels.get(code, label) != label:
            raise ValueError(f"notification kind {code!r} already registered as {self._labels[code]!r}")
        if self._by_name.get(name, code) != code:
            raise ValueError(f"notification kind name {name} already stands for {self._by_name[name]!r}")
        self._labels[code] = label
        self._by_name[name] = code
        return code

    def register_choices(self, choices: type[models.TextChoices]) -> None:
        """Register every member of an app's ``TextChoices`` (the usual way: one enum per app)."""
        for member in choices:
            self.register(member.value, str(member.label), name=member.name)
            # Hand back the enum member itself, as the old ``Notification.Kind`` did.
            self._by_name[member.name] = member

    def __getattr__(self, name: str) -> str:
        try:
            return self.__dict__["_by_name"][name]
        except KeyError:
            raise AttributeError(f"no notification kind named {name}; is its app installed?") from None

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def __iter__(self):
        return iter(self._labels)

    def label(self, code: str) -> str:
        return self._labels.get(code, code)

    def choices(self) -> list[tuple[str, str]]:
        return list(self._labels.items())


kinds = NotificationKinds()


def register_kind(code: str, label: str) -> str:
    """Register one kind of notification; returns the code for the caller to keep as a constant."""
    return kinds.register(code, label)


def register_kinds(choices: type[models.TextChoices]) -> None:
    """Register an app's enum of notification kinds (call from ``AppConfig.ready()``)."""
    kinds.register_choices(choices)


def kind_choices() -> list[tuple[str, str]]:
    """The ``choices`` of ``Notification.kind``: a callable, so migrations reference it instead of a list."""
    return kinds.choices()
