import torch

from generators import diffusion, train

TINY = diffusion.DiffusionConfig(hidden=32, n_blocks=1, emb_dim=16, T=100)


def test_diffusion_loss_falls_in_a_few_steps():
    _, history, _ = train.train(
        "diffusion-digits", steps=80, config=TINY, show=False, hp={"batch_size": 64}
    )
    assert sum(history[-10:]) / 10 < sum(history[:10]) / 10 - 0.05


def test_alpha_bar_decreases_from_one_towards_zero():
    for schedule in ("linear", "cosine"):
        ab = diffusion.alpha_bar_schedule(diffusion.DiffusionConfig(schedule=schedule))
        assert ab.shape == (1000,) and ab[0] > 0.99 and ab[-1] < 0.01
        assert (ab[1:] < ab[:-1]).all()


def test_timesteps_start_at_pure_noise_and_are_evenly_spaced():
    """Protects few-step sampling: the first step must be t = T − 1, where x_T ~ N(0, I)
    matches the schedule (trailing spacing), and no timestep may repeat."""
    assert diffusion.timesteps(1000, 10) == [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]
    assert diffusion.timesteps(1000, 1000) == list(range(999, -1, -1))
    for s in (1, 3, 7, 999):
        ts = diffusion.timesteps(1000, s)
        assert ts[0] == 999 and len(set(ts)) == s == len(ts) and ts == sorted(ts, reverse=True)


def test_samplers_return_images_and_frames_of_the_right_shape():
    torch.manual_seed(0)
    m = diffusion.EpsilonNet(TINY).eval()
    for sampler in ("ddpm", "ddim"):
        x, frames = diffusion.sample(
            m,
            3,
            sampler=sampler,
            num_inference_steps=20,
            digit=4,
            generator=torch.Generator().manual_seed(0),
            n_frames=5,
        )
        assert x.shape == (3, 64) and x.min() >= 0 and x.max() <= 1
        ts = diffusion.timesteps(TINY.T, 20)
        assert len(frames) == 5 and frames[0][0] == TINY.T - 1 and frames[-1][0] == ts[-1]
        assert frames[0][1].shape == (3, 64) and frames[0][2].shape == (3, 64)


def test_ddim_with_eta_zero_is_deterministic_given_the_starting_noise():
    torch.manual_seed(0)
    m = diffusion.EpsilonNet(TINY).eval()
    a, _ = diffusion.sample(
        m, 2, num_inference_steps=10, generator=torch.Generator().manual_seed(1)
    )
    b, _ = diffusion.sample(
        m, 2, num_inference_steps=10, generator=torch.Generator().manual_seed(1)
    )
    assert torch.equal(a, b)


def test_progress_reports_every_step_and_passes_a_preview():
    torch.manual_seed(0)
    m = diffusion.EpsilonNet(TINY).eval()
    calls = []
    diffusion.sample(
        m,
        1,
        num_inference_steps=8,
        n_frames=4,
        progress=lambda s, t, f: calls.append((s, t, f is not None)),
    )
    assert [c[0] for c in calls] == list(range(1, 9)) and sum(c[2] for c in calls) == 4
