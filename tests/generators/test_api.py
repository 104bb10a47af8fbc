"""generators.sample() against the shipped checkpoints: shapes, seeds, errors."""

import json

import numpy as np
import pytest
import torch

import generators
from generators import ParameterError


def _plain(result):
    """The result holds only plain Python and NumPy values."""
    for k, v in result.items():
        assert isinstance(v, (str, int, float, bool, list, dict, np.ndarray, type(None))), k


def test_text_sample_is_a_string_with_candidates_and_timing():
    r = generators.sample(
        "autoregressive", dataset="text", seed=1, max_new_tokens=30, num_candidates=3
    )
    assert isinstance(r["text"], str) and len(r["text"]) == 30
    assert len(r["candidates"]) == 30 and len(r["candidates"][0]) <= 3
    assert r["device"] in ("cpu", "cuda") and r["seconds"] > 0 and r["seed"] == 1
    _plain(r)


def test_same_seed_same_text_different_seed_different_text():
    a = generators.sample("autoregressive", dataset="text", seed=7, max_new_tokens=40)["text"]
    b = generators.sample("autoregressive", dataset="text", seed=7, max_new_tokens=40)["text"]
    c = generators.sample("autoregressive", dataset="text", seed=8, max_new_tokens=40)["text"]
    assert a == b and a != c


def test_text_strategies_greedy_top_k_top_p_and_beam():
    g = generators.sample("autoregressive", dataset="text", strategy="greedy", max_new_tokens=20)
    assert (
        g["text"]
        == generators.sample(
            "autoregressive", dataset="text", strategy="greedy", max_new_tokens=20, seed=99
        )["text"]
    )
    generators.sample(
        "autoregressive", dataset="text", top_k=5, top_p=0.9, temperature=0.7, max_new_tokens=20
    )
    b = generators.sample(
        "autoregressive", dataset="text", strategy="beam", beam_width=3, max_new_tokens=15
    )
    assert len(b["beams"]) == 3 and b["text"] == b["beams"][0]["text"]


def test_prompt_with_unknown_characters_is_rejected_clearly():
    with pytest.raises(ParameterError) as e:
        generators.sample("autoregressive", dataset="text", prompt="snow ☃ man")
    assert e.value.field == "prompt" and "☃" in str(e.value)


def test_autoregressive_digits_are_images_with_exact_log_likelihoods():
    r = generators.sample("autoregressive", dataset="digits", n=5, seed=3)
    assert r["images"].shape == (5, 8, 8) and 0 <= r["images"].min() <= r["images"].max() <= 1
    assert r["log_likelihood"].shape == (5,) and (r["log_likelihood"] < 0).all()


@pytest.mark.parametrize("dataset, side, n_test", [("digits28", 28, 500), ("digits", 8, 447)])
@pytest.mark.parametrize("mode", ["sample", "grid", "interpolate", "reconstruct"])
def test_vae_modes_return_images(mode, dataset, side, n_test):
    """Protects the VAE's four modes on both digit sets: 28x28 by default, 8x8 kept."""
    r = generators.sample("vae", dataset=dataset, mode=mode, n=4, grid_size=3, steps=5, seed=0)
    expected = {"sample": 4, "grid": 9, "interpolate": 5, "reconstruct": 4}[mode]
    assert r["images"].shape == (expected, side, side)
    assert r["image_at_z"].shape == (side, side) and r["test_latents"].shape == (n_test, 2)
    assert 0 <= r["images"].min() <= r["images"].max() <= 1
    if mode == "reconstruct":
        assert r["originals"].shape == (4, side, side)
    again = generators.sample("vae", dataset=dataset, mode=mode, n=4, grid_size=3, steps=5)
    assert np.array_equal(r["images"], again["images"])


def test_vae_grid_needs_the_two_dimensional_latent():
    with pytest.raises(ParameterError) as e:
        generators.sample("vae", mode="grid", latent_dim=16)
    assert e.value.field == "mode"


@pytest.mark.parametrize("dataset", ["ring", "grid"])
def test_gan_toy_samples_are_points_with_mode_metrics(dataset):
    r = generators.sample("gan", dataset=dataset, n=500, seed=2)
    assert r["points"].shape == (500, 2)
    assert set(r["metrics"]) == {"modes", "of", "high_quality", "reverse_kl"}
    again = generators.sample("gan", dataset=dataset, n=500, seed=2)
    assert np.array_equal(r["points"], again["points"])


def test_gan_digits_are_limited_to_64():
    assert generators.sample("gan", dataset="digits", n=6)["images"].shape == (6, 8, 8)
    with pytest.raises(ParameterError) as e:
        generators.sample("gan", dataset="digits", n=65)
    assert e.value.field == "n" and "64" in str(e.value)


def test_flow_density_heat_map_and_point_log_likelihoods():
    r = generators.sample(
        "flow", dataset="moons", n=10, density=True, grid_size=20, points=[[0.0, 1.0], [5.0, 5.0]]
    )
    assert r["points"].shape == (10, 2) and r["log_density"].shape == (20, 20)
    assert len(r["extent"]) == 4
    on_moon, far_away = r["points_log_likelihood"]
    assert on_moon > far_away
    d = generators.sample("flow", dataset="digits", n=3)
    assert d["images"].shape == (3, 8, 8)


def test_diffusion_returns_digits_frames_and_previews():
    calls = []
    r = generators.sample(
        "diffusion",
        dataset="digits",
        digit=7,
        n=2,
        num_inference_steps=10,
        n_frames=5,
        progress=lambda step, total: calls.append((step, total)),
    )
    assert r["images"].shape == (2, 8, 8)
    assert r["frames"].shape == (5, 2, 8, 8) and r["x0_previews"].shape == (5, 2, 8, 8)
    # the first frame is pure noise at t = 999, the last the network's input at t = 99
    assert r["frame_steps"][0] == 999 and r["frame_steps"][-1] == 99 and calls[-1] == (10, 10)
    a = generators.sample("diffusion", sampler="ddpm", n=2, num_inference_steps=5, seed=4)
    b = generators.sample("diffusion", sampler="ddpm", n=2, num_inference_steps=5, seed=4)
    assert np.array_equal(a["images"], b["images"])


@pytest.mark.parametrize("space", ["pixel", "latent"])
def test_diffusion_draws_28x28_digits_by_default_in_pixel_or_latent_space(space):
    """Protects the Lab's default model: 28x28 digits from the U-Net, or from the latent
    diffusion decoded by the VAE, with frames and x̂₀ previews of the same size, and the
    same seed giving the same digits."""
    kw = dict(space=space, digit=3, guidance_scale=3.0, n=2, num_inference_steps=4, n_frames=2)
    previews = []
    r = generators.sample(
        "diffusion", seed=1, progress=lambda s, t, x0=None: previews.append(x0), **kw
    )
    # the site's live preview: the first sample's x̂₀ as 784 pixels (decoded when latent)
    shown = [p for p in previews if p is not None]
    assert len(shown) == 2 and all(p.shape == (784,) for p in shown)
    assert r["params"]["dataset"] == "digits28"
    assert r["images"].shape == (2, 28, 28) and 0 <= r["images"].min() <= r["images"].max() <= 1
    assert r["frames"].shape == (2, 2, 28, 28) and r["x0_previews"].shape == (2, 2, 28, 28)
    assert np.array_equal(r["images"], generators.sample("diffusion", seed=1, **kw)["images"])
    assert not np.array_equal(r["images"], generators.sample("diffusion", seed=2, **kw)["images"])


def test_latent_diffusion_is_for_the_28x28_digits_only():
    with pytest.raises(ParameterError) as e:
        generators.sample("diffusion", dataset="digits", space="latent")
    assert e.value.field == "space"


def test_result_params_are_json_able_for_the_site():
    r = generators.sample("vae", n=2)
    json.dumps(r["params"])
    assert r["params"]["mode"] == "sample" and r["family"] == "vae"


def test_device_is_chosen_by_the_machine_and_can_be_pinned_to_the_cpu(monkeypatch):
    """Protects the device rule: CUDA when present else CPU, GENERATORS_DEVICE=cpu pins
    the CPU (the bench uses it to time both), and a wrong value or a missing GPU says so
    instead of failing later inside torch."""
    from generators import store

    monkeypatch.delenv("GENERATORS_DEVICE", raising=False)
    assert store.device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv("GENERATORS_DEVICE", "cpu")
    assert store.device().type == "cpu"
    assert generators.sample("vae", n=2)["device"] == "cpu"
    monkeypatch.setenv("GENERATORS_DEVICE", "tpu")
    with pytest.raises(ValueError, match="GENERATORS_DEVICE must be cpu or cuda"):
        store.device()
    if not torch.cuda.is_available():
        monkeypatch.setenv("GENERATORS_DEVICE", "cuda")
        with pytest.raises(RuntimeError, match="no CUDA device"):
            store.device()


def test_names_are_sampled_whole_with_the_prompt_and_marked_new_or_known():
    r = generators.sample("autoregressive", seed=2, prompt="Ma", n=6, num_candidates=3)
    assert r["params"]["dataset"] == "names" and len(r["names"]) == len(r["new"]) == 6
    assert all(name.startswith("ma") and name.isalpha() for name in r["names"])
    # the candidates line up with the first name's letters after the prompt and its end
    assert len(r["candidates"]) == len(r["text"]) == len(r["names"][0]) - 2 + 1
    same = generators.sample("autoregressive", seed=2, prompt="Ma", n=6, num_candidates=3)
    assert same["names"] == r["names"]


def test_names_beam_search_returns_whole_names_best_first():
    r = generators.sample("autoregressive", strategy="beam", beam_width=3, prompt="jo")
    scores = [b["log_prob"] for b in r["beams"]]
    assert len(r["names"]) == 3 and scores == sorted(scores, reverse=True)
    assert all(name.startswith("jo") for name in r["names"])


def test_name_prompt_takes_letters_only():
    with pytest.raises(ParameterError) as e:
        generators.sample("autoregressive", prompt="an-ne")
    assert e.value.field == "prompt" and "-" in str(e.value)


@pytest.mark.parametrize("family", ["gan", "flow"])
def test_28x28_digits_of_the_gan_and_the_flow(family):
    r = generators.sample(family, dataset="digits28", n=5, seed=4)
    assert r["images"].shape == (5, 28, 28)
    assert 0 <= r["images"].min() <= r["images"].max() <= 1
    again = generators.sample(family, dataset="digits28", n=5, seed=4)
    assert np.array_equal(again["images"], r["images"])


def test_pixel_transformer_draws_28x28_digits_with_progress_and_exact_likelihood():
    seen = []
    r = generators.sample(
        "autoregressive", dataset="digits28", n=2, seed=5, progress=lambda s, t: seen.append(t)
    )
    assert r["images"].shape == (2, 28, 28) and (r["log_likelihood"] < 0).all()
    assert len(seen) == 784 and set(seen) == {784}
    with pytest.raises(ParameterError) as e:
        generators.sample("autoregressive", dataset="digits28", n=17)
    assert e.value.field == "n"
