import numpy as np
import torch

from generators import data


def test_digits_split_is_fixed_stratified_and_disjoint():
    s = data.digits_split()
    assert [len(s[k][0]) for k in ("train", "val", "test")] == [1000, 350, 447]
    for k in s:
        counts = np.bincount(s[k][1], minlength=10)
        assert counts.min() >= 0.9 * counts.mean()  # stratified: every class in proportion
    rows = {tuple(r) for k in s for r in s[k][0]}
    assert len(rows) >= 1790  # sklearn has 1797 images, a handful are duplicates
    data.digits_split.cache_clear()
    again = data.digits_split()
    assert np.array_equal(again["test"][0], s["test"][0])


def test_ring_and_grid_have_the_benchmark_geometry():
    g = torch.Generator().manual_seed(0)
    ring = data.ring(4000, g).numpy()
    assert np.allclose(np.linalg.norm(ring, axis=1).mean(), 1.0, atol=0.01)
    assert data.grid_modes().shape == (25, 2) and data.grid_modes().max() == 4.0
    grid = data.grid(4000, g).numpy()
    d = np.linalg.norm(grid[:, None] - data.grid_modes()[None], axis=-1).min(1)
    assert d.std() < 0.1


def test_moons_density_integrates_to_one_and_entropy_is_near_029():
    xs, ys = np.linspace(-1.6, 2.6, 281), np.linspace(-1.1, 1.6, 181)
    grid = torch.tensor(np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2))
    p = data.moons_log_density(grid, n_angles=400).exp().numpy()
    mass = p.sum() * (xs[1] - xs[0]) * (ys[1] - ys[0])
    assert abs(mass - 1) < 0.02
    assert 0.25 < data.moons_entropy(n=2000) < 0.33


def test_text_corpus_reads_lesson_markdown_without_django(tmp_path):
    d = tmp_path / "lessons" / "content" / "vae" / "lessons"
    d.mkdir(parents=True)
    (d / "01-intro.md").write_text("# Intro\nHello.\n")
    (d / "02-elbo.md").write_text("The ELBO.\n")
    text = data.text_corpus(tmp_path)
    assert text.startswith("# Intro") and "The ELBO." in text
    train, val = data.text_split(text)
    assert train + val == text
