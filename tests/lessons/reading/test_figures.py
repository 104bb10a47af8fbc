"""A path's figures in the database, on the page and at their own URL: stored by the
import and replaced by a re-import, carried by clone, export and upload, served to
whoever may read the path (with its type, a hash ETag, caching and a strict policy),
and shown in lessons and the editor's preview as <figure> with their URLs and sizes."""

import dataclasses
import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lessons.authoring.archive import bundle_to_zip
from lessons.authoring.selectors import path_bundle
from lessons.authoring.services import path_import
from lessons.markdown import render_markdown
from lessons.models import LearningPath, PathFigure, Visibility
from lessons.reading.selectors import figure_set
from tests.lessons.figure_files import SVG, figure_bundle, png


def figure_url(path, name):
    return reverse("path_figure", args=[path.slug, name])


@pytest.fixture
def path(db):
    return path_import(bundle=figure_bundle())[0]


def stored(path):
    return dict(path.figures.values_list("name", "sha256"))


@pytest.mark.django_db
def test_import_stores_the_figures_and_a_second_import_changes_nothing(path):
    """Protects the import: every file of figures/ is a row with its bytes, type, hash
    and size; loading the same bundle again writes nothing."""
    rows = {f.name: f for f in path.figures.all()}
    assert set(rows) == {"line.svg", "square.json", "square.png"}
    assert bytes(rows["line.svg"].data) == SVG
    assert (rows["square.png"].content_type, rows["square.png"].width) == ("image/png", 40)
    ids = list(PathFigure.objects.values_list("id", flat=True))
    assert path_import(bundle=figure_bundle()) == (path, False)
    assert list(PathFigure.objects.values_list("id", flat=True)) == ids


@pytest.mark.django_db
def test_reimport_replaces_changed_figures_and_deletes_removed_ones(path):
    """Protects re-importing: a figure whose bytes changed is replaced, one no longer
    in the bundle is gone, one unchanged keeps its row."""
    line_id = path.figures.get(name="line.svg").id
    bundle = figure_bundle(square=png(colour="#D55E00"))
    bundle.figures = [f for f in bundle.figures if f.name != "square.json"]
    _path, changed = path_import(bundle=bundle)
    assert changed
    assert set(stored(path)) == {"line.svg", "square.png"}
    assert bytes(path.figures.get(name="square.png").data) == png(colour="#D55E00")
    assert path.figures.get(name="line.svg").id == line_id


@pytest.mark.django_db
def test_deleting_a_path_deletes_its_figures(path):
    """Protects the database from orphan figure bytes."""
    path.delete()
    assert not PathFigure.objects.exists()


@pytest.mark.django_db
def test_make_it_your_own_copies_the_figures(client, learner, path):
    """Protects "make it your own": the copy has the same figures, served at its own
    URL; the original's stay as they were."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    assert stored(copy) == stored(path)
    response = client.get(figure_url(copy, "line.svg"))
    assert response.status_code == HTTPStatus.OK and response.content == SVG
    page = client.get(reverse("lesson_detail", args=[copy.slug, "three"])).content.decode()
    assert f'src="{figure_url(copy, "line.svg")}?v=' in page


@pytest.mark.django_db
def test_an_upload_with_a_scripted_svg_is_refused_naming_the_file(client, learner):
    """Protects readers from a learner's upload: an SVG with a script is refused, the
    message names the file, and nothing is written."""
    bundle = figure_bundle()
    scripted = SVG.replace(b"</svg>", b"<script>alert(1)</script></svg>")
    bundle.figures = [dataclasses.replace(bundle.figures[0], data=scripted), *bundle.figures[1:]]
    client.force_login(learner)
    upload = SimpleUploadedFile("evil.zip", bundle_to_zip(bundle), "application/zip")
    response = client.post(reverse("path_upload"), {"bundle": upload})
    assert response.status_code == HTTPStatus.BAD_REQUEST  # the form again, with the error
    html = response.content.decode()
    assert "figures/line.svg" in html and "script" in html
    assert not LearningPath.objects.exists() and not PathFigure.objects.exists()


# --- serving ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_figure_is_served_with_its_type_hash_etag_and_a_strict_policy(client, path):
    """Protects the figure URL: the right Content-Type, nosniff (a browser never reads
    it as anything else), a policy forbidding script on SVG opened directly, an ETag
    from its hash, and a year of caching for the versioned URL."""
    figure = path.figures.get(name="line.svg")
    response = client.get(figure_url(path, "line.svg"), {"v": figure.sha256[:16]})
    assert response.status_code == HTTPStatus.OK and response.content == SVG
    assert response["Content-Type"] == "image/svg+xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script" not in policy
    assert response["ETag"] == f'"{figure.sha256}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    png_response = client.get(figure_url(path, "square.png"))
    assert png_response["Content-Type"] == "image/png"
    assert png_response["Cache-Control"] == "public, max-age=0, must-revalidate"  # unversioned
    assert client.get(figure_url(path, "square.json"))["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_figure_unchanged_since_the_browser_got_it_answers_304(client, path):
    """Protects bandwidth: If-None-Match with the current ETag gets 304 and no body;
    with an old one, the file."""
    etag = client.get(figure_url(path, "square.png"))["ETag"]
    again = client.get(figure_url(path, "square.png"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED and again.content == b""
    assert again["ETag"] == etag
    stale = client.get(figure_url(path, "square.png"), HTTP_IF_NONE_MATCH='"0000"')
    assert stale.status_code == HTTPStatus.OK and stale.content == png()
    assert client.head(figure_url(path, "square.png")).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_a_private_copys_figures_are_not_public(client, learner, django_user_model, path):
    """Protects private paths: their figures answer 404 to everyone but the owner (and
    staff), and browsers may cache them, shared caches not."""
    client.force_login(learner)
    client.post(reverse("path_clone", args=[path.slug]))
    copy = LearningPath.objects.get(owner=learner)
    assert copy.visibility == Visibility.PRIVATE
    mine = client.get(figure_url(copy, "square.png"))
    assert mine.status_code == HTTPStatus.OK and mine["Cache-Control"].startswith("private")
    other = django_user_model.objects.create_user(username="eve", password="another-passphrase")
    client.force_login(other)
    assert client.get(figure_url(copy, "square.png")).status_code == HTTPStatus.NOT_FOUND
    client.logout()
    assert client.get(figure_url(copy, "square.png")).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["nothing.png", "..%2Fpath.yaml", "LINE.SVG"])
def test_a_figure_the_path_lacks_is_404(client, path, name):
    """Protects: only the path's own figures, by their exact name."""
    response = client.get(f"/paths/{path.slug}/figures/{name}")
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_figures_refuse_writes(client, path):
    """Protects the read-only URL: POST is 405."""
    response = client.post(figure_url(path, "line.svg"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- on the page --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lesson_shows_its_figures_with_urls_sizes_captions_and_explorables(client, path):
    """Protects the lesson page: an image alone in its paragraph is a <figure> whose
    <img> points at the versioned figure URL, with alt text, the file's size (the page
    does not jump), lazy loading, and its caption; one with data beside it is an
    explorable that keeps the image as its still."""
    html = client.get(reverse("lesson_detail", args=[path.slug, "three"])).content.decode()
    line = path.figures.get(name="line.svg")
    square_data = path.figures.get(name="square.json")
    assert (
        f'<figure><img alt="A line from corner to corner" decoding="async" height="200" '
        f'loading="lazy" src="{figure_url(path, "line.svg")}?v={line.sha256[:16]}" width="400">'
        "<figcaption>The line rises: look at its slope.</figcaption>"
    ) in html
    assert (
        f'<figure class="explorable" data-explorable="{figure_url(path, "square.json")}'
        f'?v={square_data.sha256[:16]}"><img alt="A blue square"'
    ) in html
    assert "js/explorables.js" in html


@pytest.mark.django_db
def test_a_changed_figure_gives_the_lesson_a_new_url(client, path):
    """Protects the render cache and browsers' year-long caching: a figure whose bytes
    change gets a new versioned URL in the page at once."""
    page = reverse("lesson_detail", args=[path.slug, "three"])
    before = client.get(page).content.decode()
    path_import(bundle=figure_bundle(square=png(colour="#D55E00")))
    after = client.get(page).content.decode()
    new = path.figures.get(name="square.png").sha256[:16]
    assert f"square.png?v={new}" in after and f"square.png?v={new}" not in before


@pytest.mark.django_db
def test_the_editor_preview_shows_figures_as_the_lesson_page_does(client, learner, path):
    """Protects the editor: the preview of a body showing a figure renders it with the
    path's figures, exactly as the lesson page will."""
    path.owner = learner
    path.save(update_fields=["owner"])
    client.force_login(learner)
    body = '![A line](figures/line.svg "Its slope.")\n'
    response = client.post(
        reverse("lesson_preview", args=[path.slug, "three"]), {"body": body}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert render_markdown(body, figure_set(path=path)).html in html
    assert f'src="{figure_url(path, "line.svg")}?v=' in html
    edit = client.get(reverse("lesson_edit", args=[path.slug, "three"])).content.decode()
    assert "js/explorables.js" in edit


@pytest.mark.django_db
def test_the_lesson_api_renders_figures_too(client, path):
    """Protects API readers: the lesson's HTML carries the same figure URLs."""
    response = client.get(f"/api/paths/{path.slug}/lessons/three/")
    assert response.status_code == HTTPStatus.OK
    assert f'src="{figure_url(path, "line.svg")}?v=' in response.json()["html"]


@pytest.mark.django_db
def test_path_bundle_reads_figures_back_in_name_order(path):
    """Protects the export: the figures come back as the bundle had them."""
    assert path_bundle(path=path).figures == figure_bundle().figures
    assert zipfile.ZipFile(io.BytesIO(bundle_to_zip(path_bundle(path=path)))).testzip() is None
