"""The figures computed from our models say what their captions say: the numbers
behind them are checked here, on the plain functions that draw them (no Django)."""

import io
import json
import math

import numpy as np
import pytest
import torch
from PIL import Image

from lessons.figures import diffusion, flow, gan, modeling, score, vae


def _png_size(data_uri: str) -> tuple[int, int]:
    prefix = "data:image/png;base64,"
    assert data_uri.startswith(prefix)
    import base64

    with Image.open(io.BytesIO(base64.b64decode(data_uri[len(prefix) :]))) as image:
        return image.size


def test_noised_digit_keeps_the_digit_early_and_is_unit_noise_at_the_end():
    """x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε: at t = 0 the digit itself, at t = 999 noise with
    the stated standard deviation √(1 − ᾱ_t) ≈ 1 that has forgotten x_0."""
    out = diffusion.noised([0, 999])
    x0, first, last = out["x0"].ravel(), out["x_t"][0].ravel(), out["x_t"][1].ravel()
    assert np.corrcoef(x0, first)[0, 1] > 0.99
    assert abs(np.corrcoef(x0, last)[0, 1]) < 0.1
    assert last.std() == pytest.approx(math.sqrt(1 - out["alpha_bar"][1]), abs=0.08)


def test_noised_digit_explorable_has_twenty_frames_and_consistent_coefficients():
    """The t slider's data: 20 noise levels from 0 to T − 1, coefficients whose squares
    sum to 1 and fall/rise monotonically, and a sprite with one frame per level."""
    png, data = diffusion.noised_digit()
    value = json.loads(data)
    assert value["kind"] == "noised-digit"
    assert len(value["t"]) == diffusion.N_FRAMES == 20
    assert value["t"][0] == 0 and value["t"][-1] == diffusion.T - 1
    a, b = np.array(value["sqrt_alpha_bar"]), np.array(value["sqrt_one_minus_alpha_bar"])
    np.testing.assert_allclose(a**2 + b**2, 1, atol=1e-3)
    assert (np.diff(a) <= 0).all() and (np.diff(b) >= 0).all()
    assert _png_size(value["sprite"]) == (20 * value["size"], value["size"])
    assert png.startswith(b"\x89PNG")


def test_latent_plane_explorable_holds_every_decode_and_every_test_code():
    """Hovering the plane needs the whole grid of decodes in the sprite and one label
    per test code; the extent is the grid the Lab decodes, [−3, 3]²."""
    _, data = vae.latent_plane()
    value = json.loads(data)
    side = value["grid"] * value["size"]
    assert value["grid"] in (vae.GRID, vae.GRID_LARGE_DIGITS)
    assert _png_size(value["sprite"]) == (side, side)
    assert value["extent"] == [-3.0, 3.0, -3.0, 3.0]
    assert len(value["codes"]) == len(value["labels"]) > 100
    assert set(value["labels"]) == set(range(10))
    assert len(value["colours"]) == 10


def test_elbo_terms_add_up_to_a_bound_the_16d_model_beats():
    """The ELBO figure's KL term is non-negative and the richer code (16-D) has the
    better bound on average, as the evaluation reports (96.8 against 102.1 nats)."""
    two, sixteen = vae.elbo_terms(2), vae.elbo_terms(16)
    for terms in (two, sixteen):
        assert (terms["kl"] >= 0).all()
    neg_elbo = {d: (t["kl"] + t["reconstruction"]).mean() for d, t in ((2, two), (16, sixteen))}
    assert neg_elbo[16] < neg_elbo[2]


def test_coupling_layers_are_invertible_on_the_drawn_points():
    """Each frame is the previous pushed through one flow step; running the flow
    backwards from the last frame (z) gives the data back."""
    out = flow.layer_frames()
    frames = out["frames"]
    model = flow._load_moons_flow()
    assert len(frames) == model.config.n_steps + 1
    with torch.no_grad():
        back = model.inverse(torch.tensor(frames[-1], dtype=torch.float32)).numpy()
    np.testing.assert_allclose(back, frames[0], atol=0.02)
    assert not np.allclose(frames[0], frames[-1], atol=0.1)  # the flow did move them


def test_coupling_layers_explorable_has_a_frame_per_step():
    """The slider's data: a label and N points per frame, a group per point."""
    _, data = flow.coupling_layers()
    value = json.loads(data)
    assert value["kind"] == "coupling-layers"
    assert len(value["frames"]) == len(value["labels"]) == 11
    assert all(len(f) == flow.N_POINTS for f in value["frames"])
    assert len(value["groups"]) == flow.N_POINTS and set(value["groups"]) == {0, 1}


def test_change_of_variables_density_integrates_to_one_and_matches_samples():
    """p_x(x) = p_z(f(x))·|df/dx| is a density (area 1) and describes where the
    samples f⁻¹(z) land."""
    x = np.linspace(-8, 8, 4001)
    p = flow.pushed_density(x)
    assert np.trapezoid(p, x) == pytest.approx(1.0, abs=1e-3)
    samples = flow.f_inverse(np.random.default_rng(1).standard_normal(200_000))
    counts, edges = np.histogram(samples, bins=40, range=(-4, 4), density=True)
    centres = (edges[:-1] + edges[1:]) / 2
    np.testing.assert_allclose(counts, flow.pushed_density(centres), atol=0.01)


def test_mixture_score_is_the_gradient_of_its_log_density():
    """The exact score used by the score and DDIM figures equals ∇ log q, checked by
    finite differences, at a noise level and without one."""
    q = score.ring()
    x = np.random.default_rng(0).standard_normal((5, 2))
    for alpha_bar in (1.0, 0.6):
        h = 1e-5
        numeric = np.stack(
            [
                (q.log_density(x + h * e, alpha_bar) - q.log_density(x - h * e, alpha_bar))
                / (2 * h)
                for e in np.eye(2)
            ],
            1,
        )
        np.testing.assert_allclose(q.score(x, alpha_bar), numeric, rtol=1e-4, atol=1e-6)


def test_ddim_and_ddpm_with_the_ideal_denoiser_end_on_the_moons():
    """Both samplers, fed the exact ε, end near the data (the figure compares paths,
    not quality); DDIM's paths are smoother than DDPM's."""
    moons = modeling.moons_mixture()
    for sampler in ("ddim", "ddpm"):
        path = diffusion.trajectories(sampler)
        end = path[-1]
        nearest = np.sqrt(((end[:, None] - moons.means[None]) ** 2).sum(-1)).min(1)
        assert (nearest < 0.25).all(), sampler
    wiggle = {
        s: np.abs(np.diff(diffusion.trajectories(s), 2, axis=0)).sum() for s in ("ddim", "ddpm")
    }
    assert wiggle["ddim"] < wiggle["ddpm"] / 3


def test_gan_trace_is_what_the_lab_training_produces():
    """The recorded GAN runs come from the code: 100 steps of the first run, trained
    again, give the same modes and samples as the trace's first snapshot."""
    trace = gan.load_trace()["runs"]["stable"]
    again = gan.record_run(gan.RUNS["stable"], steps=100)
    assert again["steps"] == [100] and trace["steps"][0] == 100
    assert again["modes"][0] == trace["modes"][0]
    assert again["looks"]["100"]["points"] == trace["looks"]["100"]["points"]
    np.testing.assert_allclose(
        again["looks"]["100"]["d_logits"], trace["looks"]["100"]["d_logits"], atol=0.011
    )


def test_gan_trace_shows_minimax_collapsing_where_non_saturating_does_not():
    """The collapse figure's claim, on its data: with the same fast discriminator the
    minimax run ends with fewer modes than the non-saturating one."""
    runs = gan.load_trace()["runs"]
    assert runs["minimax"]["modes"][-1] < runs["no-r1"]["modes"][-1]
    assert runs["stable"]["modes"][-1] == 8


def test_annealed_langevin_recovers_the_mixture_weights_plain_langevin_does_not():
    """The Langevin figure's point: with the data's score alone the split between the
    two modes stays near where the points started (½); annealing finds the 80 %."""
    plain = score.heavier_share(score.langevin(annealed=False))
    annealed = score.heavier_share(score.langevin(annealed=True))
    true = score.LANGEVIN_MIXTURE["weights"][1]
    assert abs(annealed - true) < 0.06
    assert abs(plain - 0.5) < 0.08


def test_flow_matching_field_carries_noise_onto_the_data():
    """Protects the flow-matching figure's claim: the exact averaged velocity field takes
    noise onto the data (endpoints on the moons), and at t = 0 it is the mean of the
    per-pair velocities x₁ − x₀ (every line passes through x₀ then)."""
    import numpy as np

    from lessons.figures import flow_matching as fm

    x1 = fm.moons_data()
    x0 = np.random.default_rng(1).standard_normal((64, 2))
    end = fm.ode_paths(x0, x1)[-1]
    distance = np.sqrt(((end[:, None] - x1[None]) ** 2).sum(-1)).min(1)
    assert np.median(distance) < 0.05
    np.testing.assert_allclose(fm.velocity(x0, 0.0, x1), x1.mean(0) - x0, atol=1e-9)
