import numpy as np
import torch

from generators import data, gan, train

TINY = gan.GANConfig(hidden=32, n_layers=2, batch_size=64, r1_gamma=0.1, lr=1e-3)


def test_discriminator_learns_to_separate_real_from_generated():
    torch.manual_seed(0)
    m = gan.GAN(TINY)
    g = torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(m.discriminator.parameters(), 1e-3)
    losses = []
    for _ in range(60):
        fake = m.G(torch.randn(64, 2, generator=g))
        loss = gan.discriminator_loss(m, data.ring(64, g), fake)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.1


def test_gan_training_runs_and_returns_two_losses_per_step():
    m, history, _ = train.train("gan-ring", steps=20, config=TINY, show=False)
    assert len(history) == 20 and all(len(h) == 2 for h in history)
    assert gan.sample(m, 10).shape == (10, 2)


def test_packed_discriminator_sees_groups_of_samples():
    m = gan.GAN(gan.GANConfig(hidden=16, n_layers=1, pac=4))
    assert m.D(torch.randn(32, 2)).shape == (8,)
    assert m.drs_logit(torch.randn(5, 2)).shape == (5,)


def test_perfect_samples_score_989_percent_all_modes_and_zero_kl():
    g = torch.Generator().manual_seed(0)
    r = gan.mode_metrics(data.ring(20000, g).numpy(), data.ring_modes(), data.RING_SD)
    assert r["modes"] == 8 and abs(r["high_quality"] - 0.989) < 0.005 and r["reverse_kl"] < 0.001
    r = gan.mode_metrics(data.grid(20000, g).numpy(), data.grid_modes(), data.GRID_SD)
    assert r["modes"] == 25 and abs(r["high_quality"] - 0.989) < 0.005


def test_mode_collapse_shows_in_modes_and_reverse_kl():
    pts = np.repeat(data.ring_modes()[:2], 100, axis=0)
    r = gan.mode_metrics(pts, data.ring_modes(), data.RING_SD)
    assert r["modes"] == 2 and abs(r["reverse_kl"] - np.log(4)) < 1e-6


def test_rejection_sampling_returns_the_requested_number():
    torch.manual_seed(0)
    m = gan.GAN(gan.GANConfig(hidden=16, n_layers=1, drs_percentile=80.0))
    gan.calibrate_drs(m, 80.0, n=1000, generator=torch.Generator().manual_seed(0))
    assert gan.sample(m, 300, torch.Generator().manual_seed(0)).shape == (300, 2)


def test_fourier_critic_is_fitted_alone_and_drives_rejection():
    """Protects DRS on the grid: the critic, not D, is trained against the frozen G, its
    random frequencies travel in the state dict (so a checkpoint rejects as it was
    calibrated), and after fitting it scores real points above generated ones."""
    torch.manual_seed(0)
    cfg = gan.GANConfig(hidden=32, n_layers=2, batch_size=128, drs_fourier=16, drs_lr_decay=True)
    m = gan.GAN(cfg)
    assert "critic.B" in m.state_dict() and m.critic.B.shape == (2, 16)
    untouched = [p.clone() for p in [*m.discriminator.parameters(), *m.generator.parameters()]]
    g = torch.Generator().manual_seed(0)
    gan.fit_critic(m, lambda: data.ring(128, g), steps=200, lr=3e-3, generator=g)
    after = [*m.discriminator.parameters(), *m.generator.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(untouched, after, strict=True))
    with torch.no_grad():
        real = m.drs_logit(data.ring(500, g)).mean()
        fake = m.drs_logit(m.G(m.latent(500, g))).mean()
    assert real > fake + 1.0
    twin = gan.GAN(cfg)
    twin.load_state_dict(m.state_dict())
    x = torch.randn(7, 2)
    assert torch.equal(twin.drs_logit(x), m.drs_logit(x))


def test_dcgan_maps_noise_to_28x28_images_and_trains_with_r1():
    """The DCGAN's G gives (B, 1, 28, 28) images in [0, 1], D one logit per image, and
    the shared GAN step (non-saturating loss + R1 on images) runs on it."""
    cfg = gan.DCGANConfig(latent_dim=8, channels=4, batch_size=8)
    m, history, _ = train.train("gan-digits28", steps=3, config=cfg, show=False)
    x = gan.sample(m, 5, torch.Generator().manual_seed(0))
    assert x.shape == (5, 1, 28, 28) and 0 <= x.min() <= x.max() <= 1
    assert m.D(x).shape == (5,)
    assert len(history) == 3 and all(np.isfinite(h).all() for h in history)
