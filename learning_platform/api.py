"""The one DRF router: every API endpoint is registered here."""

from rest_framework.routers import DefaultRouter

from lessons.api import PathViewSet

router = DefaultRouter()
router.register("paths", PathViewSet, basename="path")
