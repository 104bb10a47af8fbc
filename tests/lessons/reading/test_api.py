"""The read-only API and its OpenAPI schema."""

from http import HTTPStatus

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from lessons.models import LearningPath, Visibility


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_paths_list_and_detail_with_resources(api, first_path):
    """Protects the path endpoints: listing and one path with its resources."""
    listing = api.get("/api/paths/").json()
    assert [p["slug"] for p in listing["results"]] == [first_path.slug]
    detail = api.get(f"/api/paths/{first_path.slug}/").json()
    assert detail["title"] == first_path.title
    assert len(detail["resources"]) == first_path.resources.count()


@pytest.mark.django_db
def test_tree_endpoint_nests_chapters(api, first_path):
    """Protects the tree endpoint: numbered chapters with their lessons inside."""
    tree = api.get(f"/api/paths/{first_path.slug}/tree/").json()
    families = next(node for node in tree if node["slug"] == "families")
    assert families["number"] == "3"
    assert [c["number"] for c in families["children"]] == ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6"]


@pytest.mark.django_db
def test_lesson_endpoint_gives_source_and_sanitized_html(api, first_path):
    """Protects the lesson endpoint: Markdown source, rendered HTML, neighbours."""
    lesson = api.get(f"/api/paths/{first_path.slug}/lessons/autoregressive-models/").json()
    assert lesson["source"].startswith(
        first_path.lessons.get(slug="autoregressive-models").body[:50]
    )
    assert "<h2" in lesson["html"] and "<script" not in lesson["html"]
    assert lesson["previous"] == "families" and lesson["next"] == "variational-autoencoders"
    missing = api.get(f"/api/paths/{first_path.slug}/lessons/nope/")
    assert missing.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_private_paths_are_hidden_from_other_users(api, first_path, learner):
    """Protects privacy through the API as through the pages."""
    LearningPath.objects.filter(id=first_path.id).update(
        owner=learner, visibility=Visibility.PRIVATE
    )
    assert api.get("/api/paths/").json()["results"] == []
    assert api.get(f"/api/paths/{first_path.slug}/").status_code == HTTPStatus.NOT_FOUND
    api.force_authenticate(learner)
    assert api.get(f"/api/paths/{first_path.slug}/tree/").status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_api_is_read_only(api, first_path):
    """Protects content from writes through this API."""
    assert api.post("/api/paths/", {"slug": "x"}).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert api.delete(f"/api/paths/{first_path.slug}/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.django_db
def test_schema_is_valid_and_covers_every_endpoint(api, tmp_path):
    """Protects the OpenAPI schema: it validates, and names the path endpoints."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert {
        "/api/paths/",
        "/api/paths/{slug}/",
        "/api/paths/{slug}/tree/",
        "/api/paths/{slug}/lessons/{lesson_slug}/",
    } <= set(schema["paths"])
    served = api.get("/api/schema/")
    assert served.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_api_docs_page_works_offline(client):
    """Protects the docs page: Swagger UI's assets are served by us (sidecar), no CDN."""
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
