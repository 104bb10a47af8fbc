"""The concept figures (Transformer, decoding, objectives, diagrams, timelines, overview):
their data is what the model and the math say, the widgets compute what the figures
show, and every figure is shown in its lesson with alt text and a caption."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy import integrate

from generators import autoregressive
from lessons.figures import objectives, registry, sampling, transformer

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons/content/how-generative-ai-works/lessons"
WIDGETS = ROOT / "static/js/explorables"
OURS = {"transformer", "sampling", "objectives", "diagrams", "history", "overview"}
FIGURE_LINE = re.compile(
    r'^!\[(?P<alt>[^\]]+)\]\(figures/(?P<name>[a-z0-9-]+\.(svg|png)) "(?P<caption>[^"]+)"\)$'
)


def run_widget(kind: str, script: str) -> object:
    """Load static/js/explorables/<kind>.js in Node with a stub loader, run ``script``
    (which sees the widget's mount function as ``mount``) and return what it prints."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed; the widget's arithmetic is checked in the browser")
    program = (
        "let mount; global.window = {Explorables: {register: (k, m) => { mount = m; }}};"
        f"require({json.dumps(str(WIDGETS / f'{kind}.js'))});"
        f"console.log(JSON.stringify((() => {{ {script} }})()));"
    )
    out = subprocess.run(
        [node, "-e", program], capture_output=True, text=True, check=True, timeout=30
    )
    return json.loads(out.stdout)


# ----------------------------------------------------------------------------- temperature


def test_temperature_data_holds_the_models_real_logits():
    """The widget's logits are our text model's next-character logits for each prompt,
    so what the learner moves the sliders over is the real distribution."""
    _, data = registry_files("sampling-temperature.png")
    data = json.loads(data)
    assert data["kind"] == "temperature"
    assert len(data["tokens"]) == transformer.text_model().config.vocab_size
    for entry in data["prompts"]:
        assert entry["logits"] == sampling.next_logits(entry["prompt"]).tolist()


@pytest.mark.parametrize(
    "t, k, p", [(1.0, 0, 1.0), (0.5, 0, 1.0), (1.3, 5, 1.0), (1.0, 0, 0.6), (0.7, 10, 0.9)]
)
def test_decoding_rules_give_a_distribution_and_the_widget_agrees(t, k, p):
    """For every prompt, temperature / top-k / top-p leave probabilities that sum to 1
    over at most k tokens, and the widget's JavaScript filter keeps the same tokens with
    the same probabilities as the sampler's filter_logits."""
    data = json.loads(registry_files("sampling-temperature.png")[1])
    for i, entry in enumerate(data["prompts"]):
        logits = np.array(entry["logits"])
        probs = sampling.decode_filter(logits, t, k, p)
        assert probs.sum() == pytest.approx(1.0, abs=1e-9)
        if k:
            assert (probs > 0).sum() <= k
        if p < 1:  # the kept set holds at least p of the mass before the cut
            before_cut = sampling.decode_filter(logits, t, k, 1.0)
            assert before_cut[probs > 0].sum() >= p - 1e-9
        widget = run_widget(
            "temperature",
            f"return mount.decode({json.dumps(entry['logits'])}, {t}, {k}, {p}).after;",
        )
        np.testing.assert_allclose(widget, probs, atol=1e-9, err_msg=f"prompt {i}")


# ----------------------------------------------------------------------------- attention


def test_attention_weights_are_causal_distributions():
    """Every row of every head is a distribution over earlier characters only: the
    causal mask is lower triangular and nothing leaks from the future."""
    weights = transformer.attention_weights(transformer.SENTENCE)
    L, H, T, _ = weights.shape
    assert (L, H) == (
        transformer.text_model().config.n_layer,
        transformer.text_model().config.n_head,
    )
    upper = np.triu(np.ones((T, T), dtype=bool), k=1)
    assert np.all(weights[..., upper] == 0)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=T * 0.0005 + 1e-6)


@torch.no_grad()
def test_recomputed_attention_reproduces_the_models_own_attention():
    """The weights drawn are the model's: weights @ V through c_proj gives the output
    of the model's fused attention in every layer."""
    model = transformer.text_model()
    idx = transformer.encode(transformer.SENTENCE)
    T = idx.size(1)
    x = model.wte(idx) + model.wpe(torch.arange(T))
    weights = torch.tensor(transformer.attention_weights(transformer.SENTENCE))
    for layer, block in enumerate(model.blocks):
        h = block.ln_1(x)
        expected = block.attn(h)
        C = x.size(-1)
        n = block.attn.n_head
        v = block.attn.c_attn(h).split(C, dim=2)[2].view(1, T, n, C // n).transpose(1, 2)
        y = (weights[layer][None].float() @ v).transpose(1, 2).reshape(1, T, C)
        torch.testing.assert_close(block.attn.c_proj(y), expected, atol=5e-3, rtol=0)
        x = block(x)


def test_causal_mask_figure_data_matches_the_model_convention():
    """The mask the lessons draw (True on and below the diagonal) is the one the model's
    attention uses: with it, scaled_dot_product_attention equals is_causal=True."""
    T = 6
    q, k, v = torch.randn(3, 1, 1, T, 4, generator=torch.Generator().manual_seed(0))
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    a = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    b = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(a, b)


# ----------------------------------------------------------------------------- beam search


def test_beam_tree_is_the_models_beam_search():
    """The tree's last column is what generators' beam search returns, and every beam
    at each step extends a beam kept at the step before."""
    steps = sampling.beam_steps(sampling.BEAM_PROMPT, sampling.BEAM_WIDTH, sampling.BEAM_STEPS)
    idx = transformer.encode(sampling.BEAM_PROMPT)
    final = autoregressive.beam_search(
        transformer.text_model(), idx, sampling.BEAM_STEPS, sampling.BEAM_WIDTH
    )
    chars = transformer.text_model().config.chars
    assert [t for t, _ in steps[-1]] == [
        "".join(chars[int(i)] for i in b[idx.size(1) :]) for b, _ in final
    ]
    for before, after in zip(steps, steps[1:], strict=False):
        kept = {t for t, _ in before}
        assert all(t[:-1] in kept for t, _ in after)


# ----------------------------------------------------------------------------- KL


def _log_mixture(x: float) -> float:
    """log p(x) of the target, from its definition (log-sum-exp keeps the tails finite)."""
    parts = [math.log(w) + _log_normal(x, m, s) for w, m, s in objectives.MIXTURE]
    top = max(parts)
    return top + math.log(sum(math.exp(v - top) for v in parts))


def _log_normal(x: float, mu: float, sigma: float) -> float:
    return -0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma * math.sqrt(2 * math.pi))


@pytest.mark.parametrize(
    "mu, sigma", [(0.0, 1.0), (-2.0, 0.7), (1.5, 2.5), (4.0, 3.0), (-4.0, 0.3)]
)
def test_kl_numbers_the_page_shows_match_a_numerical_integral(mu, sigma):
    """KL(p‖q) and KL(q‖p) from the widget's grid sums (in Python and in the widget's
    JavaScript) agree with adaptive quadrature of the exact densities."""
    data = json.loads(registry_files("objectives-kl.svg")[1])
    log_p = np.array(data["log_p"])
    x = data["x0"] + data["dx"] * np.arange(len(log_p))
    forward, reverse = objectives.kl_pair(log_p, x, mu, sigma)

    def f_forward(t):
        lp = _log_mixture(t)
        return math.exp(lp) * (lp - _log_normal(t, mu, sigma))

    def f_reverse(t):
        lq = _log_normal(t, mu, sigma)
        return math.exp(lq) * (lq - _log_mixture(t))

    modes = [m for _, m, _ in objectives.MIXTURE]
    exact_forward = integrate.quad(f_forward, -np.inf, np.inf, points=None, limit=400)[0]
    exact_reverse = integrate.quad(
        f_reverse, mu - 12 * sigma, mu + 12 * sigma, points=modes, limit=400
    )[0]
    assert forward == pytest.approx(exact_forward, abs=2e-3)
    assert reverse == pytest.approx(exact_reverse, abs=2e-3)
    widget = run_widget(
        "kl",
        f"return mount.divergences(JSON.parse({json.dumps(json.dumps(data))}), {mu}, {sigma});",
    )
    assert widget["forward"] == pytest.approx(forward, abs=1e-9)
    assert widget["reverse"] == pytest.approx(reverse, abs=1e-9)


def test_forward_kl_fit_matches_the_targets_moments_and_reverse_sits_on_a_mode():
    """Minimising KL(p‖q) over Gaussians matches p's mean and standard deviation (the
    textbook result the figure illustrates); minimising KL(q‖p) lands on a mode."""
    data = json.loads(registry_files("objectives-kl.svg")[1])
    mean = sum(w * m for w, m, _ in objectives.MIXTURE)
    var = sum(w * (s**2 + m**2) for w, m, s in objectives.MIXTURE) - mean**2
    assert data["fits"]["forward"]["mu"] == pytest.approx(mean, abs=0.05)
    assert data["fits"]["forward"]["sigma"] == pytest.approx(math.sqrt(var), abs=0.05)
    modes = [m for _, m, _ in objectives.MIXTURE]
    assert min(abs(data["fits"]["reverse"]["mu"] - m) for m in modes) <= 0.1


# ----------------------------------------------------------------------------- FID


def test_frechet_distance_matches_the_matrix_square_root_formula():
    """FID's covariance term computed with symmetric square roots equals the textbook
    Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½) with a general matrix square root."""
    from scipy.linalg import sqrtm

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 3, 3))
    cov1, cov2 = a @ a.T + np.eye(3), b @ b.T + np.eye(3)
    mu1, mu2 = rng.normal(size=(2, 3))
    mean_term, cov_term = objectives.frechet_distance(mu1, cov1, mu2, cov2)
    assert mean_term == pytest.approx(float(np.sum((mu1 - mu2) ** 2)))
    assert cov_term == pytest.approx(
        float(np.trace(cov1 + cov2 - 2 * sqrtm(cov1 @ cov2).real)), abs=1e-8
    )


# ----------------------------------------------------------------------------- lessons


def registry_files(still: str) -> tuple[bytes, ...]:
    """The files drawn by the figure whose still is ``still``."""
    fig = next(f for f in registry.load() if f.files[0] == still)
    return tuple(fig.render().values())


def test_every_concept_figure_is_shown_in_its_lesson_with_alt_text_and_caption():
    """Each figure these modules draw appears in the lesson it names, as an image alone
    in its paragraph with alt text and a caption, so none is drawn for nothing."""
    ours = [f for f in registry.load() if f.draw.__module__.rsplit(".", 1)[-1] in OURS]
    assert len(ours) >= 24
    for fig in ours:
        lines = (LESSONS / f"{fig.lesson}.md").read_text().splitlines()
        matches = [m for m in map(FIGURE_LINE.match, lines) if m and m["name"] == fig.files[0]]
        assert matches, f"{fig.files[0]} is not shown in {fig.lesson}.md"
        assert len(matches[0]["alt"]) >= 40 and len(matches[0]["caption"]) >= 40
