"""The lookups every screen and endpoint starts with: the path named in the URL (or the
API's `path` parameter) that this user may read, or may edit. A path they may not read
answers 404, so a private path stays unseen; one they may read but not edit, 403."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from lessons.models import LearningPath
from lessons.reading import selectors

PATH_PARAMETER = OpenApiParameter(
    "path", OpenApiTypes.STR, required=True, description="The path's slug."
)


def readable_path(request: HttpRequest, slug: str) -> LearningPath:
    return get_object_or_404(selectors.path_readable(user=request.user), slug=slug)


def editable_path(request: HttpRequest, slug: str) -> LearningPath:
    path = readable_path(request, slug)
    if not selectors.path_can_edit(user=request.user, path=path):
        raise PermissionDenied(
            _("Only the owner of this path can edit it. Make it your own to edit a copy.")
        )
    return path


def api_readable_path(request: Request) -> LearningPath:
    """The path named by the API's `path` parameter (query or body)."""
    slug = request.query_params.get("path") or request.data.get("path")
    if not slug:
        raise ValidationError({"path": ["Give the path's slug."]})
    return readable_path(request, slug)
