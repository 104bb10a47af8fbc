"""What changes only with a path's content, rendered once and kept in Django's cache.

Every key carries the path's *content version*: a random token that every write to
the path's content replaces. The model signals at the bottom catch saves and deletes
(the admin's included); services that write with `UPDATE` or `bulk_create`, which send
no signal, call `content_changed` themselves. A new token makes every older key
unreachable, so an edit shows on the very next request whichever process serves it,
and nothing has to be deleted (old entries expire). The token is random rather than a
counter: if the cache forgets it (eviction, a restart), a fresh one cannot meet a key
written under an old one.

The token is replaced at once and again when the transaction commits. A request that
read the first new token before the commit still read the old rows and may have cached
them under it; the second replacement leaves that entry unreachable.

Anonymous readers with no session, most readers, get whole pages from the cache
(`shared_page`): rendered once per content version and URL with a placeholder for the
CSRF token, which is filled in per request, and answered with 304 Not Modified when the
browser already holds the same page. Readers with a session get the page kept once per
kind of reader (`learner_page`) with their own parts (ticks, progress, counts) filled
in. A signed-in learner's page with their parts filled in is kept too, under a version
of their own records (completions, cards, reviews, study settings, quiz attempts) that
every write of those replaces, for as long as the parts stay true without a write (a
card comes due at a set time); their name and CSRF token are put in per request. So a
learner's progress reaches only their own pages, and shows on the next request after
any change.
"""

import functools
import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.html import escape

from lessons import models

T = TypeVar("T")

PART_SECONDS = 24 * 3600  # an unread part leaves the cache after a day


@functools.cache
def _placeholder(what: str) -> str:
    """The mark a kept page holds where each reader's `what` is filled in. Derived from
    SECRET_KEY, so no author can guess it: a lesson body is learner-written, and a fixed
    mark written into a link would be replaced by every reader's CSRF token or name."""
    return "keep-" + salted_hmac("lessons.cache.placeholder", what).hexdigest()[:32]


def csrf_mark() -> str:
    return _placeholder("csrf")


def name_mark() -> str:
    return _placeholder("name")


@functools.cache
def code_version() -> str:
    """The code and templates this process runs (names, sizes, times of the files):
    after a deploy that changes them, pages are rendered anew, never served as the
    code before it rendered them."""
    root = Path(settings.BASE_DIR)
    h = hashlib.blake2b(digest_size=8)
    for folder in ("lessons", "demos", "templates", "learning_platform"):
        for file in sorted((root / folder).rglob("*")):
            if file.suffix in (".py", ".html"):
                st = file.stat()
                h.update(f"{file.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def _version_key(path_id: int) -> str:
    return f"content-version:{path_id}"


def _progress_key(learner_id: int) -> str:
    return f"progress-version:{learner_id}"


def _version(key: str) -> str:
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)  # two first readers: one wins
        version = cache.get(key)
    return version


def _bump(key: str) -> None:
    """A new version under `key`, now and again once the transaction commits."""

    def bump() -> None:
        cache.set(key, uuid.uuid4().hex, timeout=None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def content_version(path_id: int) -> str:
    """The path's current content version (made on first use)."""
    return _version(_version_key(path_id))


def content_changed(path_id: int) -> None:
    """Call after writing any of a path's content: its cached parts are unreachable
    from the next request on (now, and again once the transaction commits)."""
    _bump(_version_key(path_id))


def progress_changed(learner_id: int) -> None:
    """Call after writing any of a signed-in learner's own records (`LEARNER_MODELS`:
    the signals below do for saves and deletes; `bulk_create` and `update` send none):
    what `progress_cached` and `learner_page` kept for them is unreachable from the
    next request on."""
    _bump(_progress_key(learner_id))


# A key that names a content version (and the code) names a value that never changes:
# each process keeps the latest of them in memory too, and reads them without going to
# the cache and unpickling. Only the versions themselves are read from the cache. So are
# anonymous path pages, whose entries name the version they were rendered under
# (`_current`).
_HERE: dict[str, object] = {}
HERE_MAX = 500  # entries; all are dropped when full (a new version makes most stale)


def _get_unchanging(key: str):
    value = _HERE.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            _keep_here(key, value)
    return value


def _set_unchanging(key: str, value) -> None:
    cache.set(key, value, PART_SECONDS)
    _keep_here(key, value)


def _keep_here(key: str, value) -> None:
    if len(_HERE) >= HERE_MAX:
        _HERE.clear()
    _HERE[key] = value


def cached(path_id: int, name: str, build: Callable[[], T]) -> T:
    """`build()` for this version of the path's content, built once and kept. `build`
    reads the rows it needs itself: rows read before this call may be older than the
    version the result is kept under. Callers must not change what they get: it is
    shared by every request this process serves."""
    key = f"part:{code_version()}:{path_id}:{content_version(path_id)}:{name}"
    kept = _get_unchanging(key)  # (value,): a value of None is kept too
    if kept is None:
        kept = (build(),)
        _set_unchanging(key, kept)
    return kept[0]


def progress_cached(learner_id: int, path_id: int, name: str, build: Callable[[], T]) -> T:
    """`build()` for this version of the learner's progress and the path's content,
    built once and kept; `build` reads the rows itself, as for `cached`."""
    progress = _version(_progress_key(learner_id))  # both read before the rows they name
    key = f"progress:{learner_id}:{progress}:{path_id}:{content_version(path_id)}:{name}"
    kept = cache.get(key)
    if kept is None:
        kept = (build(),)
        cache.set(key, kept, PART_SECONDS)
    return kept[0]


# --- whole pages for anonymous readers ------------------------------------------------


def _shareable(request: HttpRequest) -> bool:
    """A request whose page is the same for every such request: anonymous, with no
    session and no pending message (both would show on the page), a plain GET with no
    query, not an htmx partial."""
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and not request.GET
        and not getattr(request, "htmx", False)
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.user.is_authenticated
    )


def shared_page(
    request: HttpRequest, *, version: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page `render()` makes, from the cache when the request is shareable; `version`
    names what the page shows (e.g. a digest of the files it reads)."""
    if not _shareable(request):
        return render()
    key = f"page:{code_version()}:{version}:{_digest(request.path)}"
    html = cache.get(key)
    if html is None:
        response = _render_shareable(request, render)
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(key, html, PART_SECONDS)
    return _send(request, html, key)


def shared_path_page(
    request: HttpRequest,
    *,
    lookup: Callable[[], "models.LearningPath"],
    render: Callable[["models.LearningPath"], HttpResponse],
) -> HttpResponse:
    """A path's page: `render(lookup())`, from the cache when the request is shareable.
    A page in the cache is served while its path's content version is the one it was
    rendered under, with no database query; otherwise `lookup()` finds the path (404 if
    anonymous readers may not read it: making a path private saves it, a new version)."""
    if not _shareable(request):
        return render(_path_for_reader(request, lookup))
    key = f"path-page:{code_version()}:{_digest(request.path)}"
    entry = _current(key)  # (path id, content version, HTML)
    if entry is not None:
        return _send(request, entry[2], f"{key}:{entry[1]}")
    path = lookup()
    version = content_version(path.id)  # read before the content it names
    response = _render_shareable(request, lambda: render(path))
    if response.status_code != 200:
        return response
    html = response.content.decode()
    cache.set(key, (path.id, version, html), PART_SECONDS)
    _keep_here(key, (path.id, version, html))
    return _send(request, html, f"{key}:{version}")


def _current(key: str) -> tuple | None:
    """The entry (path id, content version, …) kept under `key` while that version is
    the path's current one: from this process's memory, else from the cache. Only the
    version is read from the cache when the process holds the entry."""
    entry = _HERE.get(key)
    if entry is None or content_version(entry[0]) != entry[1]:
        entry = cache.get(key)  # another process may have rendered the current one
        if entry is None or content_version(entry[0]) != entry[1]:
            return None
        _keep_here(key, entry)
    return entry


def _path_for_reader(
    request: HttpRequest, lookup: Callable[[], "models.LearningPath"]
) -> "models.LearningPath":
    """`lookup()`, or, for a path open to all, the path as read under its current content
    version from the cache: what every reader may read needs no query per reader."""
    key = f"open-path:{code_version()}:{_digest(request.path)}"
    entry = cache.get(key)  # (path id, content version, path)
    if entry is not None and content_version(entry[0]) == entry[1]:
        return entry[2]
    path = lookup()  # 404 for a path this reader may not read
    version = content_version(path.id)
    fresh = models.LearningPath.objects.get(pk=path.pk)  # read after the version it is kept under
    if fresh.open_to_all:
        cache.set(key, (path.id, version, fresh), PART_SECONDS)
    return path


def _render_shareable(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page rendered with the CSRF placeholder; an answer other than 200, which is
    not kept, gets this reader's token at once."""
    request.csrf_placeholder = True  # see `csrf_placeholder` below
    response = render()
    request.csrf_placeholder = False
    if response.status_code != 200:
        token = get_token(request).encode()
        response.content = response.content.replace(csrf_mark().encode(), token)
    return response


def _send(request: HttpRequest, html: str, key: str) -> HttpResponse:
    """A shared page with this reader's CSRF token, or 304 if they hold it already."""
    token = get_token(request)  # sets the CSRF cookie when the browser has none
    # The browser's copy holds a token made from its CSRF cookie: the same page and the
    # same cookie make the same ETag, a new cookie a new one.
    etag = f'"{_digest(key + request.META["CSRF_COOKIE"])}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(html.replace(csrf_mark(), token))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # ask each time: edits show at once
    patch_vary_headers(response, ["Cookie"])
    return response


# --- pages of learners: one page per kind of reader, their own parts filled in ----------


def learner_part(name: str) -> str:
    """Where a learner's own part goes in a learner page (see `learner_page`)."""
    return f"<!--learner:{name}-->"


def learner_page(
    request: HttpRequest,
    *,
    path_id: int,
    variant: str,
    render: Callable[[dict | None], HttpResponse],
    fill: Callable[[str], tuple[str, float | None]],
    live: Callable[[str, str], str] | None = None,
) -> HttpResponse:
    """A page of a reader with a session (signed in or not): the page as every reader
    of its `variant` sees it, rendered once per content version and URL and kept, with
    this reader's own parts put in by `fill(html)`. Rendering a page for everyone costs
    far more than filling in a few parts, and no reader's parts are ever kept in it.

    `render(placeholders)` renders the shared page: `placeholders` goes into its
    context (the signed-in user's name is a placeholder, filled in per request with the
    CSRF token) and the reader's parts are left as `learner_part(name)` marks. With
    pending messages, which show on the page, or a query or htmx, it is `render(None)`:
    the whole page for this reader, kept nowhere; so it is when the page is being
    rendered for `shared_page`, which keeps it whole.

    `fill(html)` returns the page with the reader's parts rendered (with `csrf_mark()`
    for the token) and for how many seconds they stay true with no write of the
    reader's records (None: until one). A signed-in learner's filled page is kept that
    long, under the version of their records (`progress_changed`). `live(html, token)`
    fills in parts read anew on every request (the Lab's recent runs, which a worker
    updates)."""
    if getattr(request, "csrf_placeholder", False):
        return render(None)
    messages = "messages" in request.COOKIES or "_messages" in request.session
    if messages or request.GET or getattr(request, "htmx", False):
        return render(None)
    version = content_version(path_id)  # read before the content it names
    page = f"{code_version()}:{path_id}:{version}:{variant}:{_digest(request.path)}"
    mine_key = None
    if request.user.is_authenticated:  # both versions read before the rows they name
        mine_key = f"mine:{request.user.id}:{_version(_progress_key(request.user.id))}:{page}"
    html = cache.get(mine_key) if mine_key else None
    if html is None:
        html = _get_unchanging(f"learner-page:{page}")
        if html is None:
            request.csrf_placeholder = True
            placeholders = {}
            if request.user.is_authenticated:
                placeholders["user"] = SimpleNamespace(is_authenticated=True, username=name_mark())
            response = render(placeholders)
            request.csrf_placeholder = False
            html = response.content.decode()
            if response.status_code != 200:
                response.content = _personal(request, html, get_token(request))
                return response
            _set_unchanging(f"learner-page:{page}", html)
        html, seconds = fill(html)
        if mine_key and (seconds is None or seconds >= 1):
            cache.set(mine_key, html, int(min(seconds or PART_SECONDS, PART_SECONDS)))
    token = get_token(request)  # once: each call masks the secret anew
    if live is not None:
        html = live(html, token)
    return HttpResponse(_personal(request, html, token))


def _personal(request: HttpRequest, html: str, token: str) -> str:
    """A learner page with this reader's CSRF token and name."""
    html = html.replace(csrf_mark(), token)
    if request.user.is_authenticated:
        html = html.replace(name_mark(), escape(request.user.get_username()))
    return html


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: a page rendered for the cache gets a placeholder where the
    CSRF token goes (in forms and htmx's headers); `shared_page` fills in each reader's."""
    if getattr(request, "csrf_placeholder", False):
        return {"csrf_token": csrf_mark()}
    return {}


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


# --- every save and delete of a path's content bumps its version ----------------------


def _path_id(instance) -> int | None:
    if isinstance(instance, models.LearningPath):
        return instance.pk
    if isinstance(instance, models.QuizOption):
        if models.QuizOption.question.is_cached(instance):
            return instance.question.path_id
        question = models.QuizQuestion.objects.filter(pk=instance.question_id)
        return question.values_list("path_id", flat=True).first()
    return instance.path_id


def _on_write(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    path_id = _path_id(instance)
    if path_id is not None:
        content_changed(path_id)


CONTENT_MODELS = (
    models.LearningPath,
    models.Lesson,
    models.Resource,
    models.Flashcard,
    models.QuizQuestion,
    models.QuizOption,
    models.Episode,
    models.PathFigure,
    models.GlossaryTerm,
)


# A signed-in learner's own records: what their pages show of them is kept until one of
# these is written (`progress_changed`).
LEARNER_MODELS = (
    models.LessonCompletion,
    models.CardState,
    models.Review,
    models.StudyPreference,
    models.CardRequeue,
    models.FsrsParameters,
    models.QuizAttempt,
)


def _on_progress(sender, instance, **kwargs) -> None:
    if not kwargs.get("raw") and instance.learner_id is not None:  # an anonymous attempt
        progress_changed(instance.learner_id)


def connect_signals() -> None:
    for model in CONTENT_MODELS:
        post_save.connect(_on_write, sender=model, dispatch_uid=f"content-{model.__name__}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"content-{model.__name__}-d")
    for model in LEARNER_MODELS:
        post_save.connect(_on_progress, sender=model, dispatch_uid=f"progress-{model.__name__}")
        post_delete.connect(_on_progress, sender=model, dispatch_uid=f"progress-{model.__name__}-d")
