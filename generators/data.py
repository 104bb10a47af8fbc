"""The data every family learns from.

* ``digits_split()`` — scikit-learn's 8x8 handwritten digits (1,797 images, pixel
  values 0–16), one fixed, stratified, seeded split: 1000 train / 350 validation /
  447 test. Every family is compared on the same test set.
* ``ring()``, ``grid()`` — the mode-collapse benchmarks of VEEGAN / PacGAN: 8
  Gaussians on a circle of radius 1 (sd 0.01), 25 Gaussians on a 5x5 grid with
  spacing 2 (sd 0.05).
* ``moons()`` — two interleaving half circles (noise 0.05), with the true density,
  so the true entropy can be computed.
* ``spiral()``, ``checkerboard()`` — two more 2-D sets for live training: two spiral
  arms, and the 8 dark squares of a 4x4 board.
* ``text_corpus()`` — the project's own lesson text, read from the Markdown content
  files (never through Django); ``text_short()`` its first 20,000 characters.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

SPLIT_SEED = 0
N_TRAIN, N_VAL, N_TEST = 1000, 350, 447
PIXEL_LEVELS = 17  # digits pixels take the integer values 0..16
REPO_ROOT = Path(__file__).resolve().parent.parent
LESSON_GLOB = "lessons/content/*/lessons/*.md"


@lru_cache(maxsize=1)
def digits_split() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"train"|"val"|"test": (X int64 (n, 64) in 0..16, y int64 (n,))}, always the same."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    X, y = d.data.astype(np.int64), d.target.astype(np.int64)
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, train_size=N_TRAIN, stratify=y, random_state=SPLIT_SEED
    )
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, train_size=N_VAL, stratify=y_rest, random_state=SPLIT_SEED
    )
    return {"train": (X_train, y_train), "val": (X_val, y_val), "test": (X_test, y_test)}


def digits_tensor(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Pixels as int64 (n, 64) in 0..16 and labels (n,) as tensors."""
    X, y = digits_split()[split]
    return torch.from_numpy(X.copy()), torch.from_numpy(y.copy())


# ----------------------------------------------------------------------------- 2-D toys

RING_RADIUS, RING_SD, RING_MODES = 1.0, 0.01, 8
GRID_SPACING, GRID_SD = 2.0, 0.05
MOONS_NOISE = 0.05


def ring_modes() -> np.ndarray:
    """(8, 2) centres on the unit circle."""
    a = 2 * np.pi * np.arange(RING_MODES) / RING_MODES
    return RING_RADIUS * np.stack([np.cos(a), np.sin(a)], 1)


def grid_modes() -> np.ndarray:
    """(25, 2) centres at {-4, -2, 0, 2, 4}^2."""
    v = GRID_SPACING * (np.arange(5) - 2.0)
    return np.array([[a, b] for a in v for b in v])


def _mixture(modes: np.ndarray, sd: float, n: int, generator: torch.Generator) -> torch.Tensor:
    idx = torch.randint(len(modes), (n,), generator=generator)
    centres = torch.tensor(modes, dtype=torch.float32)[idx]
    return centres + sd * torch.randn(n, 2, generator=generator)


def ring(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 2) samples from the ring of 8 Gaussians."""
    return _mixture(ring_modes(), RING_SD, n, generator)


def grid(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 2) samples from the 5x5 grid of 25 Gaussians."""
    return _mixture(grid_modes(), GRID_SD, n, generator)


def _moon_centres(t: torch.Tensor, upper: torch.Tensor) -> torch.Tensor:
    # the geometry of sklearn.datasets.make_moons, with the angle drawn uniformly
    outer = torch.stack([torch.cos(t), torch.sin(t)], -1)
    inner = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], -1)
    return torch.where(upper[..., None], outer, inner)


def moons(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 2) two-moons samples: a uniform point on one of two half circles + N(0, 0.05²)."""
    t = math.pi * torch.rand(n, generator=generator)
    upper = torch.rand(n, generator=generator) < 0.5
    return _moon_centres(t, upper) + MOONS_NOISE * torch.randn(n, 2, generator=generator)


def moons_log_density(x: torch.Tensor, n_angles: int = 1000) -> torch.Tensor:
    """(n,) exact log p(x) of the two-moons distribution, by quadrature over the angle."""
    t = (torch.arange(n_angles, dtype=torch.float64) + 0.5) * math.pi / n_angles
    x = x.double()
    log_terms = []
    for upper in (True, False):
        c = _moon_centres(t, torch.full_like(t, upper, dtype=torch.bool))  # (A, 2)
        d2 = ((x[:, None, :] - c[None]) ** 2).sum(-1)  # (n, A)
        log_n = -d2 / (2 * MOONS_NOISE**2) - math.log(2 * math.pi * MOONS_NOISE**2)
        log_terms.append(log_n)
    log_all = torch.cat(log_terms, 1)  # (n, 2A): each moon 1/2, each angle 1/A
    return torch.logsumexp(log_all, 1) - math.log(2 * n_angles)


def moons_entropy(n: int = 20000, seed: int = 1234) -> float:
    """H = -E[log p(x)] in nats, Monte Carlo over n fresh samples (≈ 0.29 nats)."""
    x = moons(n, torch.Generator().manual_seed(seed))
    return float(-moons_log_density(x).mean())


SPIRAL_NOISE = 0.05
CHECKER_SQUARES = 4  # the board is 4x4 unit squares on [-2, 2]², half of them filled


def spiral(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 2) two interleaved spiral arms (1.5 turns each, radius up to π) + N(0, 0.05²);
    the angle is √u·3π so that points spread evenly along the arm's length."""
    t = 3 * math.pi * torch.rand(n, generator=generator).sqrt()
    arm = torch.where(torch.rand(n, generator=generator) < 0.5, 1.0, -1.0)
    centres = arm[:, None] * torch.stack([-t * torch.cos(t), t * torch.sin(t)], 1) / 3
    return centres + SPIRAL_NOISE * torch.randn(n, 2, generator=generator)


def checkerboard(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 2) uniform on the 8 dark squares of a 4x4 checkerboard on [-2, 2]²: sharp
    edges and corners that touch, hard for a smooth model."""
    x = CHECKER_SQUARES * torch.rand(n, generator=generator) - CHECKER_SQUARES / 2
    row = torch.rand(n, generator=generator) + torch.randint(0, 2, (n,), generator=generator) * 2
    y = row - CHECKER_SQUARES / 2 + torch.floor(x).remainder(2)  # dark where ⌊x⌋ + ⌊y⌋ even
    return torch.stack([x, y], 1)


TOY_SAMPLERS = {
    "ring": ring,
    "grid": grid,
    "moons": moons,
    "spiral": spiral,
    "checkerboard": checkerboard,
}


# ----------------------------------------------------------------------------- text


def text_files(root: Path | None = None) -> list[Path]:
    return sorted((root or REPO_ROOT).glob(LESSON_GLOB))


def text_corpus(root: Path | None = None) -> str:
    """All lesson Markdown concatenated in path order (blank line between files)."""
    files = text_files(root)
    if not files:
        raise FileNotFoundError(f"no lesson text found under {LESSON_GLOB}")
    return "\n\n".join(f.read_text(encoding="utf-8").strip() for f in files) + "\n"


def text_short(n_chars: int = 20000, root: Path | None = None) -> str:
    """The first ``n_chars`` characters of the lesson text: a corpus small enough for a
    Transformer to learn something visible in about a minute on one CPU core."""
    return text_corpus(root)[:n_chars]


def text_split(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """Train on the first 90 % of the characters, hold out the last 10 %."""
    cut = int(len(text) * (1 - val_fraction))
    return text[:cut], text[cut:]


# ----------------------------------------------------------------------------- 28x28 digits

DATASETS_DIR = Path(__file__).resolve().parent / "datasets"
MNIST_FILE = DATASETS_DIR / "mnist_5k.csv.gz"
N28_TRAIN, N28_VAL, N28_TEST = 4000, 500, 500  # stratified: 400 / 50 / 50 per class
PIXEL_LEVELS_28 = 256  # MNIST pixels take the integer values 0..255


@lru_cache(maxsize=1)
def digits28_split() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"train"|"val"|"test": (X uint8 (n, 28, 28) in 0..255, y int64 (n,))}, always the
    same: the 5,000 MNIST digits shipped in datasets/ (500 per class), split 4000 / 500 /
    500 stratified by class with seed 0, as the 8x8 digits are."""
    from sklearn.model_selection import train_test_split

    table = np.loadtxt(MNIST_FILE, delimiter=",", dtype=np.int64)
    X, y = table[:, :784].reshape(-1, 28, 28).astype(np.uint8), table[:, 784]
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, train_size=N28_TRAIN, stratify=y, random_state=SPLIT_SEED
    )
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, train_size=N28_VAL, stratify=y_rest, random_state=SPLIT_SEED
    )
    return {"train": (X_train, y_train), "val": (X_val, y_val), "test": (X_test, y_test)}


def digits28_tensor(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Pixels as float32 (n, 1, 28, 28) in [0, 1] and labels int64 (n,) as tensors."""
    X, y = digits28_split()[split]
    return torch.from_numpy(X.astype(np.float32) / 255.0)[:, None], torch.from_numpy(y.copy())


def dequantize28(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Uniform dequantization for likelihood models, the same for every family: a pixel
    level k ∈ {0..255} becomes (k + u) / 256 with u ~ U[0, 1), so a density on [0, 1]
    gives a lower bound on the discrete log-likelihood (Theis et al. 2016). ``x`` is in
    [0, 1] as ``digits28_tensor`` returns it."""
    k = torch.round(x * 255.0)
    u = torch.rand(x.shape, generator=generator, device=x.device)
    return (k + u) / 256.0


# ----------------------------------------------------------------------------- names

NAME_FILES = ("names-dist.female.first.gz", "names-dist.male.first.gz", "names-dist.all.last.gz")
NAMES_VAL_FRACTION = 0.1


@lru_cache(maxsize=1)
def names_list() -> list[str]:
    """The 1990 US Census first names (female, male) and surnames, lower-cased, each
    once, sorted: about 94,000 names of the letters a–z (no apostrophes or spaces)."""
    import gzip

    seen = set()
    for name in NAME_FILES:
        with gzip.open(DATASETS_DIR / name, "rt", encoding="ascii") as f:
            for line in f:
                word = line.split()[0].lower() if line.strip() else ""
                if word.isalpha():
                    seen.add(word)
    return sorted(seen)


def names_split() -> dict[str, list[str]]:
    """{"train"|"val": names}: a seeded shuffle, the last 10 % held out."""
    names = names_list()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(names))
    cut = int(len(names) * (1 - NAMES_VAL_FRACTION))
    return {"train": [names[i] for i in order[:cut]], "val": [names[i] for i in order[cut:]]}
