"""The reading flow through HTTP: pages, the tree in constant queries, progress."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from lessons.authoring.bundle import LessonSpec, PathBundle
from lessons.authoring.services import path_import
from lessons.cache import progress_changed
from lessons.models import LearningPath, LessonCompletion, Visibility


def make_path(slug: str, chapters: int, per_chapter: int) -> LearningPath:
    lessons = [
        LessonSpec(
            slug=f"{slug}-c{c}",
            title=f"Chapter {c}",
            body=f"## Part\n\nChapter {c} with $x_{c}$.\n",
            children=[
                LessonSpec(slug=f"{slug}-c{c}-l{i}", title=f"Lesson {c}.{i}", body="Text.\n")
                for i in range(per_chapter)
            ],
        )
        for c in range(chapters)
    ]
    bundle = PathBundle(slug=slug, title=slug.title(), summary="S.", lessons=lessons, resources=[])
    return path_import(bundle=bundle)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["path", "lesson"])
def test_tree_pages_use_the_same_queries_for_any_tree_size(
    client, django_assert_num_queries, page, learner
):
    """Protects against N+1: the path and lesson pages read the whole tree in one query
    once per content version (then from the cache, with the podcast episode and the
    lesson's body rendered with its path's figures), so a 3-lesson path and a 60-lesson
    path cost the same. Signed in, the session, the user, the path (open to all) and
    the page as every reader sees it come from the cache; after a change to the
    learner's records the page reads their completions (1), and the path page also the
    flashcard counts (card states, study settings, today's new cards; the cards are
    cached) and the quiz attempts: 5. Then the learner's page itself is kept: none."""
    small, large = make_path("small", 1, 2), make_path("large", 6, 9)
    client.force_login(learner)

    def url(path):
        if page == "path":
            return path.get_absolute_url()
        return path.lessons.order_by("id").last().get_absolute_url()

    client.get(url(small))  # warm the cache: the tree and the lesson's rendered body
    client.get(url(large))
    for path in (small, large):
        address = url(path)
        progress_changed(learner.id)  # as any review, answer or completion does
        with django_assert_num_queries(5 if page == "path" else 1):
            response = client.get(address)
        assert response.status_code == HTTPStatus.OK
        with django_assert_num_queries(0):
            response = client.get(address)
        assert response.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_home_lists_public_paths_with_progress_in_constant_queries(
    client, django_assert_num_queries, learner
):
    """Protects the home page from a query per path."""
    for n in range(4):
        make_path(f"p{n}", 2, 2)
    client.force_login(learner)
    with django_assert_num_queries(4):  # user, paths, lessons, completions (session: cached)
        response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.OK
    assert response.content.count(b'class="path-card"') == 4


@pytest.mark.django_db
def test_path_page_shows_tree_and_links_that_do_not_404(client, first_path):
    """Protects the path page: summary, the whole tree, and every study link working
    (podcast, flashcards, quiz, resources, the lab; never a 404)."""
    response = client.get(first_path.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for lesson in first_path.lessons.all():
        assert lesson.get_absolute_url() in html
    for name in ["path_podcast", "path_flashcards", "path_quiz", "path_resources"]:
        linked = client.get(reverse(name, args=[first_path.slug]))
        assert linked.status_code == HTTPStatus.OK, name
    assert client.get(reverse("lab")).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_lesson_page_renders_math_contents_and_neighbours(client, first_path):
    """Protects the lesson page: rendered Markdown with math for KaTeX, the in-page
    contents from its headings, previous / next in reading order."""
    url = reverse("lesson_detail", args=[first_path.slug, "variational-autoencoders"])
    html = client.get(url).content.decode()
    assert '<span class="arithmatex">' in html or '<div class="arithmatex">' in html
    assert "On this page" in html
    assert reverse("lesson_detail", args=[first_path.slug, "autoregressive-models"]) in html
    assert (
        reverse("lesson_detail", args=[first_path.slug, "generative-adversarial-networks"]) in html
    )
    assert 'rel="prev"' in html and 'rel="next"' in html


@pytest.mark.django_db
def test_unknown_lesson_and_path_are_404(client, first_path):
    """Protects: a bad URL is a plain 404 page, not a 500."""
    assert client.get(reverse("lesson_detail", args=[first_path.slug, "nope"])).status_code == 404
    assert client.get(reverse("path_detail", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_private_path_is_404_for_others_and_readable_by_its_owner(
    client, learner, django_user_model
):
    """Protects privacy: a private path does not exist for anyone but its owner."""
    path = make_path("mine", 1, 1)
    LearningPath.objects.filter(id=path.id).update(owner=learner, visibility=Visibility.PRIVATE)
    assert client.get(path.get_absolute_url()).status_code == 404
    assert b"Mine" not in client.get(reverse("home")).content
    client.force_login(learner)
    assert client.get(path.get_absolute_url()).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_mark_complete_with_htmx_returns_the_progress_fragment(client, learner, first_path):
    """Protects the htmx path: the partial only, the button replaced, the bar moved."""
    client.force_login(learner)
    lesson = first_path.lessons.get(slug="introduction")
    response = client.post(
        reverse("lesson_complete", args=[first_path.slug, lesson.slug]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.lstrip().startswith('<section id="lesson-progress"')
    assert "You completed this lesson" in html and "1 / 34 lessons" in html
    assert LessonCompletion.objects.filter(learner=learner, lesson=lesson).count() == 1


@pytest.mark.django_db
def test_mark_complete_without_javascript_redirects_back_and_counts_once(
    client, learner, first_path
):
    """Protects the no-JS form and double submits: the plain POST redirects to the
    lesson, and completing twice stores one row."""
    client.force_login(learner)
    url = reverse("lesson_complete", args=[first_path.slug, "history"])
    for _ in range(2):
        response = client.post(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("lesson_detail", args=[first_path.slug, "history"])
    assert LessonCompletion.objects.filter(learner=learner).count() == 1


@pytest.mark.django_db
def test_mark_complete_needs_post_and_csrf(first_path):
    """Protects against cross-site progress forgery and GET side effects."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("lesson_complete", args=[first_path.slug, "history"])
    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(url).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.django_db
def test_anonymous_progress_is_kept_on_sign_up(client, first_path, django_user_model):
    """Protects a new learner's reading: lessons completed before signing up stay
    completed, and "continue where you left off" points at the next lesson."""
    for slug in ["introduction", "history"]:
        client.post(reverse("lesson_complete", args=[first_path.slug, slug]))
    page = client.get(first_path.get_absolute_url()).content.decode()
    assert "2 / 34 lessons" in page and "Continue where you left off" in page

    response = client.post(
        reverse("signup"),
        {
            "username": "grace",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    grace = django_user_model.objects.get(username="grace")
    assert set(grace.completions.values_list("lesson__slug", flat=True)) == {
        "introduction",
        "history",
    }
    page = client.get(first_path.get_absolute_url()).content.decode()
    assert "2 / 34 lessons" in page
    assert "Continue where you left off</a>" not in page  # the label is followed by the title
    assert "Continue where you left off: Main families of generative models" in page


@pytest.mark.django_db
def test_anonymous_progress_is_kept_on_sign_in(client, first_path, learner):
    """Protects a returning learner who read a lesson before signing in."""
    client.post(reverse("lesson_complete", args=[first_path.slug, "summary"]))
    client.post(reverse("login"), {"username": "ada", "password": "a-long-passphrase"})
    assert list(learner.completions.values_list("lesson__slug", flat=True)) == ["summary"]


@pytest.mark.django_db
def test_bad_sign_up_shows_the_form_errors_with_400(client):
    """Protects sign-up: mismatched passwords are explained, nobody is created."""
    response = client.post(
        reverse("signup"),
        {"username": "x", "password1": "a-long-passphrase-9", "password2": "other"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"password fields" in response.content


@pytest.mark.django_db
def test_resources_page_lists_annotated_readings(client, first_path):
    """Protects the resources page: each reading with its kind, year and note."""
    html = client.get(reverse("path_resources", args=[first_path.slug])).content.decode()
    for resource in first_path.resources.all():
        assert resource.url in html and resource.note[:40] in html


@pytest.mark.django_db
def test_pages_load_only_local_assets(client, first_path):
    """Protects offline use: no page pulls scripts or styles from a CDN."""
    lesson = first_path.lessons.get(slug="introduction")
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "/static/vendor/katex/katex.min.js" in html and "/static/vendor/htmx/htmx.min.js" in html
    for tag in ["<script", "<link"]:
        for chunk in html.split(tag)[1:]:
            attrs = chunk.split(">", 1)[0]
            assert "http://" not in attrs and "https://" not in attrs and "//cdn" not in attrs


@pytest.mark.django_db
def test_hostile_lesson_body_renders_inert_on_the_page(client):
    """Protects learners end to end: a lesson body carrying a script, an event handler
    and a javascript: link reaches the page with none of them active."""
    path = make_path("hostile", 1, 0)
    path.lessons.update(
        body='<script>document.title="owned"</script>\n\n'
        '[win a prize](javascript:alert(1)) <img src=x onerror="alert(2)">\n'
    )
    html = client.get(path.lessons.get().get_absolute_url()).content.decode()
    body = html.split('<div class="lesson-body">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body and "owned" not in body
    assert "javascript:" not in body and "onerror" not in body
    assert "win a prize" in body
