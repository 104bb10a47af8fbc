"""Making a path your own: a deep, independent, private clone; sharing; staff's
featuring and unpublishing; everyone's access on every edit URL."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.authoring import services
from lessons.authoring.archive import bundle_to_zip
from lessons.authoring.selectors import path_bundle
from lessons.models import (
    Episode,
    LearningPath,
    Lesson,
    LessonCompletion,
    Resource,
    Visibility,
)
from tests.lessons.authoring.own import database_state, outline, owned_path


@pytest.fixture
def other(django_user_model):
    return django_user_model.objects.create_user(username="grace", password="another-passphrase")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="staffer", password="staff-passphrase", is_staff=True
    )


@pytest.mark.django_db
def test_make_it_your_own_gives_a_deep_private_copy_that_records_its_origin(
    client, learner, first_path
):
    """Protects the clone: every lesson (tree, titles, bodies), resource and glossary
    term is copied (each term pointing at the copy's lesson),
    the copy is private, owned by the learner and points back at the original."""
    client.force_login(learner)
    response = client.post(reverse("path_clone", args=[first_path.slug]))

    copy = LearningPath.objects.get(owner=learner)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("path_edit", args=[copy.slug])
    assert (copy.visibility, copy.cloned_from, copy.slug) == (
        Visibility.PRIVATE,
        first_path,
        "how-generative-ai-works-ada",
    )
    original, cloned = path_bundle(path=first_path), path_bundle(path=copy)
    cloned.slug = original.slug
    assert cloned == original  # same tree, titles, bodies and resources, in order
    assert set(copy.lessons.values_list("id", flat=True)).isdisjoint(
        first_path.lessons.values_list("id", flat=True)
    )
    assert copy.resources.count() == first_path.resources.count() > 0
    assert copy.glossary_terms.count() == first_path.glossary_terms.count() > 0
    assert not copy.glossary_terms.exclude(lesson__path=copy).exists()  # its own lessons


@pytest.mark.django_db
def test_a_copy_links_the_podcast_instead_of_copying_it(client, learner, first_path):
    """Protects the podcast's link: the copy has no episode row and no audio file of its
    own, yet its podcast page and audio URL play the original's episode."""
    episode = Episode.objects.get(path=first_path)
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    assert Episode.objects.count() == 1

    page = client.get(reverse("path_podcast", args=[copy.slug]))
    assert page.status_code == HTTPStatus.OK
    assert episode.title in page.content.decode()
    audio = client.get(reverse("podcast_audio", args=[copy.slug, "mp3"]))
    assert audio.status_code == HTTPStatus.OK
    assert b"".join(audio.streaming_content) == episode.audio.open("rb").read()


@pytest.mark.django_db
def test_editing_the_copy_leaves_the_original_byte_identical(client, learner, first_path):
    """Protects the original from its clones: after renaming, rewriting, adding,
    moving and deleting lessons in the copy, the original exports the same bytes."""
    before = bundle_to_zip(path_bundle(path=first_path))
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    lesson = copy.lessons.get(slug="diffusion-models")
    edit = reverse("lesson_edit", args=[copy.slug, lesson.slug])
    client.post(edit, {"title": "Diffusion, my way", "body": "Mine.\n", "version": 1})
    client.post(reverse("lesson_add", args=[copy.slug]), {"title": "My chapter"})
    client.post(reverse("lesson_move", args=[copy.slug, "history"]), {"direction": "down"})
    client.post(reverse("lesson_delete", args=[copy.slug, "introduction"]))

    assert copy.lessons.get(slug="diffusion-models").body == "Mine.\n"
    assert not copy.lessons.filter(slug="introduction").exists()
    assert bundle_to_zip(path_bundle(path=first_path)) == before


@pytest.mark.django_db
def test_cloning_twice_gives_two_copies_with_their_own_slugs(client, learner, first_path):
    """Protects slugs: a second copy by the same learner does not collide."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    client.post(reverse("path_clone", args=[first_path.slug]))
    first, second = LearningPath.objects.filter(owner=learner).order_by("id")
    assert first.slug == "how-generative-ai-works-ada"
    assert re.fullmatch(r"how-generative-ai-works-ada-[a-z0-9]{6}", second.slug)  # not `-2`


@pytest.mark.django_db
def test_a_failing_clone_leaves_no_half_copy(learner, first_path, monkeypatch):
    """Protects atomicity: when the last step of a clone fails, no path or lesson of
    the copy remains."""
    before = database_state()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Resource.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.path_clone(path=first_path, owner=learner)
    assert database_state() == before


@pytest.mark.django_db
def test_anonymous_learner_is_asked_to_sign_in_before_cloning(client, first_path):
    """Protects the clone from anonymous posts: a redirect to sign in, nothing made."""
    response = client.post(reverse("path_clone", args=[first_path.slug]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    assert LearningPath.objects.count() == 1


@pytest.mark.django_db
def test_clone_confirmation_page_and_path_page_offer_make_it_your_own(client, learner, first_path):
    """Protects the way in: the path page links to the clone page, which has the form."""
    html = client.get(first_path.get_absolute_url()).content.decode()
    clone_url = reverse("path_clone", args=[first_path.slug])
    assert "Make it your own" in html and f"next={clone_url}" in html
    client.force_login(learner)
    response = client.get(clone_url)
    assert response.status_code == HTTPStatus.OK
    assert f'action="{clone_url}"' in response.content.decode()


@pytest.mark.django_db
def test_progress_on_a_copy_counts_like_on_the_original(client, learner, first_path):
    """Protects learning on one's copy: completing a lesson there moves its bar."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    lesson = copy.lessons.get(slug="history")
    client.post(reverse("lesson_complete", args=[copy.slug, lesson.slug]))
    assert LessonCompletion.objects.filter(learner=learner, lesson=lesson).exists()
    assert not LessonCompletion.objects.filter(lesson__path=first_path).exists()
    html = client.get(copy.get_absolute_url()).content.decode()
    assert '<progress value="1" max="34"' in html


# --- sharing --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "visibility, others_see_page, listed_on_home",
    [
        (Visibility.PRIVATE, False, False),
        (Visibility.UNLISTED, True, False),
        (Visibility.PUBLIC, True, True),
    ],
)
def test_visibility_decides_who_reads_the_path_and_where_it_is_listed(
    client, learner, other, visibility, others_see_page, listed_on_home
):
    """Protects sharing: private answers 404 to others, unlisted opens by link only,
    public is listed on the home page; the owner always reads it."""
    path = owned_path(learner, visibility=visibility)
    client.force_login(learner)
    assert client.get(path.get_absolute_url()).status_code == HTTPStatus.OK
    client.force_login(other)
    status = client.get(path.get_absolute_url()).status_code
    assert status == (HTTPStatus.OK if others_see_page else HTTPStatus.NOT_FOUND)
    lesson = client.get(path.lessons.get(slug="three").get_absolute_url()).status_code
    assert lesson == status
    assert (path.get_absolute_url() in client.get("/").content.decode()) == listed_on_home


@pytest.mark.django_db
def test_owner_shares_a_path_from_its_settings(client, learner):
    """Protects the sharing form: the owner changes title and visibility; the database
    follows and the page says so."""
    path = owned_path(learner)
    client.force_login(learner)
    response = client.post(
        reverse("path_edit", args=[path.slug]),
        {"title": "Mine now", "summary": "S.", "visibility": Visibility.UNLISTED},
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert "Path settings saved." in response.content.decode()
    path.refresh_from_db()
    assert (path.title, path.visibility) == ("Mine now", Visibility.UNLISTED)


@pytest.mark.django_db
def test_settings_with_an_empty_title_keep_what_was_typed(client, learner):
    """Protects the settings form: an empty title is refused with a message, the typed
    summary is still in the form, and nothing is saved."""
    path = owned_path(learner)
    client.force_login(learner)
    response = client.post(
        reverse("path_edit", args=[path.slug]),
        {"title": "  ", "summary": "A summary I typed", "visibility": Visibility.PUBLIC},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "A title cannot be empty." in html and "A summary I typed" in html
    path.refresh_from_db()
    assert (path.title, path.visibility) == ("A small path", Visibility.PRIVATE)


@pytest.mark.django_db
def test_learners_cannot_feature_or_unpublish(client, learner):
    """Protects staff's switches: a learner posting them changes nothing."""
    path = owned_path(learner, visibility=Visibility.PUBLIC)
    client.force_login(learner)
    client.post(
        reverse("path_edit", args=[path.slug]),
        {"title": "T", "visibility": Visibility.PUBLIC, "featured": "on", "published": ""},
    )
    path.refresh_from_db()
    assert (path.featured, path.published) == (False, True)


@pytest.mark.django_db
def test_staff_feature_a_path_first_on_the_home_page(client, staff, learner, first_path):
    """Protects featuring: the featured path comes first on the home page, marked."""
    path = owned_path(learner, slug="zzz-last", visibility=Visibility.PUBLIC)
    client.force_login(staff)
    response = client.post(
        reverse("path_edit", args=[path.slug]),
        {"title": "Zed", "visibility": Visibility.PUBLIC, "featured": "on", "published": "on"},
    )
    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    html = client.get("/").content.decode()
    assert html.index(path.get_absolute_url()) < html.index(first_path.get_absolute_url())
    assert "Featured" in html


@pytest.mark.django_db
def test_staff_unpublish_a_path_hiding_it_from_everyone_else(client, staff, learner, first_path):
    """Protects unpublishing: the path leaves the home page and answers 404 to
    learners and anonymous visitors; staff still open it."""
    client.force_login(staff)
    response = client.post(
        reverse("path_edit", args=[first_path.slug]),
        {"title": first_path.title, "visibility": Visibility.PUBLIC, "published": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(first_path.get_absolute_url()).status_code == HTTPStatus.OK
    first_path.refresh_from_db()
    assert first_path.published is False
    for user in (learner, None):
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(first_path.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        assert first_path.get_absolute_url() not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_featured_path_must_be_published_and_public(client, staff, first_path):
    """Protects the home page from featuring what nobody can open: refused with a
    message in the form, and the database refuses it too."""
    client.force_login(staff)
    response = client.post(
        reverse("path_edit", args=[first_path.slug]),
        {"title": "T", "visibility": Visibility.PUBLIC, "featured": "on", "published": ""},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Only a published, public path can be featured." in response.content.decode()
    first_path.refresh_from_db()
    assert (first_path.featured, first_path.published) == (False, True)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LearningPath.objects.filter(pk=first_path.pk).update(featured=True, published=False)


# --- who may edit: every edit URL, every kind of visitor ----------------------------

EDIT_URLS = [
    ("cards_edit", "get", [], {}),
    ("cards_edit", "post", [], {"new-lesson": "", "new-front": "F", "new-back": "B"}),
    ("card_update", "post", ["card"], {}),
    ("card_delete", "post", ["card"], {}),
    ("quiz_edit", "get", [], {}),
    ("quiz_edit", "post", [], {"new-text": "Q"}),
    ("question_update", "post", ["question"], {}),
    ("question_delete", "post", ["question"], {}),
    ("path_edit", "get", [], {}),
    ("path_edit", "post", [], {"title": "T", "visibility": "private"}),
    ("lesson_add", "post", [], {"title": "New"}),
    ("lesson_edit", "get", ["three"], {}),
    ("lesson_edit", "post", ["three"], {"title": "T", "body": "B", "version": 1}),
    ("lesson_preview", "post", ["three"], {"body": "B"}),
    ("lesson_rename", "post", ["three"], {"title": "T", "version": 1}),
    ("lesson_move", "post", ["three"], {"direction": "up"}),
    ("lesson_delete", "post", ["three"], {}),
]
OK = {HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST}  # 400: got in, bad input


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, method, args, data", EDIT_URLS, ids=[f"{u[1]}-{u[0]}" for u in EDIT_URLS]
)
@pytest.mark.parametrize(
    "who, visibility, expected",
    [
        ("owner", Visibility.PRIVATE, OK),
        ("staff", Visibility.PRIVATE, OK),
        ("other", Visibility.PUBLIC, {HTTPStatus.FORBIDDEN}),
        ("anonymous", Visibility.PUBLIC, {HTTPStatus.FORBIDDEN}),
        ("other", Visibility.PRIVATE, {HTTPStatus.NOT_FOUND}),
        ("anonymous", Visibility.PRIVATE, {HTTPStatus.NOT_FOUND}),
    ],
)
def test_only_owner_and_staff_reach_edit_urls(
    client, learner, other, staff, name, method, args, data, who, visibility, expected
):
    """Protects every edit URL: owner and staff get through; anyone else gets 403 on
    a path they can read and 404 on a private one, and nothing changes for them."""
    path = owned_path(learner, visibility=visibility)
    users = {"owner": learner, "staff": staff, "other": other, "anonymous": None}
    if users[who]:
        client.force_login(users[who])
    before = database_state()
    ids = {"card": path.flashcards.first().pk, "question": path.quiz_questions.first().pk}
    args = [ids.get(arg, arg) for arg in args]
    response = getattr(client, method)(reverse(name, args=[path.slug, *args]), data)
    assert response.status_code in expected
    if who in ("other", "anonymous"):
        assert database_state() == before


@pytest.mark.django_db
def test_staff_owned_paths_are_edited_by_staff_only(client, learner, first_path):
    """Protects the shipped path (no owner): a learner cannot edit it, only copy it."""
    client.force_login(learner)
    response = client.get(reverse("path_edit", args=[first_path.slug]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Make it your own" in response.content.decode()


@pytest.mark.django_db
def test_edit_links_show_only_to_those_who_may_edit(client, learner, other):
    """Protects the pages from dead ends: "Edit" links only for the owner."""
    path = owned_path(learner, visibility=Visibility.PUBLIC)
    lesson = Lesson.objects.get(path=path, slug="three")
    edit = reverse("path_edit", args=[path.slug])
    client.force_login(learner)
    assert edit in client.get(path.get_absolute_url()).content.decode()
    assert "Edit this lesson" in client.get(lesson.get_absolute_url()).content.decode()
    client.force_login(other)
    assert edit not in client.get(path.get_absolute_url()).content.decode()
    assert "Edit this lesson" not in client.get(lesson.get_absolute_url()).content.decode()
    assert outline(path)  # still all there


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url, lands_on",
    [
        ("/paths/how-generative-ai-works/clone/", "/paths/how-generative-ai-works/clone/"),
        ("https://evil.example/", "/"),
    ],
    ids=["clone-page", "off-site"],
)
def test_sign_up_returns_to_make_it_your_own_but_never_off_site(client, next_url, lands_on):
    """Protects the way from "Make it your own" through sign-up back to the clone page,
    without letting `next` send a new learner to another site."""
    response = client.post(
        reverse("signup") + f"?next={next_url}",
        {"username": "newbie", "password1": "a-long-pass-123", "password2": "a-long-pass-123"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == lands_on


@pytest.mark.django_db
def test_an_owner_making_a_featured_path_private_unfeatures_it(client, learner):
    """Protects the home page: a featured path its owner makes private is no longer
    featured (staff featured it while it was public)."""
    path = owned_path(learner, visibility=Visibility.PUBLIC)
    LearningPath.objects.filter(pk=path.pk).update(featured=True)
    client.force_login(learner)
    client.post(
        reverse("path_edit", args=[path.slug]), {"title": "T", "visibility": Visibility.PRIVATE}
    )
    path.refresh_from_db()
    assert (path.visibility, path.featured) == (Visibility.PRIVATE, False)
