"""The reports app's API urls, mounted under /api/v1/ by the root urls."""

from lawgov.api.routers import AppRouter
from reports.api.views import AnnualReportViewSet

router = AppRouter()
router.register("annual-reports", AnnualReportViewSet, basename="api-annual-report")

urlpatterns = router.urls
