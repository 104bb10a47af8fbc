"""Input no view should ever see: the one place requests are checked before routing.

Every URL path, query value and form field, and every JSON body, passes through here.
What fails answers 400 with a sentence saying why, instead of reaching the database
(PostgreSQL refuses NUL in text; a lone surrogate cannot be encoded) or Python's
recursion limit (a JSON body nested 100,000 deep) and ending as a 500.
"""

import json
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# C0 controls other than tab, newline and carriage return, DEL, and lone surrogates.
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
JSON_MAX_DEPTH = 32  # our deepest body is two levels; room to spare, far from recursion


def unsafe_text(text: str) -> bool:
    """True when `text` holds a control character or a lone surrogate."""
    return UNSAFE_CHARACTERS.search(text) is not None


def _first_unsafe_value(request: HttpRequest) -> str | None:
    if unsafe_text(request.path):
        return "the URL path"
    for name, values in request.GET.lists():
        if unsafe_text(name) or any(unsafe_text(v) for v in values):
            return f"the query parameter {name!r}"
    if request.content_type == "application/x-www-form-urlencoded":
        for name, values in request.POST.lists():
            if unsafe_text(name) or any(unsafe_text(v) for v in values):
                return f"the form field {name!r}"
    return None


class RejectUnsafeInput:
    """Middleware: 400 for a control character or lone surrogate in the URL or a form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _first_unsafe_value(request)
        if where is None:
            return self.get_response(request)
        detail = f"A control character or an invalid character is in {where}."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": detail}, status=400)
        return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")


def json_problem(value: object, *, max_depth: int = JSON_MAX_DEPTH) -> str | None:
    """What is wrong with a parsed JSON value, as a sentence, or None: nested deeper
    than `max_depth`, or a key or string holding a control character or a lone
    surrogate. Iterative, so depth cannot overflow it. Request bodies and bundle
    files are checked by it alike."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return f"The JSON is nested deeper than {max_depth} levels."
        if isinstance(item, dict):
            for key, child in item.items():
                if unsafe_text(key):
                    return "A JSON key holds a control or invalid character."
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and unsafe_text(item):
            return "A JSON string holds a control or invalid character."
    return None


def json_check(value: object) -> None:
    """Raise ParseError unless `value` is a JSON object `json_problem` finds nothing in."""
    if not isinstance(value, dict):
        raise ParseError("The request body must be a JSON object.")
    problem = json_problem(value)
    if problem:
        raise ParseError(problem)


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus: an object at the top, bounded depth, safe strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            value = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ParseError("The JSON body is not valid UTF-8.") from error
        except RecursionError as error:
            raise ParseError(
                f"The JSON body is nested deeper than {JSON_MAX_DEPTH} levels."
            ) from error
        except ValueError as error:
            raise ParseError(f"The JSON body is malformed: {error}") from error
        json_check(value)
        return value
