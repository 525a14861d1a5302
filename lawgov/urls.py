"""Root urls. Each app mounts its pages and its api/ urls here once its issue lands."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lawgov import views
from lawgov.api_views import MeView
from tasks import views as tasks_views

handler403 = "lawgov.views.permission_denied"
handler404 = "lawgov.views.page_not_found"
handler500 = "lawgov.views.server_error"

api_v1 = [
    path("me/", MeView.as_view(), name="api-me"),
]

urlpatterns = [
    # The 工作台 is the tasks app's: the kernel's home page only greets, the work lives in tasks.
    path("", tasks_views.workbench, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("health/", views.health, name="health"),
    path("plans/", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
