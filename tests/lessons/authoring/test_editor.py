"""The owner's editor through HTTP: the tree (add, rename, move, delete) by htmx and
by plain posts, the lesson editor with its preview, validation that keeps what was
typed, and the version check that stops two tabs overwriting each other."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.authoring.forms import MAX_BODY
from lessons.markdown import render_markdown
from lessons.models import Lesson
from tests.lessons.authoring.own import database_state, outline, owned_path

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def path(client, learner):
    client.force_login(learner)
    return owned_path(learner)


def url(name, path, *args):
    return reverse(name, args=[path.slug, *args])


@pytest.mark.django_db
def test_editor_page_shows_the_tree_with_every_control(client, path):
    """Protects the editor page: every lesson with its edit link, and the forms to
    rename, move, delete and add."""
    response = client.get(url("path_edit", path))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for lesson in path.lessons.all():
        assert url("lesson_edit", path, lesson.slug) in html
        assert url("lesson_delete", path, lesson.slug) in html
    assert url("lesson_add", path) in html and 'name="direction" value="in"' in html


@pytest.mark.django_db
def test_rename_by_htmx_answers_the_tree_partial_and_saves(client, path):
    """Protects renaming in place: the answer is only the tree (no page around it)
    with the new title, the database has it, and the lesson's version moved on."""
    response = client.post(
        url("lesson_rename", path, "one-a"), {"title": "First things", "version": 1}, **HTMX
    )
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="editor-tree"') and "<html" not in html
    assert "First things" in html
    lesson = Lesson.objects.get(path=path, slug="one-a")
    assert (lesson.title, lesson.version) == ("First things", 2)


@pytest.mark.django_db
def test_rename_without_javascript_redirects_back_to_the_editor(client, path):
    """Protects the editor without JavaScript: a plain post saves and redirects."""
    response = client.post(url("lesson_rename", path, "two"), {"title": "Deux", "version": 1})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("path_edit", path)
    assert Lesson.objects.get(path=path, slug="two").title == "Deux"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "title, message",
    [("   ", "A title cannot be empty."), ("x" * 201, "at most 200 characters (it has 201)")],
    ids=["empty", "too-long"],
)
def test_bad_title_is_refused_with_a_message_and_the_typed_text(client, path, title, message):
    """Protects validation of titles (add and rename): 400, the reason, what was typed
    still in the field, and nothing written."""
    before = database_state()
    for name, args, data in [
        ("lesson_add", [], {"title": title, "parent": ""}),
        ("lesson_rename", ["one"], {"title": title, "version": 1}),
    ]:
        response = client.post(url(name, path, *args), data, **HTMX)
        assert response.status_code == HTTPStatus.BAD_REQUEST
        html = response.content.decode()
        assert message in html and 'role="alert"' in html
        assert f'value="{title}"' in html
    assert database_state() == before


@pytest.mark.django_db
def test_add_a_chapter_and_a_lesson_into_a_chapter(client, path):
    """Protects adding: a top-level lesson goes last; a lesson added to a chapter goes
    last in it; slugs come from titles and stay unique in the path."""
    client.post(url("lesson_add", path), {"title": "Three"}, **HTMX)
    chapter = Lesson.objects.get(path=path, slug="two")
    client.post(url("lesson_add", path), {"title": "Deep dive", "parent": chapter.pk}, **HTMX)
    assert ("", 3, "three-2") in outline(path)
    assert ("two", 1, "deep-dive") in outline(path)
    new = Lesson.objects.get(path=path, slug="deep-dive")
    assert client.get(new.get_absolute_url()).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_cannot_add_into_a_lesson_of_another_path(client, path, learner):
    """Protects paths from each other: a parent id from another path is a 404."""
    elsewhere = owned_path(learner, slug="elsewhere").lessons.get(slug="one")
    before = database_state()
    response = client.post(url("lesson_add", path), {"title": "X", "parent": elsewhere.pk})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert database_state() == before


@pytest.mark.django_db
def test_move_up_down_into_and_out_of_chapters(client, path):
    """Protects reordering: up and down swap siblings; "in" makes a lesson the last of
    the chapter above; "out" puts it just after its chapter. Positions stay 0…n."""

    def move(slug, direction):
        response = client.post(url("lesson_move", path, slug), {"direction": direction}, **HTMX)
        assert response.status_code == HTTPStatus.OK

    move("one-b", "up")
    assert [(p, s) for parent, p, s in outline(path) if parent == "one"] == [
        (0, "one-b"),
        (1, "one-a"),
    ]
    move("one", "down")
    assert [s for parent, _, s in outline(path) if parent == ""] == ["two", "one", "three"]
    move("three", "in")  # into "one", now above it
    assert [s for parent, _, s in outline(path) if parent == "one"] == ["one-b", "one-a", "three"]
    move("one-b", "out")
    assert [s for parent, _, s in outline(path) if parent == ""] == ["two", "one", "one-b"]
    for parent in ("", "one", "two"):
        positions = [p for q, p, _ in outline(path) if q == parent]
        assert positions == list(range(len(positions)))


@pytest.mark.django_db
def test_a_chapter_cannot_move_into_another(client, path):
    """Protects the two-level tree: moving a chapter with lessons "in" is refused."""
    before = database_state()
    response = client.post(url("lesson_move", path, "two"), {"direction": "in"}, **HTMX)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "cannot go inside another chapter" in response.content.decode()
    assert database_state() == before


@pytest.mark.django_db
def test_delete_a_chapter_with_its_lessons_but_never_the_last_lesson(client, path):
    """Protects deleting: a chapter goes with its lessons; the last lesson of a path
    cannot be deleted (a path with none could not be read or exported)."""
    client.post(url("lesson_delete", path, "one"), **HTMX)
    assert sorted(s for _, _, s in outline(path)) == ["three", "two", "two-a"]
    client.post(url("lesson_delete", path, "two"), **HTMX)
    response = client.post(url("lesson_delete", path, "three"), **HTMX)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "A path needs at least one lesson" in response.content.decode()
    assert [s for _, _, s in outline(path)] == ["three"]


# --- the lesson editor ----------------------------------------------------------------


@pytest.mark.django_db
def test_lesson_editor_saves_title_and_markdown(client, path):
    """Protects editing a lesson: the new text is on the lesson page, rendered."""
    edit = url("lesson_edit", path, "three")
    assert client.get(edit).status_code == HTTPStatus.OK
    body = "## Mine\n\nEnergy is $E = mc^2$.\n"
    response = client.post(edit, {"title": "Three, mine", "body": body, "version": 1})
    assert response.status_code == HTTPStatus.FOUND
    lesson = Lesson.objects.get(path=path, slug="three")
    assert (lesson.title, lesson.body, lesson.version) == ("Three, mine", body, 2)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert render_markdown(body).html in page


@pytest.mark.django_db
def test_preview_renders_exactly_as_the_lesson_page(client, path):
    """Protects the live preview: the htmx answer is the lesson page's own rendering
    of the typed Markdown (math left for KaTeX, scripts made inert)."""
    body = "## Heading\n\nMath $\\alpha_t$ and <script>alert(1)</script>.\n"
    response = client.post(url("lesson_preview", path, "three"), {"body": body}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert f'<div class="lesson-body">{render_markdown(body).html}</div>' in html
    assert "<script>" not in html and 'class="arithmatex"' in html
    assert Lesson.objects.get(path=path, slug="three").body == "Three.\n"  # not saved


@pytest.mark.django_db
def test_preview_without_javascript_keeps_the_text_unsaved(client, path):
    """Protects the "Preview" button (no JavaScript): rendered, not saved."""
    response = client.post(
        url("lesson_edit", path, "three"),
        {"title": "T", "body": "*new*", "version": 1, "action": "preview"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "<em>new</em>" in response.content.decode()
    assert Lesson.objects.get(path=path, slug="three").body == "Three.\n"


@pytest.mark.django_db
def test_too_long_body_is_refused_and_the_text_kept(client, path):
    """Protects the body limit: 400 with the reason; the typed text is still in the
    textarea; the lesson is unchanged."""
    body = "word " * (MAX_BODY // 5) + "overflow"
    response = client.post(
        url("lesson_edit", path, "three"), {"title": "Three", "body": body, "version": 1}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert f"at most {MAX_BODY} characters" in html and "overflow</textarea>" in html
    assert Lesson.objects.get(path=path, slug="three").body == "Three.\n"


@pytest.mark.django_db
def test_two_tabs_editing_one_lesson_conflict_instead_of_overwriting(client, path):
    """Protects concurrent edits: both tabs open version 1; the first save wins; the
    second answers 409, writes nothing, shows the saved text beside the typed one, and
    only a deliberate second save (now carrying version 2) replaces it."""
    edit = url("lesson_edit", path, "three")
    first = client.post(edit, {"title": "Tab one", "body": "From tab one.", "version": 1})
    assert first.status_code == HTTPStatus.FOUND

    second = client.post(edit, {"title": "Tab two", "body": "From tab two.", "version": 1})
    assert second.status_code == HTTPStatus.CONFLICT
    html = second.content.decode()
    assert "was saved elsewhere" in html
    assert "From tab one." in html and "From tab two.</textarea>" in html
    assert 'name="version" value="2"' in html
    lesson = Lesson.objects.get(path=path, slug="three")
    assert (lesson.title, lesson.body, lesson.version) == ("Tab one", "From tab one.", 2)

    again = client.post(edit, {"title": "Tab two", "body": "From tab two.", "version": 2})
    assert again.status_code == HTTPStatus.FOUND
    assert Lesson.objects.get(path=path, slug="three").body == "From tab two."


@pytest.mark.django_db
def test_a_stale_rename_conflicts_too(client, path):
    """Protects titles the same way: a rename form older than the last save is 409."""
    client.post(url("lesson_edit", path, "three"), {"title": "Saved", "body": "", "version": 1})
    response = client.post(
        url("lesson_rename", path, "three"), {"title": "Stale", "version": 1}, **HTMX
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert "was changed elsewhere" in response.content.decode()
    assert Lesson.objects.get(path=path, slug="three").title == "Saved"


@pytest.mark.django_db
def test_titles_without_slug_letters_get_a_plain_unique_slug(client, path):
    """Protects lessons titled in scripts a slug cannot hold (here Japanese): they get
    `lesson`, `lesson-2`, and their pages open."""
    for _ in range(2):
        client.post(url("lesson_add", path), {"title": "生成モデル"}, **HTMX)
    slugs = set(path.lessons.values_list("slug", flat=True))
    assert {"lesson", "lesson-2"} <= slugs
    lesson = path.lessons.get(slug="lesson-2")
    assert lesson.title == "生成モデル"
    assert client.get(lesson.get_absolute_url()).status_code == HTTPStatus.OK
