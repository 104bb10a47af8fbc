import torch

from generators import train, vae

TINY = vae.VAEConfig(latent_dim=2, hidden=32, n_layers=1)


def test_vae_loss_falls_in_a_few_steps():
    _, history, _ = train.train(
        "vae-digits", steps=60, config=TINY, show=False, hp={"val_every": 1000, "kl_warmup": 0}
    )
    assert sum(history[-5:]) / 5 < sum(history[:5]) / 5 - 10


def test_kl_warm_up_weights_only_the_kl_and_ends_at_the_elbo():
    """Protects the 2-D VAE's training objective: β scales the KL term alone, and at
    β = 1 the loss is exactly −ELBO, so a warmed-up model is scored on the true bound."""
    m = vae.VAE(TINY)
    x = torch.randint(0, 17, (5, 64))
    torch.manual_seed(1)
    e, rec, kl = vae.elbo(m, x)
    for beta, expected in ((1.0, -e.mean()), (0.0, -rec.mean()), (0.5, -(rec - kl / 2).mean())):
        torch.manual_seed(1)
        assert torch.allclose(vae.loss(m, x, beta), expected)
    torch.manual_seed(1)
    assert torch.equal(vae.loss(m, x), -e.mean())


def test_elbo_is_reconstruction_minus_kl_and_kl_is_non_negative():
    torch.manual_seed(0)
    m = vae.VAE(TINY)
    x = torch.randint(0, 17, (5, 64))
    e, rec, kl = vae.elbo(m, x, torch.Generator().manual_seed(0))
    assert torch.allclose(e, rec - kl) and (kl >= 0).all()


def test_importance_weighted_bound_is_at_least_the_elbo_on_average():
    torch.manual_seed(0)
    m, _, _ = train.train("vae-digits", steps=60, config=TINY, show=False, hp={"val_every": 1000})
    x = torch.randint(0, 17, (4, 64))
    g = torch.Generator().manual_seed(0)
    e = torch.stack([vae.elbo(m, x, g)[0] for _ in range(200)]).mean(0)
    iw = vae.iwae_bound(m, x, k=200, generator=g)
    assert (iw >= e - 0.5).all()


def test_decoded_means_are_images_in_unit_interval():
    m = vae.VAE(TINY)
    img = m.decode_mean(torch.randn(7, 2))
    assert img.shape == (7, 64) and img.min() >= 0 and img.max() <= 1
