"""Root urls. Each app mounts its pages and its api/ urls here once its issue lands."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from assessment.api.views import CycleViewSet, SubmissionViewSet
from lawgov import views
from lawgov.api_views import MeView, UnitViewSet
from plans.api.views import PlanViewSet, SectionViewSet
from reports.api.views import AnnualReportViewSet
from tasks import views as tasks_views
from tasks.api.views import ProgressReportViewSet, TaskViewSet

handler403 = "lawgov.views.permission_denied"
handler404 = "lawgov.views.page_not_found"
handler500 = "lawgov.views.server_error"

router = DefaultRouter()
router.register("units", UnitViewSet, basename="api-unit")
router.register("plans", PlanViewSet, basename="api-plan")
router.register("sections", SectionViewSet, basename="api-section")
router.register("tasks", TaskViewSet, basename="api-task")
router.register("progress-reports", ProgressReportViewSet, basename="api-progress-report")
router.register("assessment-cycles", CycleViewSet, basename="api-assessment-cycle")
router.register("submissions", SubmissionViewSet, basename="api-submission")
router.register("annual-reports", AnnualReportViewSet, basename="api-annual-report")

api_v1 = [
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]

urlpatterns = [
    # The 工作台 is the tasks app's: the kernel's home page only greets, the work lives in tasks.
    path("", tasks_views.workbench, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("health/", views.health, name="health"),
    # Browsers ask for /favicon.ico on pages without a <head> of ours (JSON from the API, a PDF).
    path("favicon.ico", views.favicon, name="favicon"),
    path("api-clients/", views.api_clients, name="api-clients"),
    path("plans/", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("assessment/", include("assessment.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
