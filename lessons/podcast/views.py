"""The episode page, its audio (with Range), transcript and chapters, and the feed."""

from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lessons.lookups import readable_path
from lessons.models import Episode, Visibility

from . import selectors
from .formats import chapters_json
from .http import ranged_file_response
from .script import script_parse

ARTWORK = "img/podcast-artwork.png"


def _episode(request: HttpRequest, slug: str) -> Episode:
    episode = selectors.episode_of(path=readable_path(request, slug))
    if episode is None:
        raise Http404(_("This path has no podcast episode."))
    return episode


@require_GET
def episode_page(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    episode = selectors.episode_of(path=path)
    context = {
        "path": path,
        "episode": episode,
        "transcript": selectors.transcript_chapters(episode=episode) if episode else [],
        # Not built yet: the page shows the script itself.
        "script": script_parse(episode.script) if episode and not episode.transcript_vtt else None,
    }
    return render(request, "lessons/podcast/episode.html", context)


@require_http_methods(["GET", "HEAD"])
def episode_audio(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    episode = _episode(request, slug)
    if not episode.has_audio or extension != episode.audio_extension:
        raise Http404(_("This episode has no audio of that kind."))
    return ranged_file_response(
        request,
        storage=default_storage,
        name=episode.audio.name,
        content_type=episode.audio_type,
        etag=episode.audio_sha256[:32],
        last_modified=episode.audio_updated_at,
        public=episode.path.visibility == Visibility.PUBLIC,
    )


@require_http_methods(["GET", "HEAD"])
def episode_transcript(request: HttpRequest, slug: str) -> HttpResponse:
    episode = _episode(request, slug)
    if not episode.transcript_vtt:
        raise Http404(_("This episode has no transcript yet."))
    return HttpResponse(episode.transcript_vtt, content_type="text/vtt; charset=utf-8")


@require_http_methods(["GET", "HEAD"])
def episode_chapters(request: HttpRequest, slug: str) -> HttpResponse:
    episode = _episode(request, slug)
    return HttpResponse(chapters_json(episode.chapters), content_type="application/json+chapters")


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest) -> HttpResponse:
    """RSS 2.0 with the iTunes and Podcasting 2.0 tags podcast apps read."""
    episodes = list(selectors.episodes_in_feed())
    absolute = request.build_absolute_uri
    items = [
        {
            "episode": episode,
            "page": absolute(episode.get_absolute_url()),
            "audio": absolute(
                reverse("podcast_audio", args=[episode.path.slug, episode.audio_extension])
            ),
            "transcript": absolute(reverse("podcast_transcript", args=[episode.path.slug])),
            "chapters": absolute(reverse("podcast_chapters", args=[episode.path.slug])),
        }
        for episode in episodes
    ]
    context = {
        "items": items,
        "artwork": request.build_absolute_uri(static(ARTWORK)),
        "site": request.build_absolute_uri("/"),
        "self_url": request.build_absolute_uri(),
        "updated": max((e.updated_at for e in episodes), default=None),
    }
    return render(
        request,
        "lessons/podcast/feed.xml",
        context,
        content_type="application/rss+xml; charset=utf-8",
    )
