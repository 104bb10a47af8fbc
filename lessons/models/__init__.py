"""The content and the learning, one module per concept."""

from .lesson import Lesson
from .path import LearningPath, Visibility
from .podcast import AudioType, Episode
from .progress import LessonCompletion
from .resource import Resource, ResourceKind

__all__ = [
    "AudioType",
    "Episode",
    "LearningPath",
    "Lesson",
    "LessonCompletion",
    "Resource",
    "ResourceKind",
    "Visibility",
]
