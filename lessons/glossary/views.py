"""The glossary page of a path."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lessons.lookups import readable_path

from . import selectors


@require_GET
def glossary(request: HttpRequest, slug: str) -> HttpResponse:
    path = readable_path(request, slug)
    letters = selectors.glossary_letters(terms=selectors.glossary_terms(path=path))
    return render(request, "lessons/glossary/glossary.html", {"path": path, "letters": letters})
