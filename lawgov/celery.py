"""The Celery app. Without REDIS_URL jobs run in-process (CELERY_TASK_ALWAYS_EAGER), same code."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawgov.settings")

app = Celery("lawgov")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Our apps keep their jobs in jobs.py (tasks.py would clash with the app called tasks).
app.autodiscover_tasks(["lawgov", "plans", "tasks", "assessment", "reports"], related_name="jobs")
