"""Staff administer content in the Django admin; learners cannot."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.models import Episode, GlossaryTerm, LearningPath, Lesson, LessonCompletion, Resource

MODELS = [LearningPath, Lesson, Resource, LessonCompletion, Episode, GlossaryTerm]


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(username="staff", password="pw-staff-123")


def admin_url(model, action, *args):
    return reverse(f"admin:lessons_{model._meta.model_name}_{action}", args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_staff_see_list_search_and_edit_pages(client, staff, first_path, learner, model):
    """Protects the admin for every content model: list (with search), and edit page."""
    LessonCompletion.objects.create(learner=learner, lesson=first_path.lessons.first())
    client.force_login(staff)
    assert client.get(admin_url(model, "changelist")).status_code == HTTPStatus.OK
    assert (
        client.get(admin_url(model, "changelist"), {"q": "diffusion"}).status_code == HTTPStatus.OK
    )
    obj = model.objects.first()
    assert client.get(admin_url(model, "change", obj.pk)).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_path_admin_edits_lessons_inline_and_links_to_the_site(client, staff, first_path):
    """Protects staff editing a path with its lessons and resources inline, and the
    "view on site" link that opens the path's page."""
    client.force_login(staff)
    html = client.get(admin_url(LearningPath, "change", first_path.pk)).content.decode()
    assert "lessons-TOTAL_FORMS" in html and "resources-TOTAL_FORMS" in html
    assert "View on site" in html


@pytest.mark.django_db
def test_learners_cannot_open_the_admin(client, learner):
    """Protects content from non-staff accounts."""
    client.force_login(learner)
    response = client.get(admin_url(LearningPath, "changelist"))
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_path_admin_shows_its_figures_without_letting_them_change(client, staff):
    """Protects the figures' one way in (the bundle, where every file is checked):
    staff see a path's figures in its admin page, but cannot add or edit them there."""
    from lessons.authoring.services import path_import
    from tests.lessons.figure_files import figure_bundle

    path, _ = path_import(bundle=figure_bundle())
    client.force_login(staff)
    html = client.get(reverse("admin:lessons_learningpath_change", args=[path.pk])).content
    html = html.decode()
    assert "line.svg" in html and "image/svg+xml" in html
    assert 'name="figures-0-name"' not in html and "figures-TOTAL_FORMS" in html
    assert 'name="figures-0-DELETE"' not in html
