import torch

from generators import data, diffusion, train

TINY = diffusion.DiffusionConfig(hidden=32, n_blocks=1, emb_dim=16, T=100)


def test_diffusion_loss_falls_in_a_few_steps():
    _, history, _ = train.train(
        "diffusion-digits", steps=80, config=TINY, show=False, hp={"batch_size": 64}
    )
    assert sum(history[-10:]) / 10 < sum(history[:10]) / 10 - 0.05


def test_diffusion_with_augmentation_trains_and_samples_unaugmented():
    """Protects the non-leaking augmentation: training feeds the augmentation label to
    the network (the loss still falls) and sampling asks for "none" without being told."""
    config = diffusion.DiffusionConfig(hidden=32, n_blocks=1, emb_dim=16, T=100, augment=0.8)
    model, history, _ = train.train(
        "diffusion-digits", steps=80, config=config, show=False, hp={"batch_size": 64}
    )
    assert sum(history[-10:]) / 10 < sum(history[:10]) / 10 - 0.05
    x, t, y = torch.randn(4, 64), torch.full((4,), 50), torch.arange(4)
    none = torch.full((4,), diffusion.NO_AUGMENTATION)
    with torch.no_grad():
        assert torch.equal(model(x, t, y), model(x, t, y, none))
        assert not torch.allclose(model(x, t, y), model(x, t, y, none + 9), atol=1e-6)


def test_augment_shifts_by_one_pixel_and_mirrors():
    """Protects what the network is told: index 4 is the digit itself, ±1 moves it one
    pixel with zeros entering at the border, and indices 9..17 are mirrored."""
    img = data.digits_tensor("train")[0][:1].reshape(8, 8)
    x = img.reshape(1, 64)
    aug = lambda a: diffusion.augment(x, torch.tensor([a])).reshape(8, 8)  # noqa: E731
    assert torch.equal(aug(diffusion.NO_AUGMENTATION), img)
    assert torch.equal(aug(3)[:, 1:], img[:, :7]) and (aug(3)[:, 0] == 0).all()  # dx −1
    assert torch.equal(aug(7)[:7], img[1:]) and (aug(7)[7] == 0).all()  # dy +1
    assert torch.equal(aug(13), img.flip(-1))
    a = diffusion.draw_augmentations(10_000, 0.5, torch.Generator().manual_seed(0))
    assert a.min() >= 0 and a.max() < diffusion.N_AUGMENTATIONS
    share_none = float((a == diffusion.NO_AUGMENTATION).float().mean())
    assert abs(share_none - (0.5 + 0.5 / 18)) < 0.02


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
