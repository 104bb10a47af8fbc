"""The one DRF router: every API endpoint is registered here."""

from rest_framework.routers import DefaultRouter

from demos.api import DemoRunViewSet, FamilyViewSet
from lessons.api import PathViewSet
from lessons.api_study import (
    FlashcardViewSet,
    QuizAttemptViewSet,
    QuizQuestionViewSet,
    ReviewViewSet,
)

router = DefaultRouter()
router.register("paths", PathViewSet, basename="path")
router.register("flashcards", FlashcardViewSet, basename="flashcard")
router.register("reviews", ReviewViewSet, basename="review")
router.register("quiz-questions", QuizQuestionViewSet, basename="quiz-question")
router.register("quiz-attempts", QuizAttemptViewSet, basename="quiz-attempt")
router.register("demos/runs", DemoRunViewSet, basename="demorun")
router.register("demos/families", FamilyViewSet, basename="demofamily")
