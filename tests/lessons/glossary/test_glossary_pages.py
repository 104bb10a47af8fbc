"""The glossary page and the term links on lesson pages, through HTTP."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from lessons.authoring.bundle import GlossarySpec
from lessons.authoring.services import path_import
from lessons.models import Visibility
from tests.lessons.authoring.own import owned_path, small_bundle


def glossary_bundle(slug="small"):
    bundle = small_bundle(slug)
    bundle.lessons[2].body = "Three uses the ELBO and the zeta function, then ELBO again.\n"
    bundle.glossary = [
        GlossarySpec("zeta function", [], "A function of a complex variable.", "one"),
        GlossarySpec("ELBO", ["evidence lower bound"], "A bound on log p(x) & more.", "three"),
        GlossarySpec("alpha", [], "The first letter.", "one-a"),
    ]
    return bundle


@pytest.mark.django_db
def test_glossary_page_lists_terms_sorted_with_anchors_definitions_and_lessons(client):
    """Protects the glossary page: terms sorted (ignoring case) under their first letter
    (an A–Z index links each), each under its own id with its aliases, its definition
    (escaped) and a link to the lesson that teaches it."""
    path, _ = path_import(bundle=glossary_bundle())
    response = client.get(reverse("path_glossary", args=[path.slug]))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert re.findall(r'<dt id="([^"]+)">', html) == ["alpha", "elbo", "zeta-function"]
    letters = re.findall(r'<h2 id="(letter-\d+)" class="glossary-letter">(\w)</h2>', html)
    assert [letter for _id, letter in letters] == ["A", "E", "Z"]  # with an index to each
    assert all(f'<a href="#{id_}">' in html for id_, _letter in letters)
    assert "also evidence lower bound" in html
    assert "A bound on log p(x) &amp; more." in html
    three = path.lessons.get(slug="three")
    assert f'Taught in <a href="{three.get_absolute_url()}">Three</a>' in html


@pytest.mark.django_db
def test_path_and_lesson_pages_link_the_glossary_only_when_there_is_one(client):
    """Protects the ways in: the path page's tools and every lesson page's aside link
    the glossary; a path without one shows no dead link."""
    with_glossary, _ = path_import(bundle=glossary_bundle())
    without, _ = path_import(bundle=small_bundle("bare"))
    for path, expected in ((with_glossary, True), (without, False)):
        url = reverse("path_glossary", args=[path.slug])
        lesson = path.lessons.get(slug="two")
        for page in (path.get_absolute_url(), lesson.get_absolute_url()):
            assert (f'href="{url}"' in client.get(page).content.decode()) is expected, page


@pytest.mark.django_db
def test_lesson_page_links_first_use_of_each_term_with_its_definition(client):
    """Protects the lesson page: each term's first use links to its entry and carries
    its definition as an accessible tooltip (aria-describedby); the second does not."""
    path, _ = path_import(bundle=glossary_bundle())
    html = client.get(path.lessons.get(slug="three").get_absolute_url()).content.decode()
    url = reverse("path_glossary", args=[path.slug])
    assert html.count(f'href="{url}#elbo"') == 1
    assert html.count(f'href="{url}#zeta-function"') == 1
    assert 'aria-describedby="term-tip-elbo">ELBO</a>' in html
    assert 'role="tooltip" id="term-tip-elbo">A bound on log p(x) &amp; more.</span>' in html
    assert "then ELBO again." in html


@pytest.mark.django_db
def test_glossary_of_a_private_path_is_not_found_by_others(client, learner):
    """Protects private paths: their glossary is a 404 to anyone but the owner."""
    path = owned_path(learner)
    assert path.visibility == Visibility.PRIVATE
    url = reverse("path_glossary", args=[path.slug])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(learner)
    assert client.get(url).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_every_glossary_link_on_every_lesson_page_resolves_to_an_entry(client, first_path):
    """Protects the shipped path's glossary: every term link on every lesson page points
    at this path's glossary page and at an id that page has; every term is linked from
    at least one lesson (else its names appear nowhere a reader meets them)."""
    glossary_url = reverse("path_glossary", args=[first_path.slug])
    page = client.get(glossary_url).content.decode()
    entries = set(re.findall(r'<dt id="([^"]+)">', page))
    assert entries and len(entries) == first_path.glossary_terms.count()
    linked = set()
    for lesson in first_path.lessons.all():
        html = client.get(lesson.get_absolute_url()).content.decode()
        hrefs = re.findall(r'<a href="([^"]*)" aria-describedby="term-tip-([^"]+)"', html)
        for href, tip in hrefs:
            url, anchor = href.split("#")
            assert (url, anchor) == (glossary_url, tip), lesson.slug
            assert anchor in entries, (lesson.slug, anchor)
            assert f'id="term-tip-{anchor}"' in html
        assert len(hrefs) == len({anchor for _url, anchor in hrefs}), lesson.slug
        linked |= {anchor for _url, anchor in hrefs}
    assert linked == entries


@pytest.mark.django_db
def test_a_changed_glossary_shows_at_once_on_cached_pages(client):
    """Protects the cache (pages kept per content version): a term edited in the admin
    (a save) or a glossary dropped by a re-import shows on the very next lesson, path
    and glossary page, for anonymous readers served whole pages from the cache too."""
    path, _ = path_import(bundle=glossary_bundle())
    lesson_url = path.lessons.get(slug="three").get_absolute_url()
    glossary_page = reverse("path_glossary", args=[path.slug])
    for url in (lesson_url, path.get_absolute_url(), glossary_page):
        client.get(url)  # warm the cache
    term = path.glossary_terms.get(term="ELBO")
    term.definition = "A new definition."
    term.save()
    assert 'id="term-tip-elbo">A new definition.</span>' in client.get(lesson_url).content.decode()
    assert "A new definition." in client.get(glossary_page).content.decode()

    path_import(bundle=small_bundle())  # the same path, with no glossary.yaml
    assert 'class="term"' not in client.get(lesson_url).content.decode()
    assert glossary_page not in client.get(path.get_absolute_url()).content.decode()
    assert glossary_page not in client.get(lesson_url).content.decode()
