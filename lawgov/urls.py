"""Root urls: each app's pages and its api/urls.py are mounted here, the API's under /api/v1/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from assessment.api import urls as assessment_api
from lawgov import views
from lawgov.api import urls as lawgov_api
from lawgov.api.routers import api_root
from plans.api import urls as plans_api
from reports.api import urls as reports_api
from tasks import views as tasks_views
from tasks.api import urls as tasks_api

handler400 = "lawgov.views.bad_request"
handler403 = "lawgov.views.permission_denied"
handler404 = "lawgov.views.page_not_found"
handler500 = "lawgov.views.server_error"

# Each app mounts its own api/urls.py; the front page of /api/v1/ links to every app's lists.
API_APPS = (lawgov_api, plans_api, tasks_api, assessment_api, reports_api)

api_v1 = [
    *(path("", include(app)) for app in API_APPS),
    *api_root(*(app.router for app in API_APPS)),
]

urlpatterns = [
    # The 工作台 is the tasks app's: the kernel's home page only greets, the work lives in tasks.
    path("", tasks_views.workbench, name="home"),
    path("search/", tasks_views.search, name="search"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("help/", views.help_page, name="help"),
    path("help/<str:role>/", views.help_page, name="help-role"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/retire/", views.unit_retire_toggle, name="unit-retire"),
    path("units/<int:pk>/merge/", views.unit_merge, name="unit-merge"),
    path("health/", views.health, name="health"),
    # Browsers ask for /favicon.ico on pages without a <head> of ours (JSON from the API, a PDF).
    path("favicon.ico", views.favicon, name="favicon"),
    path("api-clients/", views.api_clients, name="api-clients"),
    path("login-unlock/", views.login_unlock, name="login-unlock"),
    path("plans/", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("assessment/", include("assessment.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
]
