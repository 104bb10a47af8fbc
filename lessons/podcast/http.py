"""Serving a stored file so that seeking works: HTTP Range (RFC 9110 §14), HEAD and
conditional requests. Django's FileResponse and whitenoise answer neither for media.

One range per request: a request for several ranges gets the whole file (200), which
the RFC allows and every player copes with.
"""

import re
from collections.abc import Iterator
from datetime import datetime
from http import HTTPStatus

from django.core.files.storage import Storage
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, parse_http_date_safe

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=\s*(\d*)\s*-\s*(\d*)\s*$")


class Unsatisfiable(Exception):
    """A well-formed range that lies outside the file: answer 416."""


BEYOND_ANY_FILE = 10**18  # bytes; a position written with more digits is at least this


def _position(digits: str) -> int:
    """A byte position from the header's digits. Python refuses to read a number of more
    than 4,300 digits (a ValueError, a 500 before); any number that long lies past the
    end of every file we serve, so it is read as BEYOND_ANY_FILE."""
    digits = digits.lstrip("0") or "0"
    return BEYOND_ANY_FILE if len(digits) > 18 else int(digits)


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive byte range `(first, last)` a Range header asks for, or None when
    the whole file should be sent (no header, a syntax we ignore, several ranges)."""
    match = _RANGE.match(header or "")
    if not match or "," in header:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # a suffix: the last N bytes
        length = _position(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(size - length, 0), size - 1
    start = _position(first)
    if last and _position(last) < start:
        return None  # invalid: ignore the header, as the RFC says
    if start >= size:
        raise Unsatisfiable
    return start, min(_position(last), size - 1) if last else size - 1


def _chunks(file, start: int, length: int) -> Iterator[bytes]:
    with file:
        file.seek(start)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data


def ranged_file_response(
    request: HttpRequest,
    *,
    storage: Storage,
    name: str,
    content_type: str,
    etag: str,
    last_modified: datetime | None,
    public: bool = True,
) -> HttpResponse:
    """GET or HEAD of a stored file with Range, ETag and Last-Modified. A missing file
    is a 404. `public`: whether shared caches (CDNs, proxies) may keep it."""
    try:
        size = storage.size(name)
    except (FileNotFoundError, OSError) as error:
        raise Http404("No such audio file.") from error
    quoted = f'"{etag}"'
    # Whole seconds: HTTP dates have no fractions, so If-Modified-Since must compare equal.
    modified = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=quoted, last_modified=modified)
    if not_modified is not None:
        not_modified["ETag"] = quoted
        if last_modified:
            not_modified["Last-Modified"] = http_date(modified)
        return not_modified

    byte_range = None
    header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    # If-Range: send the range only if the file is still the one the client has.
    if header and (
        if_range is None
        or quoted in parse_etags(if_range)
        or (modified and parse_http_date_safe(if_range) == modified)
    ):
        try:
            byte_range = parse_range(header, size)
        except Unsatisfiable:
            response = HttpResponse(status=HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response

    first, last = byte_range if byte_range else (0, size - 1)
    length = last - first + 1 if size else 0
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type)
    else:
        try:
            file = storage.open(name, "rb")
        except (FileNotFoundError, OSError) as error:
            raise Http404("No such audio file.") from error
        response = StreamingHttpResponse(_chunks(file, first, length), content_type=content_type)
    if byte_range:
        response.status_code = HTTPStatus.PARTIAL_CONTENT
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = quoted
    if last_modified:
        response["Last-Modified"] = http_date(modified)
    # Shared caches may keep public files; a private path's audio stays in the browser.
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=3600"
    return response
