"""Staff administration of paths: featuring and unpublishing from the admin's list,
its filters and search, and admin edits that make open editor forms stale."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.models import LearningPath, Lesson, Visibility
from tests.lessons.authoring.own import owned_path


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(username="staff", password="pw-staff-123")


CHANGELIST = "admin:lessons_learningpath_changelist"


def act(client, action: str, *paths: LearningPath):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [p.pk for p in paths]},
        follow=True,
    )


@pytest.mark.django_db
def test_staff_feature_and_unpublish_paths_from_the_admin_list(client, staff, learner, first_path):
    """Protects staff's actions: "feature" features public published paths and skips
    a private one with a warning; "unpublish" hides a path and unfeatures it."""
    private = owned_path(learner)
    client.force_login(staff)
    response = act(client, "feature", first_path, private)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "1 path(s) featured." in html and "1 not featured" in html
    first_path.refresh_from_db()
    private.refresh_from_db()
    assert (first_path.featured, private.featured) == (True, False)

    act(client, "unpublish", first_path)
    first_path.refresh_from_db()
    assert (first_path.featured, first_path.published) == (False, False)
    client.logout()
    assert client.get(first_path.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    client.force_login(staff)
    act(client, "publish", first_path)
    client.logout()
    assert client.get(first_path.get_absolute_url()).status_code == HTTPStatus.OK


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ({"made_by": "clones"}, "how-generative-ai-works-ada", "small"),
        ({"made_by": "staff"}, "how-generative-ai-works", "how-generative-ai-works-ada"),
        ({"made_by": "learners"}, "small", "how-generative-ai-works"),
        ({"visibility__exact": "private"}, "how-generative-ai-works-ada", "small"),
        ({"q": "ada"}, "how-generative-ai-works-ada", "small"),
    ],
    ids=["clones", "staff-made", "learner-made", "private", "search-owner"],
)
def test_admin_path_list_filters_and_searches(
    client, staff, learner, first_path, query, shown, hidden
):
    """Protects the admin list's filters (made by, visibility, published) and search
    by owner name."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[first_path.slug]))
    owned_path(staff, slug="small", visibility=Visibility.PUBLIC)
    client.force_login(staff)
    response = client.get(reverse(CHANGELIST), query)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    cell = '<td class="field-slug">{}</td>'.format
    assert cell(shown) in html and cell(hidden) not in html


@pytest.mark.django_db
def test_an_admin_edit_makes_an_open_editor_form_stale(client, staff, learner):
    """Protects the version check across tools: a staff edit in the admin bumps the
    lesson's version, so the owner's older editor form conflicts instead of
    overwriting it."""
    path = owned_path(learner)
    lesson = path.lessons.get(slug="three")
    client.force_login(staff)
    change = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    response = client.post(
        change,
        {
            "path": path.pk,
            "parent": "",
            "position": lesson.position,
            "slug": lesson.slug,
            "title": "Fixed by staff",
            "body": lesson.body,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Lesson.objects.get(pk=lesson.pk).version == 2

    client.force_login(learner)
    response = client.post(
        reverse("lesson_edit", args=[path.slug, lesson.slug]),
        {"title": "Mine", "body": "Mine.", "version": 1},
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert Lesson.objects.get(pk=lesson.pk).title == "Fixed by staff"
