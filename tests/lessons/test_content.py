"""The first path is complete: every entry of the seed's table of contents is a real
lesson, the formulas the issue names are there, and the resources are annotated.
Lessons we added beyond the seed's outline sit at their place in it."""

import re

import pytest

from lessons.authoring.bundle import bundle_read
from tests.conftest import FIRST_PATH_DIR

# The seed's table of contents, in its order (../shared/seed/).
SEED_CONTENTS = [
    "Introduction and definition",
    "Short history and milestones",
    "Main families of generative models",
    "Autoregressive models",
    "Variational Autoencoders (VAEs)",
    "Generative Adversarial Networks (GANs)",
    "Flow-based models",
    "Score-based / Diffusion models",
    "Core theoretical foundations and math",
    "Probability factorization and likelihood",
    "Maximum likelihood and cross-entropy",
    "Latent-variable modelling and ELBO",
    "Adversarial objectives",
    "Score matching and diffusion objective",
    "Self-attention and transformer basics",
    "Architectures and building blocks",
    "Encoders/decoders, CNNs, RNNs, Transformers",
    "Attention mechanism and positional encoding",
    "Conditioning, control, and guidance",
    "Training and sampling procedures",
    "Training objectives and optimization",
    "Sampling algorithms (ancestral, beam, nucleus/top-p, temperature)",
    "Diffusion sampling (DDPM, deterministic samplers, classifier-free guidance)",
    "Evaluation metrics and limitations",
    "Practical applications and examples",
    "Text, images, audio, video, molecules, code",
    "Representative models and systems",
    "Implementation examples (short code & pseudocode)",
    "Challenges, risks, and safety mitigations",
    "Current state of the field (as of mid-2024)",
    "Future directions and open problems",
    "Recommended readings and resources",
    "Summary",
]


# Lessons beyond the seed's outline: (title, the seed title it follows).
ADDED = [("Flow matching and rectified flow", "Score-based / Diffusion models")]


def contents() -> list[str]:
    titles = list(SEED_CONTENTS)
    for title, after in ADDED:
        titles.insert(titles.index(after) + 1, title)
    return titles


@pytest.fixture(scope="module")
def bundle():
    return bundle_read(FIRST_PATH_DIR)


def words(markdown: str) -> int:
    # a figure's alt text and caption describe a picture: not part of the reading length
    markdown = re.sub(r'!\[[^\]]*\]\([^)\s]*(?:\s+"[^"]*")?\)', "", markdown)
    return len(re.findall(r"[A-Za-z][A-Za-z'-]*", markdown))


def prose(markdown: str) -> str:
    """The text a learner reads through: without code blocks and formulas, which are
    studied rather than read and would make a derivation count as a long lesson."""
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.S)
    markdown = re.sub(r"\$\$.*?\$\$", "", markdown, flags=re.S)
    return re.sub(r"\$[^$]*\$", "", markdown)


def test_every_seed_contents_entry_is_a_lesson_in_order(bundle):
    """Protects the promise that the whole seed outline can be read, in its order, with
    the lessons we added in their places."""
    assert [lesson.title for lesson in bundle.walk()] == contents()


@pytest.mark.parametrize("title", contents())
def test_every_lesson_is_a_real_page_of_reading(bundle, title):
    """Protects against stubs and walls of text: each lesson is a page of 300+ words with
    sections, and at most 1100 words of prose (code and formulas not counted)."""
    lesson = next(lesson for lesson in bundle.walk() if lesson.title == title)
    assert words(lesson.body) >= 300, f"{lesson.slug} has {words(lesson.body)} words"
    n = words(prose(lesson.body))
    assert n <= 1100, f"{lesson.slug} is long: {n} words of prose"
    assert lesson.body.count("\n## ") + lesson.body.startswith("## ") >= 2, lesson.slug
    assert lesson.body.count("$") % 2 == 0, f"{lesson.slug} has an unpaired $"


@pytest.mark.parametrize(
    "slug, formula",
    [
        ("latent-variables-and-the-elbo", r"\operatorname{KL}"),
        ("flow-based-models", r"\det"),
        ("adversarial-objectives", r"\log D"),
        ("score-matching-and-the-diffusion-objective", r"\epsilon_\theta"),
        ("self-attention-and-transformers", r"\mathrm{softmax}"),
        ("diffusion-sampling", r"\bar\alpha"),
    ],
)
def test_the_named_formulas_are_written_in_latex(bundle, slug, formula):
    """Protects the ELBO, change of variables, GAN minimax, DDPM loss and attention."""
    body = next(lesson.body for lesson in bundle.walk() if lesson.slug == slug)
    assert "$$" in body
    assert formula.replace(" ", "") in body.replace(" ", ""), f"{slug} lacks {formula}"


def test_implementation_lessons_carry_pytorch_code(bundle):
    """Protects the seed's "implementation examples": real code blocks, not prose."""
    body = next(lesson.body for lesson in bundle.walk() if lesson.slug == "implementation-examples")
    assert body.count("```python") >= 4
    assert "torch" in body


@pytest.mark.parametrize(
    "cited", ["Goodfellow", "Kingma", "Vaswani", "Ho et al", "Song", "Rombach", "Dinh"]
)
def test_the_named_papers_are_cited(bundle, cited):
    """Protects the citations the seed names."""
    assert any(cited in lesson.body for lesson in bundle.walk())


def test_path_summary_and_annotated_resources(bundle):
    """Protects the resources page: the seed's readings, each with year and a note."""
    assert len(bundle.summary.split()) >= 25
    assert len(bundle.resources) >= 12
    titles = " ".join(r.title + " " + r.authors for r in bundle.resources)
    for needed in ["Goodfellow", "Kingma", "Vaswani", "Ho", "Song", "Rombach", "Deep Learning"]:
        assert needed in titles, needed
    for resource in bundle.resources:
        assert resource.year and resource.note and resource.url.startswith("https://")
