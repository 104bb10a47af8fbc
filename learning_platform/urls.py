from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .api import router

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("", include("demos.urls")),
    path("", include("lessons.urls")),
]

handler400 = "learning_platform.errors.bad_request"
handler403 = "learning_platform.errors.permission_denied"
handler404 = "learning_platform.errors.page_not_found"
handler500 = "learning_platform.errors.server_error"
