"""The plans app's API urls, mounted under /api/v1/ by the root urls."""

from lawgov.api.routers import AppRouter
from plans.api.views import PlanViewSet, SectionViewSet

router = AppRouter()
router.register("plans", PlanViewSet, basename="api-plan")
router.register("sections", SectionViewSet, basename="api-section")

urlpatterns = router.urls
