"""The content and the learning, one module per concept."""

from .figure import PathFigure
from .flashcard import (
    CardPhase,
    CardRequeue,
    CardState,
    Flashcard,
    FsrsParameters,
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
from .quiz import Certainty, QuestionKind, QuizAnswer, QuizAttempt, QuizOption, QuizQuestion
from .resource import Resource, ResourceKind

__all__ = [
    "AudioType",
    "CardPhase",
    "CardRequeue",
    "CardState",
    "Certainty",
    "Episode",
    "Flashcard",
    "FsrsParameters",
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
