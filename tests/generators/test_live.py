"""Live training (generators.live): tiny runs, a second or two each, one thread."""

import json
from pathlib import Path

import pytest

import generators
from generators import live
from generators.params import ParameterError

# the smallest run of each family that still goes through every code path
TINY = {
    "gan": dict(steps=20, snapshot_every=10, width=16),
    "flow": dict(steps=20, snapshot_every=10, n_layers=2, hidden=16),
    "diffusion": dict(steps=20, snapshot_every=10, width=16, T=100, sample_steps=5),
    "vae": dict(steps=20, snapshot_every=10, latent_dim=2),
    "autoregressive": dict(steps=20, snapshot_every=10, block_size=16, n_layer=1),
}


def _run(family, seed=0, **overrides):
    snapshots = []
    points = overrides.pop("points", None)
    r = generators.train_live(
        family,
        params={**TINY[family], **overrides},
        seed=seed,
        points=points,
        on_snapshot=snapshots.append,
    )
    return r, snapshots


def _without_seconds(snapshots):
    return [{k: v for k, v in s.items() if k != "seconds"} for s in snapshots]


@pytest.mark.parametrize("family", TINY)
def test_same_seed_same_snapshots(family):
    """A run replays exactly from its seed and knobs: the page can promise it."""
    _, a = _run(family, seed=3)
    _, b = _run(family, seed=3)
    assert len(a) == 2 and _without_seconds(a) == _without_seconds(b)
    _, c = _run(family, seed=4)
    assert _without_seconds(a) != _without_seconds(c)


@pytest.mark.parametrize("family", TINY)
def test_snapshots_are_json_and_compact(family):
    """Every snapshot goes into a database JSON column: JSON-able, under ~30 KB, with
    the documented keys."""
    r, snapshots = _run(family)
    for s in snapshots:
        assert set(s) == {"step", "total", "seconds", "losses", "samples", "measure"}
        assert len(json.dumps(s)) < 30_000
        assert {"name", "value"} <= set(s["measure"])
    assert [s["step"] for s in snapshots] == [10, 20]
    assert r["steps"] == r["total"] == 20 and not r["stopped"]
    assert r["measure"] == snapshots[-1]["measure"]
    json.dumps(r["config"])


def test_last_snapshot_at_the_end_when_steps_do_not_divide():
    """The final state is always shown, even when steps is not a multiple of the
    snapshot interval."""
    r, snapshots = _run("gan", steps=25)
    assert [s["step"] for s in snapshots] == [10, 20, 25]


@pytest.mark.parametrize("family", TINY)
def test_should_stop_stops_at_the_next_step_and_keeps_the_model(family):
    """A learner's stop button: training ends at the step after the request with one
    last snapshot, and what was learned so far is returned and can be sampled."""
    seen = []
    r = generators.train_live(
        family,
        params={**TINY[family], "steps": 100},
        seed=0,
        on_snapshot=seen.append,
        should_stop=lambda: len(seen) >= 1,
    )
    assert r["stopped"] and r["steps"] == 11 and [s["step"] for s in seen] == [10, 11]
    out = generators.sample_trained(family, state=r["state"], config=r["config"], n=4)
    assert out["family"] == family


@pytest.mark.parametrize("family", TINY)
def test_sample_trained_has_the_data_shape_and_replays_from_the_seed(family):
    """sample_trained rebuilds the model from bytes + config and answers like sample():
    (n, 2) points, (n, 8, 8) images in [0, 1], or n characters; same seed, same draw."""
    r, snapshots = _run(family)
    a = generators.sample_trained(family, state=r["state"], config=r["config"], seed=1, n=7)
    b = generators.sample_trained(family, state=r["state"], config=r["config"], seed=1, n=7)
    assert a["family"] == family and a["seed"] == 1 and {"device", "seconds"} <= set(a)
    kind = next(iter(snapshots[-1]["samples"]))
    if kind == "points":
        assert a["points"].shape == (7, 2) and (a["points"] == b["points"]).all()
    elif kind == "images":
        assert a["images"].shape == (7, 8, 8) and (a["images"] == b["images"]).all()
        assert 0 <= a["images"].min() and a["images"].max() <= 1
    else:
        assert len(a["text"]) == 7 and a["text"] == b["text"]
    with pytest.raises(ParameterError) as e:
        generators.sample_trained(family, state=r["state"], config=r["config"], n=0)
    assert e.value.field == "n"


@pytest.mark.parametrize(
    "params, field",
    [
        (dict(dataset="digits"), "dataset"),
        (dict(lr_g=1.0), "lr_g"),
        (dict(loss="wasserstein"), "loss"),
        (dict(steps=10000, snapshot_every=10), "snapshot_every"),
        (dict(colour="red"), "colour"),
        (dict(family="vae", dataset="ring"), "dataset"),
        (dict(family="diffusion", T=10, sample_steps=20), "sample_steps"),
        (dict(family="autoregressive", n_layer=9), "n_layer"),
        (dict(family="nope"), "family"),
    ],
)
def test_bad_knob_names_its_field(params, field):
    """A form shows the error beside the knob (or family) that caused it."""
    family = params.pop("family", "gan")
    with pytest.raises(ParameterError) as e:
        generators.train_live(family, params=params, seed=0)
    assert e.value.field == field


@pytest.mark.parametrize(
    "points",
    [None, [[0, 0]], [[0, 0], [5, 0]], [[0, 0], [float("nan"), 1]], [[0, 0], [1]], "abc"],
)
def test_bad_drawn_points_are_refused(points):
    """Drawn points must be 2..2000 finite pairs within [-4, 4]; anything else is the
    field "points", before any training."""
    with pytest.raises(ParameterError) as e:
        generators.train_live("gan", params=dict(dataset="drawn"), seed=0, points=points)
    assert e.value.field == "points"


def test_gan_learns_drawn_points_in_their_own_coordinates():
    """Drawn points are standardized for training and mapped back: samples land in the
    drawn region, not around the origin."""
    pts = [[3.0 + 0.1 * (i % 5), -3.0 + 0.1 * (i // 5)] for i in range(25)]
    r, snapshots = _run("gan", dataset="drawn", points=pts, steps=200, snapshot_every=100)
    xy = generators.sample_trained("gan", state=r["state"], config=r["config"], n=200)["points"]
    assert abs(xy[:, 0].mean() - 3.2) < 0.5 and abs(xy[:, 1].mean() + 2.8) < 0.5
    assert snapshots[-1]["measure"]["name"] == "energy distance to data"


def test_gan_finds_the_ring_modes_quickly():
    """The default GAN works on the ring: within a short budget (400 steps, default
    width) a snapshot already covers at least 6 of the 8 modes (the full default budget
    reaches 8/8, see the README)."""
    r, snapshots = _run("gan", steps=400, snapshot_every=100, width=128)
    best = max(s["measure"]["modes"] for s in snapshots)
    assert r["measure"]["modes_total"] == 8 and best >= 6
    assert 0 <= r["measure"]["high_quality"] <= 1


def test_training_families_lists_knobs_like_families():
    """One source of truth: the live knobs are Param dicts, as families() gives."""
    fams = {f["name"]: f for f in generators.training_families()}
    assert set(fams) == set(TINY) == set(generators.REGISTRY)
    gan_knobs = {q["name"]: q for q in fams["gan"]["parameters"]}
    assert gan_knobs["loss"]["choices"] == list(live.gan.LOSSES)
    assert "drawn" in fams["gan"]["datasets"] and "ring" in fams["gan"]["datasets"]
    json.dumps(fams)


def test_every_live_knob_is_in_the_readme():
    """The README's live-training table keeps up with the knobs."""
    readme = (Path(generators.__file__).parent / "README.md").read_text()
    for family in generators.training_families():
        assert f"| {family['name']} |" in readme
        for q in family["parameters"]:
            assert q["name"] in readme, (family["name"], q["name"])
