"""The cache of what changes only with a path's content (lessons/cache.py): every kind of
edit shows on the very next request to every cached page, for anonymous readers (whole
pages from the cache) and signed-in learners (pages built from cached parts); one
learner's progress never reaches another's page; reading creates no session."""

import dataclasses
import re
import uuid
from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.authoring.bundle import CardSpec, ResourceSpec
from lessons.authoring.services import path_import
from lessons.flashcards.scheduling import LEARN_AHEAD, review_record
from lessons.models import (
    CardState,
    LearningPath,
    Lesson,
    LessonCompletion,
    QuizAttempt,
    Rating,
    StudyPreference,
    Visibility,
)
from tests.lessons.authoring.own import owned_path, small_bundle


def pages(path: LearningPath) -> dict[str, str]:
    return {
        "path": reverse("path_detail", args=[path.slug]),
        "lesson": reverse("lesson_detail", args=[path.slug, "three"]),
        "chapter": reverse("lesson_detail", args=[path.slug, "one"]),
        "resources": reverse("path_resources", args=[path.slug]),
        "deck": reverse("path_flashcards", args=[path.slug]),
    }


def read_all(client, path) -> dict[str, str]:
    answers = {name: client.get(url) for name, url in pages(path).items()}
    assert all(a.status_code == HTTPStatus.OK for a in answers.values()), answers
    return {name: a.content.decode() for name, a in answers.items()}


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user(username="owner", password="pw-owner-123")


@pytest.fixture
def path(owner):
    return owned_path(owner, visibility=Visibility.PUBLIC)


@pytest.fixture
def readers(client, learner):
    """An anonymous reader (no session: whole pages from the cache) and a signed-in one."""
    signed_in = Client()
    signed_in.force_login(learner)
    return {"anonymous": Client(), "signed in": signed_in}


def edit_in_editor(owner, path):
    editor = Client()
    editor.force_login(owner)
    url = reverse("lesson_edit", args=[path.slug, "three"])
    response = editor.post(url, {"title": "Edited title", "body": "Edited body.", "version": 1})
    assert response.status_code == HTTPStatus.FOUND


def edit_in_admin(owner, path):
    staff = Client()
    staff.force_login(
        type(owner).objects.create_superuser(username="staff", password="pw-staff-123")
    )
    lesson = path.lessons.get(slug="three")
    data = {
        "path": path.pk,
        "parent": "",
        "position": lesson.position,
        "slug": "three",
        "title": "Edited title",
        "body": "Edited body.",
    }
    response = staff.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]


def edit_by_reimport(owner, path):
    bundle = small_bundle(path.slug)
    lessons = [
        dataclasses.replace(spec, title="Edited title", body="Edited body.")
        if spec.slug == "three"
        else spec
        for spec in bundle.lessons
    ]
    resources = [dataclasses.replace(bundle.resources[0], title="Edited resource")]
    cards = [
        *bundle.cards[:1],
        CardSpec(key="three", lesson="three", front="Edited card?", back="B"),
    ]
    path_import(
        bundle=dataclasses.replace(bundle, lessons=lessons, resources=resources, cards=cards)
    )


EDITS = {"editor": edit_in_editor, "admin": edit_in_admin, "re-import": edit_by_reimport}


@pytest.mark.django_db
@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
@pytest.mark.parametrize("reader", ["anonymous", "signed in"])
def test_an_edit_shows_on_the_very_next_request_to_every_cached_page(
    readers, reader, owner, path, edit
):
    """Protects readers from stale pages: after an edit in the editor, the admin or by
    re-importing the bundle, the next request to the path, lesson, chapter, resources
    and deck pages shows the new text (all of them were cached just before)."""
    client = readers[reader]
    before = read_all(client, path)
    read_all(client, path)  # now from the cache
    assert "Edited title" not in before["path"]
    edit(owner, path)
    after = read_all(client, path)
    assert "Edited title" in after["path"] and "Edited title" in after["chapter"]
    assert "Edited body." in after["lesson"] and "Edited title" in after["lesson"]
    if edit is edit_by_reimport:
        assert "Edited resource" in after["resources"]
        assert "Edited card?" in after["deck"]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["anonymous", "signed in"])
def test_a_clone_and_an_edit_of_it_show_at_once_and_leave_the_original_as_it_was(
    readers, reader, owner, path, learner
):
    """Protects clones: the copy's pages show the copy (cached pages of the original
    are keyed by the original), and editing the copy changes its pages at once while
    the original's cached pages stay as they were."""
    client = readers[reader]
    original = read_all(client, path)
    cloner = Client()
    cloner.force_login(owner)
    cloner.post(reverse("path_clone", args=[path.slug]))
    copy = LearningPath.objects.get(cloned_from=path)
    copy.visibility = Visibility.PUBLIC
    copy.save(update_fields=["visibility"])
    first = read_all(client, copy)
    assert copy.slug in first["path"] and "A copy of" in first["path"]
    editor = Client()
    editor.force_login(owner)
    edit = reverse("lesson_edit", args=[copy.slug, "three"])
    editor.post(edit, {"title": "Mine now", "body": "My body.", "version": 1})
    assert "My body." in read_all(client, copy)["lesson"]
    assert "My body." not in read_all(client, path)["lesson"]
    assert "Three" in original["lesson"]


@pytest.mark.django_db
def test_deleting_and_adding_lessons_and_resources_show_at_once(client, owner, path):
    """Protects the tree and the resources against edits that delete or add rows (the
    editor's delete and add, a resource deleted in the admin)."""
    read_all(client, path)
    editor = Client()
    editor.force_login(owner)
    editor.post(reverse("lesson_delete", args=[path.slug, "two-a"]))
    editor.post(reverse("lesson_add", args=[path.slug]), {"title": "Brand new"})
    path.resources.get().delete()
    html = client.get(pages(path)["path"]).content.decode()
    assert "Brand new" in html and "Two A" not in html
    assert "DDPM" not in client.get(pages(path)["resources"]).content.decode()


@pytest.mark.django_db
def test_a_learner_never_sees_another_learners_progress(path, django_user_model):
    """Protects privacy across the cache: the tree and pages are cached once, yet each
    signed-in learner (and each anonymous session) sees only their own ticks and count,
    and the anonymous page for readers without a session shows none."""
    ada, bob = (
        django_user_model.objects.create_user(username=name, password="pw-long-enough-1")
        for name in ("ada-r", "bob-r")
    )
    three = path.lessons.get(slug="three")
    LessonCompletion.objects.create(learner=ada, lesson=three)
    as_ada, as_bob, anonymous, session = Client(), Client(), Client(), Client()
    as_ada.force_login(ada)
    as_bob.force_login(bob)
    session.post(reverse("lesson_complete", args=[path.slug, "one-a"]))
    for url in (pages(path)["path"], pages(path)["lesson"], pages(path)["chapter"]):
        for _ in range(2):  # the second read comes from the cache
            ada_html = as_ada.get(url).content.decode()
            bob_html = as_bob.get(url).content.decode()
            anonymous_html = anonymous.get(url).content.decode()
            session_html = session.get(url).content.decode()
            assert 'aria-label="completed"' in ada_html
            assert "1 / 6 lessons" in ada_html and "1 / 6 lessons" in session_html
            assert 'aria-label="completed"' not in bob_html
            assert 'aria-label="completed"' not in anonymous_html
            assert "0 / 6 lessons" in bob_html and "0 / 6 lessons" in anonymous_html
    tick = 'aria-label="completed"'
    chapter = session.get(pages(path)["chapter"]).content.decode()
    assert chapter.count(tick) == 2  # One A: in the chapter's list and in the aside


@pytest.mark.django_db
def test_reading_creates_no_session_and_writes_nothing(client, path, django_assert_num_queries):
    """Protects the database from readers: an anonymous reader's pages create no
    session row and write nothing, and once cached a page costs no query at all."""
    read_all(client, path)
    assert Session.objects.count() == 0
    assert settings_session_cookie() not in client.cookies
    for url in pages(path).values():
        with django_assert_num_queries(0):
            assert client.get(url).status_code == HTTPStatus.OK
    assert Session.objects.count() == 0


def settings_session_cookie() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


@pytest.mark.django_db
def test_a_cached_page_carries_the_readers_own_csrf_token_and_its_form_posts(client, path):
    """Protects forms on cached pages: the CSRF placeholder is replaced by this
    reader's token, so "Mark complete" on a page from the cache posts successfully."""
    strict = Client(enforce_csrf_checks=True)
    url = pages(path)["lesson"]
    Client().get(url)  # another reader fills the cache
    html = strict.get(url).content.decode()
    assert "csrf-token-filled-in-per-request" not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = strict.post(
        reverse("lesson_complete", args=[path.slug, "three"]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == HTTPStatus.FOUND


@pytest.mark.django_db
def test_a_repeated_anonymous_read_answers_304_until_the_content_changes(client, path):
    """Protects conditional GET: the same reader asking again with the page's ETag gets
    304 with no body; after an edit the ETag changes and the new page is sent. Pages
    vary by cookie and are never stored by shared caches."""
    url = pages(path)["lesson"]
    first = client.get(url)
    assert first["Cache-Control"] == "private, no-cache" and "Cookie" in first["Vary"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED and again.content == b""
    Lesson.objects.filter(path=path, slug="three").get().save()  # any save: new version
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == HTTPStatus.OK and changed["ETag"] != first["ETag"]
    other = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])  # another browser's cookie
    assert other.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_signed_in_pages_are_never_answered_from_the_shared_page_cache(client, path, learner):
    """Protects signed-in learners: their pages carry no shared ETag and show their
    own name, even right after an anonymous reader filled the cache."""
    url = pages(path)["path"]
    Client().get(url)
    client.force_login(learner)
    response = client.get(url)
    assert "ETag" not in response and learner.username in response.content.decode()


@pytest.mark.django_db
def test_a_private_path_stays_hidden_from_the_cache(client, path):
    """Protects private paths: a page cached while the path was public answers 404 to
    anonymous readers as soon as the path is made private."""
    url = pages(path)["lesson"]
    assert client.get(url).status_code == HTTPStatus.OK
    path.visibility = Visibility.PRIVATE
    path.save(update_fields=["visibility"])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_unpublishing_in_the_admin_hides_a_cached_page_at_once(client, path, owner):
    """Protects unpublished paths: the admin's "Unpublish" action (an UPDATE, no
    signal) stops the cached page being served to anonymous readers at once."""
    url = pages(path)["lesson"]
    assert client.get(url).status_code == HTTPStatus.OK
    staff = Client()
    staff.force_login(
        type(owner).objects.create_superuser(username="staff", password="pw-staff-123")
    )
    changelist = reverse("admin:lessons_learningpath_changelist")
    staff.post(changelist, {"action": "unpublish", "_selected_action": [path.pk]})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_resources_added_by_bulk_import_show_at_once(client, path):
    """Protects the resources page from bulk writes that send no signals (re-import)."""
    read_all(client, path)
    bundle = small_bundle(path.slug)
    extra = ResourceSpec(
        title="Added later", authors="", year=2021, kind="paper", url="https://a.b/c", note=""
    )
    path_import(bundle=dataclasses.replace(bundle, resources=[*bundle.resources, extra]))
    assert "Added later" in client.get(pages(path)["resources"]).content.decode()


@pytest.mark.django_db
def test_a_signed_in_page_kept_for_every_learner_carries_each_ones_name_token_and_rights(
    path, owner, django_user_model
):
    """Protects signed-in pages built from one page kept per kind of reader: each
    learner sees their own name (escaped), their own CSRF token (their "Mark complete"
    posts), and the editor's link only when they may edit; none of it leaks to the next
    learner served from the same kept page."""
    ann = django_user_model.objects.create_user(username="ann<b>", password="pw-long-enough-1")
    bea = django_user_model.objects.create_user(username="bea-r", password="pw-long-enough-1")
    readers = {}
    for user in (ann, bea, owner):
        readers[user.username] = Client(enforce_csrf_checks=True)
        readers[user.username].force_login(user)
    for url, edit in (
        (pages(path)["path"], "Edit this path"),
        (pages(path)["lesson"], "Edit this lesson"),
    ):
        for _ in range(2):  # the second round is served from the kept page
            for name, reader in readers.items():
                html = reader.get(url).content.decode()
                others = [other for other in readers if other != name]
                assert all(f'<span class="muted">{o}' not in html for o in others)
                assert "learner-name-filled-in-per-request" not in html
                assert "csrf-token-filled-in-per-request" not in html
                assert (edit in html) == (name == owner.username)
    url = pages(path)["lesson"]
    ann_html = readers["ann<b>"].get(url).content.decode()
    assert '<span class="muted">ann&lt;b&gt;</span>' in ann_html
    token = ann_html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    complete = reverse("lesson_complete", args=[path.slug, "three"])
    posted = readers["ann<b>"].post(complete, {"csrfmiddlewaretoken": token})
    assert posted.status_code == HTTPStatus.FOUND
    assert LessonCompletion.objects.filter(learner=ann, lesson__slug="three").exists()
    assert "You completed this lesson" in readers["ann<b>"].get(url).content.decode()
    assert "You completed this lesson" not in readers["bea-r"].get(url).content.decode()


@pytest.mark.django_db
def test_a_learners_kept_progress_follows_every_change_to_it(path, django_user_model):
    """Protects the learner's progress kept in the cache: completing a lesson, progress
    brought along at sign-in (written in bulk, with no signal) and a completion deleted
    (as the admin does) all show on the very next page."""
    ada = django_user_model.objects.create_user(username="ada-p", password="pw-long-enough-1")
    reader = Client()
    reader.force_login(ada)
    url = pages(path)["path"]
    assert "0 / 6 lessons" in reader.get(url).content.decode()  # kept from here on
    reader.post(reverse("lesson_complete", args=[path.slug, "three"]))
    assert "1 / 6 lessons" in reader.get(url).content.decode()
    reader.post(reverse("logout"))
    reader.post(reverse("lesson_complete", args=[path.slug, "one-a"]))  # anonymous now
    reader.post(reverse("login"), {"username": "ada-p", "password": "pw-long-enough-1"})
    assert "2 / 6 lessons" in reader.get(url).content.decode()
    LessonCompletion.objects.filter(learner=ada, lesson__slug="three").delete()
    assert "1 / 6 lessons" in reader.get(url).content.decode()


def test_an_author_cannot_plant_the_mark_that_becomes_each_readers_token(
    owner, path, readers, settings
):
    """Protects every reader's CSRF token and name on kept pages: the marks filled in per
    request are derived from SECRET_KEY, so a learner-written lesson cannot contain them
    (a fixed mark in a link would send each reader's token to the author's site)."""
    from lessons import cache

    planted = "https://example.com/?t=csrf-token-filled-in-per-request&n=learner-name"
    editor = Client()
    editor.force_login(owner)
    url = reverse("lesson_edit", args=[path.slug, "three"])
    body = f"A [link]({planted}) in the lesson."
    response = editor.post(url, {"title": "Three", "body": body, "version": 1})
    assert response.status_code == HTTPStatus.FOUND
    for client in readers.values():
        for _ in range(2):  # the first read keeps the page, the second is filled in from it
            html = client.get(pages(path)["lesson"]).content.decode()
            assert "csrf-token-filled-in-per-request&amp;n=learner-name" in html
    marks = (cache.csrf_mark(), cache.name_mark())
    assert all(len(m) > 32 and settings.SECRET_KEY not in m for m in marks)
    cache._placeholder.cache_clear()
    settings.SECRET_KEY = "another-deployment-key"
    assert (cache.csrf_mark(), cache.name_mark()) != marks
    cache._placeholder.cache_clear()


def _counts(html: str) -> tuple[str, str, str]:
    """The flashcard counts (new, learning, due) a path page shows."""
    found = re.search(
        r'count-new"><strong>(\d+)</strong>.*?count-learning"><strong>(\d+)</strong>'
        r'.*?count-due"><strong>(\d+)</strong>',
        html,
        re.S,
    )
    return found.groups()


@pytest.mark.django_db
def test_a_learners_kept_page_follows_their_cards_quiz_and_settings(path, django_user_model):
    """Protects the signed-in page kept whole per learner: a review, a finished quiz, a
    change of study settings and a quiz attempt brought along at sign-in (written with
    `update`, no signal) each show on the very next request, and another learner's
    kept page never changes with them."""
    ada, bob = (
        django_user_model.objects.create_user(username=name, password="pw-long-enough-1")
        for name in ("ada-k", "bob-k")
    )
    as_ada, as_bob = Client(), Client()
    as_ada.force_login(ada)
    as_bob.force_login(bob)
    url = pages(path)["path"]
    html = as_ada.get(url).content.decode()  # kept from here on
    assert _counts(html) == ("2", "0", "0") and "Best score" not in html
    bob_before = as_bob.get(url).content.decode()

    card = path.flashcards.order_by("id").first()
    review_record(learner=ada, card=card, rating=Rating.AGAIN, key=uuid.uuid4())
    assert _counts(as_ada.get(url).content.decode()) == ("1", "1", "0")

    QuizAttempt.objects.create(
        path=path, learner=ada, seed=1, question_ids=[], finished_at=timezone.now(), score=0
    )
    assert "Best score" in as_ada.get(url).content.decode()

    StudyPreference.objects.create(
        learner=ada, desired_retention=0.9, new_cards_per_day=1, certainty=False
    )
    assert _counts(as_ada.get(url).content.decode())[0] == "0"

    assert "Best score" not in as_bob.get(url).content.decode()
    anonymous = Client()  # finishes a quiz, then signs in as Bob: the attempt is his
    anonymous.post(reverse("lesson_complete", args=[path.slug, "one-a"]))  # a session
    session_key = anonymous.cookies[settings.SESSION_COOKIE_NAME].value
    QuizAttempt.objects.create(
        path=path,
        session_key=session_key,
        seed=2,
        question_ids=[],
        finished_at=timezone.now(),
        score=0,
    )
    anonymous.post(reverse("login"), {"username": "bob-k", "password": "pw-long-enough-1"})
    assert "Best score" in as_bob.get(url).content.decode()
    assert bob_before.count("Best score") == 0


@pytest.mark.django_db
def test_a_kept_path_page_lives_only_until_a_card_comes_due(path, learner, monkeypatch):
    """Protects the card counts on a kept page from going stale with time alone: a
    reviewed card comes due with no write, so the page is kept no longer than until it
    comes within the learn-ahead window (or midnight, when new cards start anew)."""
    card = path.flashcards.order_by("id").first()
    review_record(learner=learner, card=card, rating=Rating.EASY, key=uuid.uuid4())
    due = CardState.objects.get(learner=learner, card=card).due
    kept = {}
    real_set = cache.set

    def spy(key, value, timeout=None, **kw):
        if key.startswith("mine:"):
            kept["seconds"] = timeout
        return real_set(key, value, timeout, **kw)

    monkeypatch.setattr(cache, "set", spy)
    reader = Client()
    reader.force_login(learner)
    assert reader.get(pages(path)["path"]).status_code == HTTPStatus.OK
    left = (due - LEARN_AHEAD - timezone.now()).total_seconds()
    tomorrow = timezone.localdate() + timedelta(days=1)
    midnight = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    bound = min(left, (midnight - timezone.now()).total_seconds())
    assert 0 < kept["seconds"] <= bound + 1
