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
