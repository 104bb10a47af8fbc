"""The site's URLs and a bare Django view: the floor the pages are measured against."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest, size: int) -> HttpResponse:
    """A page of `size` bytes, through the same middleware, with no template or query."""
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("", include("learning_platform.urls")),
]
