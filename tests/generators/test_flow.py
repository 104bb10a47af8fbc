import math

import torch

from generators import flow, train

TINY = flow.FlowConfig(dim=2, n_steps=3, hidden=16)


def _randomised(cfg):
    torch.manual_seed(0)
    m = flow.RealNVP(cfg)
    m.train()
    m(torch.randn(64, cfg.dim) * 2 + 1)  # data-dependent ActNorm initialisation
    with torch.no_grad():
        for p in m.parameters():
            p.add_(0.3 * torch.randn_like(p))  # leave the identity start behind
    return m.eval()


def test_log_likelihood_matches_a_numerical_jacobian():
    """log p(x) = log N(f(x)) + log|det J_f(x)|, with J_f from finite differences."""
    for dim in (2, 4):
        m = _randomised(flow.FlowConfig(dim=dim, n_steps=3, hidden=16)).double()
        x = torch.randn(dim, dtype=torch.float64)
        J = torch.autograd.functional.jacobian(lambda v, m=m: m(v[None])[0][0], x)
        eps = 1e-6
        J_num = torch.stack(
            [
                (m((x + eps * e)[None])[0][0] - m((x - eps * e)[None])[0][0]) / (2 * eps)
                for e in torch.eye(dim, dtype=torch.float64)
            ],
            1,
        )
        assert torch.allclose(J, J_num, atol=1e-6)
        z = m(x[None])[0][0]
        expected = -0.5 * (z @ z) - dim / 2 * math.log(2 * math.pi) + torch.slogdet(J_num)[1]
        assert torch.allclose(m.log_prob(x[None])[0], expected, atol=1e-6)


def test_inverse_undoes_forward():
    m = _randomised(flow.FlowConfig(dim=4, n_steps=4, hidden=16))
    x = torch.randn(10, 4)
    assert torch.allclose(m.inverse(m(x)[0]), x, atol=1e-4)


def test_flow_loss_falls_in_a_few_steps():
    _, history, _ = train.train(
        "flow-moons", steps=60, config=TINY, show=False, hp={"batch_size": 128}
    )
    assert sum(history[-5:]) / 5 < sum(history[:5]) / 5 - 0.1


def test_digits_flow_bound_is_finite_and_loss_falls():
    cfg = flow.FlowConfig(dim=64, n_steps=2, hidden=32, dequantize=True)
    _, history, _ = train.train(
        "flow-digits", steps=30, config=cfg, show=False, hp={"val_every": 1000, "batch_size": 64}
    )
    assert all(math.isfinite(h) for h in history)
    assert sum(history[-5:]) / 5 < sum(history[:5]) / 5


def _multiscale(hidden=4):
    """A small multi-scale flow, ActNorm initialised and couplings moved off the identity."""
    torch.manual_seed(0)
    m = flow.MultiScaleFlow(flow.MultiScaleFlowConfig(hidden=hidden, n_couplings=2, n_final=2))
    m.train()
    m(torch.rand(8, 1, 28, 28) * 0.9 + 0.05)
    with torch.no_grad():
        for c in m.modules():
            if isinstance(c, flow.ConvCoupling):
                c.net[-1].weight.normal_(0, 0.05)
    return m.eval()


def test_squeeze_moves_2x2_patches_into_channels_and_back():
    """squeeze is the exact inverse of unsqueeze, and keeps each 2x2 patch together."""
    x = torch.arange(2 * 16, dtype=torch.float32).reshape(1, 2, 4, 4)
    s = flow.squeeze(x)
    assert s.shape == (1, 8, 2, 2) and torch.equal(flow.unsqueeze(s), x)
    assert sorted(s[0, :4, 0, 0].tolist()) == [0.0, 1.0, 4.0, 5.0]


def test_multiscale_flow_inverts_and_its_log_det_is_the_jacobians():
    """The 28x28 flow's log-likelihood is exact: log|det J| summed over the couplings,
    ActNorms, logit transform and factored-out parts equals slogdet of the full
    784x784 Jacobian, and inverse(forward(y)) gives y back."""
    m = _multiscale().double()
    y = torch.rand(1, 1, 28, 28, dtype=torch.float64) * 0.9 + 0.05
    z, log_det = m(y)
    assert z.shape == (1, 784)
    assert torch.allclose(m.inverse(z), y, atol=1e-9)
    J = torch.autograd.functional.jacobian(
        lambda v: m(v.reshape(1, 1, 28, 28))[0][0], y.flatten(), vectorize=True
    )
    assert torch.allclose(log_det[0], torch.linalg.slogdet(J)[1], atol=1e-6)


def test_bits_per_dim_of_the_uniform_density_is_eight():
    """bits_per_dim puts a density on [0, 1]^784 on the 256-level scale: the uniform
    density (log p = 0) is 8 bits, one byte per pixel."""
    assert float(flow.bits_per_dim(torch.zeros(1))) == 8.0


def test_multiscale_flow_trains_on_28x28_digits_and_samples_in_range():
    """A few steps of the digits28 recipe lower the loss, and samples are images in [0, 1]."""
    cfg = flow.MultiScaleFlowConfig(hidden=8, n_couplings=1, n_final=1)
    m, history, _ = train.train(
        "flow-digits28",
        steps=25,
        config=cfg,
        show=False,
        hp={"val_every": 1000, "batch_size": 16, "lr": 5e-3},
    )
    assert all(math.isfinite(h) for h in history)
    assert sum(history[-5:]) < sum(history[:5])
    x = m.inverse(torch.randn(3, 784))
    assert x.shape == (3, 1, 28, 28) and 0 <= x.min() <= x.max() <= 1
