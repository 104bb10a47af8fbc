"""The one DRF router: every API endpoint is registered here."""

from rest_framework.routers import DefaultRouter

from demos.api import DemoRunViewSet, FamilyViewSet
from lessons.api import PathViewSet

router = DefaultRouter()
router.register("paths", PathViewSet, basename="path")
router.register("demos/runs", DemoRunViewSet, basename="demorun")
router.register("demos/families", FamilyViewSet, basename="demofamily")
