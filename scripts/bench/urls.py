"""The site's URLs and a bare Django view: the floor the pages are measured against."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path


def bare(request: HttpRequest, size: int) -> HttpResponse:
    """A page of `size` bytes, through the same middleware, with no template or query."""
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


def bare_signed_in(request: HttpRequest, size: int) -> HttpResponse:
    """The bare page, plus what every signed-in page pays before its view does anything:
    the session, the user it names (a query) and a CSRF token. The floor of a signed-in
    page, printed beside the goals (which are set against `bare`)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    get_token(request)
    return bare(request, size)


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("bench/bare-signed-in/<int:size>/", bare_signed_in),
    path("", include("learning_platform.urls")),
]
