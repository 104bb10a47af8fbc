"""A path's figure files: the one check every figure from outside passes (name, size,
type by content, the SVG allow-list, an explorable's JSON), and what a bundle with
figures must hold (a lesson shows only figures that are there, with alt text and a
caption)."""

import dataclasses
import io
import re
import xml.etree.ElementTree as etree
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lessons.authoring.archive import bundle_to_zip
from lessons.authoring.bundle import bundle_read, bundle_write
from lessons.authoring.figures import FigureError, figure_check, svg_check
from lessons.errors import BundleError
from lessons.figures import canvas
from lessons.limits import MAX_FIGURE_BYTES
from tests.lessons.figure_files import EXPLORABLE, SVG, figure_bundle, png

SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="10" height="10">'
)


def svg(inside: str, open_tag: str = SVG_OPEN) -> bytes:
    return f"{open_tag}{inside}</svg>".encode()


def test_the_house_canvas_draws_figures_the_checker_accepts():
    """Protects: what our own figure code draws (matplotlib's SVG, with its DOCTYPE,
    metadata, styles, clip paths and embedded raster, and its PNG) passes the check,
    sized as the file says."""
    fig, ax = canvas.new(4, 3)
    ax.plot([0, 1, 2], [1, 0, 2], label="a line")
    ax.imshow([[0, 1], [1, 0]], extent=(0, 1, 0, 1))
    ax.legend()
    ax.set_title("A title")
    drawn = figure_check("drawn.svg", canvas.svg(fig))
    assert drawn.content_type == "image/svg+xml" and drawn.width > 200 and drawn.height > 150
    fig, ax = canvas.new(4, 3)
    ax.plot([0, 1])
    drawn = figure_check("drawn.png", canvas.png(fig))
    assert drawn.content_type == "image/png" and drawn.width > 200


@pytest.mark.parametrize(
    "document, why",
    [
        (svg("<script>alert(1)</script>"), "<script>"),
        (svg('<script xlink:href="https://x.example/a.js"/>'), "<script>"),
        (svg("<foreignObject><p>hi</p></foreignObject>"), "<foreignObject>"),
        (svg('<a href="javascript:alert(1)"><rect width="1" height="1"/></a>'), "<a>"),
        (svg('<rect width="1" height="1" onclick="alert(1)"/>'), "onclick"),
        (svg("", SVG_OPEN.replace(">", ' onload="alert(1)">')), "onload"),
        (svg('<use xlink:href="https://x.example/s.svg#a"/>'), "link"),
        (svg('<use href="data:image/svg+xml;base64,PHN2Zz4="/>'), "link"),
        (svg('<image href="https://x.example/p.png" width="1" height="1"/>'), "link"),
        (svg('<rect width="1" height="1" style="fill: url(https://x.example/p)"/>'), "url()"),
        (svg('<rect width="1" height="1" fill="url(//x.example/p)"/>'), "url()"),
        (svg("<style>@import 'https://x.example/a.css';</style>"), "<style>"),
        (svg("<style>rect{fill:u\\72l(https://x.example)}</style>"), "<style>"),
        (svg('<set attributeName="href" to="javascript:alert(1)"/>'), "<set>"),
        (svg('<animate attributeName="href" values="javascript:alert(1)"/>'), "<animate>"),
        (svg('<html:script xmlns:html="http://www.w3.org/1999/xhtml">x</html:script>'), "script"),
        (b'<?xml-stylesheet href="https://x.example/a.css"?>' + svg(""), "processing"),
        (b'<!DOCTYPE svg [<!ENTITY x "y">]>' + svg("<title>&x;</title>"), "DOCTYPE"),
        (b'<!DOCTYPE svg SYSTEM "file:///etc/passwd">' + svg(""), "DOCTYPE"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"><script>1</script></html>', "<svg>"),
        (svg("<g>"), "well-formed"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "width and height"),
    ],
)
def test_svg_with_a_script_vector_or_an_outside_fetch_is_refused(document, why):
    """Protects readers who open a figure at its own URL: an SVG there is a document
    that could run script or fetch from elsewhere; each way in is refused, saying which."""
    with pytest.raises(FigureError, match="SVG refused") as refused:
        figure_check("bad.svg", document)
    assert why.strip("<>").lower() in str(refused.value).lower()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("Bad Name.png", png(), "name"),
        ("../up.png", png(), "name"),
        ("notes.txt", b"text", "name"),
        ("x" * 100 + ".png", png(), "name"),
        ("empty.png", b"", "empty"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_FIGURE_BYTES, "larger than"),
        ("svg-in-disguise.png", SVG, "not a PNG"),
        ("html.jpg", b"<html><script>1</script></html>", "not a JPG"),
        ("cut.png", png()[:40], "damaged"),
        ("fake.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 junk", "damaged"),
        ("list.json", b"[1, 2]", '"kind"'),
        ("kindless.json", b'{"values": []}', '"kind"'),
        ("odd-kind.json", b'{"kind": "../x"}', '"kind"'),
        ("latin1.json", '{"kind": "é"}'.encode("latin-1"), "JSON"),
    ],
)
def test_figure_files_are_checked_by_name_size_and_content(name, data, message):
    """Protects: only named image types, by their bytes (a script renamed .png is not
    an image), within the size limit, and explorable data that names its widget."""
    with pytest.raises(FigureError, match=re.escape(message)):
        figure_check(name, data)


def test_accepted_figures_carry_type_hash_and_size():
    """Protects what the page and the server need: content type, sha256, pixel size."""
    square = figure_check("square.png", png(40, 30))
    assert (square.content_type, square.width, square.height) == ("image/png", 40, 30)
    assert len(square.sha256) == 64 and square.is_image
    data = figure_check("square.json", EXPLORABLE)
    assert data.content_type == "application/json" and not data.is_image
    assert svg_check(SVG) == (400, 200)  # 300pt × 150pt in CSS pixels


# --- the property: nothing accepted carries a script vector ---------------------------

# A document is built from safe pieces, then (half the time) one dangerous piece is put
# in: an element, an attribute, a style sheet or a prologue. One at a time, so that a
# checker that let one kind through would accept some documents holding it.
SAFE_ELEMENTS = ["g", "rect", "path", "use", "text", "title"]
SAFE_ATTRIBUTES = [("x", "1"), ("width", "2"), ("fill", "red"), ("style", "fill: #fff"),
                   ("clip-path", "url(#a)"), ("transform", "scale(2)")]  # fmt: skip
DANGEROUS = {
    "element": ["script", "foreignObject", "a", "set", "animate", "iframe", "SCRIPT",
                "html:script", "html:iframe"],
    "attribute": [("onload", "alert(1)"), ("onclick", "alert(1)"), ("ONLOAD", "alert(1)"),
                  ("html:onclick", "alert(1)"), ("xml:base", "https://x.example/"),
                  ("href", "javascript:alert(1)"), ("xlink:href", " javascript:alert(1)"),
                  ("href", "https://x.example/s.svg#a"), ("href", "//x.example/a"),
                  ("xlink:href", "data:image/svg+xml;base64,PHN2Zz4="),
                  ("href", "data:text/html,<script>1</script>"),
                  ("fill", "url(https://x.example/p)"), ("fill", "URL( 'http://x' )"),
                  ("style", "fill: url(http://x)"), ("style", "fill: u\\72l(http://x)"),
                  ("style", "background: expression(alert(1))"),
                  ("filter", "url(//x.example/f)")],
    "style": ["a{fill:url(http://x)}", "@import url(x.css);", "@IMPORT 'x.css';",
              "</style><script>1</script>", "a{fill:u\\72l(//x)}",
              "<![CDATA[a{fill:url(//x)}]]>", "a{behavior:url(x.htc)}"],
    "prologue": ['<?xml-stylesheet href="https://x.example/a.css"?>',
                 '<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                 '<!DOCTYPE svg SYSTEM "https://x.example/x.dtd">'],
}  # fmt: skip
SAFE_PROLOGUES = ["", '<?xml version="1.0" encoding="utf-8"?>',
                  '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                  '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">']  # fmt: skip


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


@st.composite
def svg_documents(draw):
    kind = draw(st.sampled_from([None, "element", "attribute", "style", "prologue"]))
    danger = draw(st.sampled_from(DANGEROUS[kind])) if kind else None
    count = draw(st.integers(1, 4))
    at = draw(st.integers(0, count - 1))  # which element gets the dangerous piece
    parts = []
    for index in range(count):
        tag = draw(st.sampled_from(SAFE_ELEMENTS))
        attributes = draw(st.lists(st.sampled_from(SAFE_ATTRIBUTES), max_size=3, unique=True))
        if index == at and kind == "element":
            tag = danger
        if index == at and kind == "attribute":
            attributes = [*attributes, danger]
        written = "".join(f' {name}="{_escape(value)}"' for name, value in dict(attributes).items())
        parts.append(f"<{tag}{written}>text</{tag}>")
        if index == at and kind == "style":
            parts.append(f"<style>{danger}</style>")
    prologue = danger if kind == "prologue" else draw(st.sampled_from(SAFE_PROLOGUES))
    namespaces = ' xmlns:html="http://www.w3.org/1999/xhtml"'
    return f"{prologue}{SVG_OPEN[:-1]}{namespaces}>{''.join(parts)}</svg>".encode()


SCRIPTED_NAMES = {"script", "foreignobject", "a", "set", "animate", "iframe"}


def _vectors(document: bytes) -> list[str]:
    """The script vectors and outside fetches a document holds, read independently of
    the checker: by ElementTree, the way a browser would see its elements."""
    found = []
    text = document.decode()
    doctype = re.search(r"<!DOCTYPE[^>]*>", text)
    if (
        "<!ENTITY" in text
        or "<?xml-stylesheet" in text
        or (doctype and "SVG 1.1" not in doctype[0])
    ):
        found.append("prologue")
    root = etree.fromstring(re.sub(r"<!DOCTYPE[^\[>]*(\[[^\]]*\])?\s*>", "", text))
    for node in root.iter():
        local = node.tag.rsplit("}", 1)[-1].lower()
        if local in SCRIPTED_NAMES or not node.tag.startswith("{http://www.w3.org/2000/svg}"):
            found.append(local)
        for name, value in node.attrib.items():
            bare = name.rsplit("}", 1)[-1].lower()
            squeezed = re.sub(r"\s", "", value.lower())
            if bare.startswith("on") or bare == "base":
                found.append(bare)
            if bare == "href" and not (
                value.startswith("#") or squeezed.startswith("data:image/png")
            ):
                found.append(f"href={value}")
            if re.search(r"url\((?!#)|javascript:|expression\(|\\", squeezed.replace("'", "")):
                found.append(f"{bare}={value}")
        if local == "style":
            css = "".join(node.itertext()).lower()
            if "url(" in css or "@import" in css or "\\" in css or "<" in css:
                found.append("style")
    return found


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(svg_documents())
def test_no_accepted_svg_holds_a_script_vector(document):
    """Protects the SVG allow-list as a whole, not case by case: for any mix of safe and
    dangerous elements, attributes, styles and prologues, whatever the checker accepts
    holds no script element, event attribute, outside link or fetch, or entity."""
    try:
        svg_check(document)
    except FigureError:
        return
    assert _vectors(document) == []


@pytest.mark.parametrize(
    "kind, danger", [(kind, danger) for kind, pieces in DANGEROUS.items() for danger in pieces]
)
def test_every_dangerous_piece_alone_in_a_safe_svg_is_refused(kind, danger):
    """Protects each vector the property above draws, one by one, so none depends on
    the property's luck in drawing it."""
    inside = "<rect width='1' height='1'/>"
    if kind == "element":
        inside = f"<{danger}>text</{danger}>"
    elif kind == "attribute":
        inside = f'<rect width="1" {danger[0]}="{_escape(danger[1])}"/>'
    elif kind == "style":
        inside = f"<style>{danger}</style>"
    prologue = danger if kind == "prologue" else ""
    namespaces = ' xmlns:html="http://www.w3.org/1999/xhtml">'
    document = f"{prologue}{SVG_OPEN[:-1]}{namespaces}{inside}</svg>".encode()
    with pytest.raises(FigureError, match="SVG refused"):
        svg_check(document)


# --- figures in a bundle ------------------------------------------------------------


def test_a_bundle_folder_with_figures_reads_back_as_written(tmp_path):
    """Protects: figures/ is read (checked, sorted by name) and written back byte for
    byte, so a bundle's figures survive a folder round trip."""
    bundle = figure_bundle()
    bundle_write(bundle, tmp_path)
    again = bundle_read(tmp_path)
    assert again.figures == bundle.figures
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == [
        "line.svg",
        "square.json",
        "square.png",
    ]


def _write(tmp_path, bundle=None):
    bundle_write(bundle or figure_bundle(), tmp_path)
    return tmp_path


def _with_lesson_three(bundle, body):
    bundle.lessons[2] = dataclasses.replace(bundle.lessons[2], body=body)
    return bundle


@pytest.mark.parametrize(
    "line, message",
    [
        ('![A cat](figures/cat.png "A cat.")', "figures/cat.png is not in the bundle"),
        ('<img src="figures/cat.png" alt="x">', "figures/cat.png is not in the bundle"),
        ("[the data](figures/cat.json)", "figures/cat.json is not in the bundle"),
        ('![](figures/line.svg "The slope.")', "needs alt text"),
        ("![A line](figures/line.svg)", "needs a caption"),
        ('![A line](figures/line.svg "  ")', "needs a caption"),
        ('![Data](figures/square.json "Data.")', "is not an image"),
    ],
)
def test_a_lesson_showing_a_missing_or_unlabelled_figure_is_refused_naming_file_and_line(
    tmp_path, line, message
):
    """Protects: a lesson points only at figures the bundle holds, and shows each image
    with alt text (for screen readers) and a caption (what to look at); the error names
    the lesson's file and line."""
    body = "## Three\n\nSome text.\n\n" + line + "\n"
    folder = _write(tmp_path, _with_lesson_three(figure_bundle(), body))
    with pytest.raises(BundleError, match=re.escape(message)) as refused:
        bundle_read(folder)
    assert refused.value.file == str(folder / "lessons" / "three.md")
    assert refused.value.line == 5


def test_figure_paths_inside_code_blocks_are_not_references(tmp_path):
    """Protects lessons that show Markdown as an example: a fenced block is not read
    for figure references."""
    body = '```markdown\n![A cat](figures/cat.png "A cat.")\n```\n'
    bundle_read(_write(tmp_path, _with_lesson_three(figure_bundle(), body)))


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("evil.svg", svg("<script>alert(1)</script>"), "SVG refused"),
        ("Capital.png", png(), "lower-case"),
        ("photo.png", b"GIF89a....", "not a PNG"),
    ],
)
def test_a_bundle_with_a_bad_figure_is_refused_naming_the_file(tmp_path, name, data, message):
    """Protects: every file in figures/ passes the one check, and the error names it."""
    folder = _write(tmp_path)
    (folder / "figures" / name).write_bytes(data)
    with pytest.raises(BundleError, match=re.escape(message)) as refused:
        bundle_read(folder)
    assert refused.value.file == str(folder / "figures" / name)


def test_a_folder_or_link_inside_figures_is_refused(tmp_path):
    """Protects: figures/ holds plain files only (a link could read outside the bundle)."""
    folder = _write(tmp_path)
    (folder / "figures" / "inner").mkdir()
    with pytest.raises(BundleError, match="only plain files"):
        bundle_read(folder)
    (folder / "figures" / "inner").rmdir()
    (folder / "figures" / "link.png").symlink_to("/etc/passwd")
    with pytest.raises(BundleError, match="only plain files"):
        bundle_read(folder)


def test_figures_weighing_more_than_the_path_limit_are_refused(tmp_path, monkeypatch):
    """Protects the server from a bundle of many large figures: a total per path."""
    monkeypatch.setattr("lessons.authoring.bundle.MAX_FIGURES_BYTES", 300)
    with pytest.raises(BundleError, match="the figures weigh more than"):
        bundle_read(_write(tmp_path))


def test_the_zip_of_a_bundle_with_figures_is_stable_and_stores_images_uncompressed():
    """Protects the .zip export: figures are in it, the same bundle gives the same bytes."""
    data = bundle_to_zip(figure_bundle())
    assert data == bundle_to_zip(figure_bundle())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = {i.filename: i for i in archive.infolist()}
    assert info["figures/square.png"].compress_type == zipfile.ZIP_STORED
    assert {"figures/line.svg", "figures/square.json"} <= set(info)
