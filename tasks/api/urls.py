"""The tasks app's API urls, mounted under /api/v1/ by the root urls."""

from lawgov.api.routers import AppRouter
from tasks.api.records import ExtensionRequestViewSet, ReminderViewSet
from tasks.api.views import ProgressReportViewSet, TaskViewSet

router = AppRouter()
router.register("tasks", TaskViewSet, basename="api-task")
router.register("progress-reports", ProgressReportViewSet, basename="api-progress-report")
router.register("reminders", ReminderViewSet, basename="api-reminder")
router.register("extensions", ExtensionRequestViewSet, basename="api-extension")

urlpatterns = router.urls
