"""A bundle as one `.zip` file: the bundle folder (see `bundle.py`), zipped.

`bundle_from_zip` checks the archive before unpacking a byte: its size, that every
entry is a plain file with a safe relative name (no `..`, no absolute path, no link:
"zip slip"), that no two entries name one file (exactly, once `a/./b` is read as `a/b`,
or but for case, as a case-insensitive disk sees them: else the last one unpacked
would silently win), that it is a file a bundle holds, and that it unpacks to no more
than the limit (a zip bomb is counted as it is read, not trusted from the header). Then it
unpacks into a temporary folder and hands that to `bundle_read`, which validates the
contents; errors name the file inside the archive. Nothing touches the database.

`bundle_to_zip` writes the folder and zips it with fixed dates and permissions in
sorted order, so the same path always gives the same bytes.
"""

import io
import posixpath
import re
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from lessons.errors import BundleError

from .bundle import PathBundle, bundle_read, bundle_write

# The files a bundle may hold. Anything else is refused: a typo in a name would
# otherwise be silently ignored.
ALLOWED_FILES = [
    re.compile(r"path\.yaml"),
    re.compile(r"cards\.yaml"),
    re.compile(r"quiz\.yaml"),
    re.compile(r"glossary\.yaml"),
    re.compile(r"lessons/[A-Za-z0-9_-]+\.md"),
    re.compile(r"podcast/(script\.md|episode\.mp3|episode\.ogg|transcript\.vtt|episode\.json)"),
    re.compile(r"figures/[^/]+"),  # each checked by name and content in figures.py
]
MAX_ENTRIES = 5000
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: no build time leaks in
STORED_SUFFIXES = {".mp3", ".ogg", ".opus", ".png", ".jpg", ".jpeg", ".webp"}  # compressed


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _safe_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, or BundleError if it could land outside the bundle folder."""
    name = info.filename
    parts = PurePosixPath(name).parts
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name)
        or any(part in ("..", ".") for part in parts)
        or "" in name.split("/")[:-1]
    ):
        raise BundleError(name, None, "unsafe path: a bundle entry must stay inside the bundle")
    mode = info.external_attr >> 16
    if mode and (mode & 0o170000) not in (0, 0o100000):  # a link, a device, …
        raise BundleError(name, None, "not a plain file (links are not allowed)")
    if info.flag_bits & 0x1:
        raise BundleError(name, None, "encrypted entries are not allowed")
    return name


def _no_duplicates(names: list[str]) -> None:
    """BundleError naming the second of two entries that would unpack to one file."""
    first: dict[str, str] = {}
    for name in names:
        same = posixpath.normpath(name).casefold()
        if same in first:
            how = "twice" if first[same] == name else f"and as '{first[same]}'"
            raise BundleError(name, None, f"duplicate entry: the archive holds this file {how}")
        first[same] = name


def _strip_folder(names: list[str]) -> str:
    """The one top folder to strip, when the zip holds `folder/path.yaml` (zipping a
    folder does that) and no `path.yaml` at its root; else ''."""
    if "path.yaml" in names:
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and f"{next(iter(tops))}/path.yaml" in names:
        return next(iter(tops)) + "/"
    return ""


def bundle_from_zip(source: BinaryIO | Path | str, *, max_bytes: int) -> PathBundle:
    """Read and validate a zipped bundle. Raises BundleError naming what is wrong."""
    if isinstance(source, (str, Path)):
        label = Path(source).name
        size = Path(source).stat().st_size
    else:
        label = getattr(source, "name", None) or "the upload"
        size = source.seek(0, io.SEEK_END)
        source.seek(0)
    if size > max_bytes:
        raise BundleError(
            label, None, f"the file is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}"
        )
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise BundleError(label, None, "not a .zip file (or a damaged one)") from error
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ENTRIES:
            raise BundleError(label, None, f"more than {MAX_ENTRIES} files")
        names = [_safe_name(info) for info in entries]
        _no_duplicates(names)
        prefix = _strip_folder(names)
        for name in names:
            inner = name.removeprefix(prefix)
            if not any(pattern.fullmatch(inner) for pattern in ALLOWED_FILES):
                raise BundleError(
                    name,
                    None,
                    "unknown file: a bundle holds path.yaml, cards.yaml, quiz.yaml, "
                    "glossary.yaml, lessons/<slug>.md, podcast/ (script.md, episode.mp3 or "
                    ".ogg, transcript.vtt, episode.json) and figures/",
                )
        with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
            _unpack(archive, entries, names, prefix, Path(folder), label, max_bytes)
            try:
                return bundle_read(folder)
            except BundleError as error:  # name the file as it is in the archive
                inside = Path(error.file).relative_to(folder)
                raise BundleError(
                    f"{prefix}{inside.as_posix()}", error.line, error.message
                ) from None


def _unpack(archive, entries, names, prefix, folder: Path, label: str, max_bytes: int) -> None:
    unpacked = 0
    for info, name in zip(entries, names, strict=True):
        target = folder / name.removeprefix(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as stream, open(target, "wb") as out:
                while chunk := stream.read(1 << 16):
                    unpacked += len(chunk)
                    if unpacked > max_bytes:
                        raise BundleError(
                            label, None, f"it unpacks to more than {_megabytes(max_bytes)}"
                        )
                    out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise BundleError(name, None, f"damaged entry: {error}") from error


def bundle_to_zip(bundle: PathBundle) -> bytes:
    """The bundle as zip bytes: the same path always gives the same bytes."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        bundle_write(bundle, folder)
        files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
        with zipfile.ZipFile(buffer, "w") as archive:
            for file in files:
                info = zipfile.ZipInfo(file.relative_to(folder).as_posix(), date_time=ZIP_DATE)
                info.external_attr = 0o100644 << 16
                stored = file.suffix in STORED_SUFFIXES
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.writestr(info, file.read_bytes(), compresslevel=9)
    return buffer.getvalue()
