"""The glossary page of a path."""

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lessons.cache import shared_path_page
from lessons.lookups import readable_path

from . import selectors


@require_GET
def glossary(request: HttpRequest, slug: str) -> HttpResponse:
    def page(path) -> HttpResponse:
        letters = selectors.glossary_letters(terms=selectors.glossary_terms(path=path))
        return render(request, "lessons/glossary/glossary.html", {"path": path, "letters": letters})

    # anonymous readers get the page from the cache, per content version
    return shared_path_page(request, lookup=partial(readable_path, request, slug), render=page)
