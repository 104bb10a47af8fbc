"""The content and the learning, one module per concept."""

from .figure import PathFigure
from .flashcard import (
    CardPhase,
    CardState,
    Flashcard,
    Rating,
    Review,
    SessionReview,
    StudyPreference,
)
from .glossary import GlossaryTerm, term_anchor
from .lesson import Lesson
from .path import LearningPath, Visibility
from .podcast import AudioType, Episode
from .progress import LessonCompletion
from .quiz import QuestionKind, QuizAnswer, QuizAttempt, QuizOption, QuizQuestion
from .resource import Resource, ResourceKind

__all__ = [
    "AudioType",
    "CardPhase",
    "CardState",
    "Episode",
    "Flashcard",
    "GlossaryTerm",
    "LearningPath",
    "Lesson",
    "LessonCompletion",
    "PathFigure",
    "QuestionKind",
    "QuizAnswer",
    "QuizAttempt",
    "QuizOption",
    "QuizQuestion",
    "Rating",
    "Resource",
    "ResourceKind",
    "Review",
    "SessionReview",
    "StudyPreference",
    "term_anchor",
    "Visibility",
]
