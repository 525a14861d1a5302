"""The assessment app's API urls, mounted under /api/v1/ by the root urls."""

from assessment.api.views import CycleViewSet, SubmissionViewSet
from lawgov.api.routers import AppRouter

router = AppRouter()
router.register("assessment-cycles", CycleViewSet, basename="api-assessment-cycle")
router.register("submissions", SubmissionViewSet, basename="api-submission")

urlpatterns = router.urls
