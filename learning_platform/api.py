"""The one DRF router: every API endpoint is registered here."""

from rest_framework.routers import DefaultRouter

from demos.api import DemoRunViewSet, FamilyViewSet
from demos.training.api import TrainingViewSet
from lessons.flashcards.api import FlashcardViewSet, ReviewViewSet
from lessons.quizzes.api import QuizAttemptViewSet, QuizQuestionViewSet
from lessons.reading.api import PathViewSet

router = DefaultRouter()
router.register("paths", PathViewSet, basename="path")
router.register("flashcards", FlashcardViewSet, basename="flashcard")
router.register("reviews", ReviewViewSet, basename="review")
router.register("quiz-questions", QuizQuestionViewSet, basename="quiz-question")
router.register("quiz-attempts", QuizAttemptViewSet, basename="quiz-attempt")
router.register("demos/runs", DemoRunViewSet, basename="demorun")
router.register("demos/families", FamilyViewSet, basename="demofamily")
router.register("demos/trainings", TrainingViewSet, basename="training")
