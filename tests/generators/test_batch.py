"""Dynamic batching in generators: several runs sampled as one batch give each run
exactly what it gets alone, and a run's failure stays that run's."""

import numpy as np
import pytest

import generators
from generators import diffusion

QUICK = {"sampler": "ddim", "num_inference_steps": 10, "n_frames": 5}


def pixels(images) -> np.ndarray:
    """The 8-bit quantization a stored picture goes through."""
    return np.round(np.asarray(images) * 255).astype(np.uint8)


def record(calls: list):
    """A progress callback that keeps what it is given."""
    return lambda step, total, preview: calls.append((step, total, preview))


@pytest.mark.parametrize(
    "sizes, extra",
    [
        ((3, 16, 1), {}),
        ((1, 2, 5, 9, 13), {"digit": 7}),
        ((16, 16, 16), {"eta": 1.0}),
        ((3, 16, 1), {"dataset": "digits"}),
        ((2, 3), {"space": "latent"}),
    ],
)
def test_a_batch_gives_every_run_the_pixels_it_gets_alone(sizes, extra):
    """Protects "same seed, same picture": a run's digits, frames and previews do not
    depend on which runs shared its batch, nor on how many samples they asked for
    (ragged sizes, one sample), guided or stochastic."""
    runs = [(11 + k, {**QUICK, "n": n, **extra}) for k, n in enumerate(sizes)]
    seen = [[] for _ in runs]
    progress = [record(calls) for calls in seen]
    batched = generators.sample_batch("diffusion", runs, progress=progress)
    for k, (seed, params) in enumerate(runs):
        alone_seen: list = []
        alone = generators.sample("diffusion", seed=seed, progress=record(alone_seen), **params)
        side = 8 if params.get("dataset") == "digits" else 28
        assert batched[k]["images"].shape == (params["n"], side, side)
        assert (pixels(batched[k]["images"]) == pixels(alone["images"])).all()
        assert (pixels(batched[k]["x0_previews"]) == pixels(alone["x0_previews"])).all()
        assert batched[k]["seed"] == seed and batched[k]["params"] == alone["params"]
        assert [s for s, _, _ in seen[k]] == [s for s, _, _ in alone_seen] == list(range(1, 11))
        for (_, _, a), (_, _, b) in zip(seen[k], alone_seen, strict=True):
            assert (a is None) == (b is None)
            if a is not None:
                assert (pixels(a) == pixels(b)).all()
    assert not (pixels(batched[0]["images"][:1]) == pixels(batched[1]["images"][:1])).all()


def test_a_run_with_bad_parameters_fails_alone_and_the_others_are_batched():
    """Protects the others in a batch: a run whose parameters are refused gets its own
    ParameterError; the runs beside it still get their pictures."""
    runs = [(1, {**QUICK, "n": 2}), (2, {**QUICK, "n": 999}), (3, {**QUICK, "n": 2})]
    out = generators.sample_batch("diffusion", runs)
    assert isinstance(out[1], generators.ParameterError) and out[1].field == "n"
    for k in (0, 2):
        alone = generators.sample("diffusion", seed=runs[k][0], **runs[k][1])
        assert (pixels(out[k]["images"]) == pixels(alone["images"])).all()


def test_an_exception_in_one_run_fails_that_run_only():
    """Protects the others when a run raises while the batch samples (here its progress
    callback): the batch is run again one run at a time, so only that run fails."""

    def broken(step, total, preview=None):
        raise RuntimeError("this run's callback broke")

    runs = [(1, {**QUICK, "n": 2}), (2, {**QUICK, "n": 2}), (3, {**QUICK, "n": 2})]
    out = generators.sample_batch("diffusion", runs, progress=[None, broken, None])
    assert isinstance(out[1], RuntimeError)
    assert not isinstance(out[0], Exception) and not isinstance(out[2], Exception)


def test_a_fatal_exception_ends_the_whole_batch():
    """Protects the time limit: an exception named fatal (the worker's soft time limit)
    is raised, not turned into one run's failure while the others go on."""

    class Stop(Exception):
        pass

    def stop(step, total, preview=None):
        raise Stop

    with pytest.raises(Stop):
        generators.sample_batch(
            "diffusion", [(1, QUICK), (2, QUICK)], progress=[stop, None], fatal=(Stop,)
        )


def test_batch_key_shares_a_batch_only_where_the_parameters_shape_it_alike():
    """Protects batching's grouping: seeds and sample counts may differ within a batch,
    sampler, steps or guidance may not; a family without a batched sampler never batches."""
    key = generators.batch_key
    assert key("diffusion", {"n": 4}) == key("diffusion", {"n": 16})
    assert key("diffusion", {}) == key("diffusion", {"sampler": "ddim"})  # defaults filled in
    assert key("diffusion", {}) != key("diffusion", {"sampler": "ddpm"})
    assert key("diffusion", {}) != key("diffusion", {"num_inference_steps": 30})
    assert key("diffusion", {}) != key("diffusion", {"space": "latent"})
    assert key("diffusion", {}) != key("diffusion", {"guidance_scale": 3.0})
    assert key("autoregressive", {}) == ""
    assert diffusion.BATCH_FREE == ("n",)
