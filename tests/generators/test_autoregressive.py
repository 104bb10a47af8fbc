import torch

from generators import autoregressive as ar
from generators import train

from .conftest import TINY_TEXT

TINY = ar.GPTConfig(vocab_size=18, block_size=65, n_layer=1, n_head=2, n_embd=16)


def _mean(xs):
    return sum(xs) / len(xs)


def test_digits_transformer_loss_falls_in_a_few_steps():
    _, history, _ = train.train(
        "autoregressive-digits",
        steps=40,
        config=TINY,
        show=False,
        hp={"val_every": 1000, "batch_size": 16},
    )
    assert _mean(history[-5:]) < _mean(history[:5]) - 0.3


def test_text_transformer_trains_on_given_text_and_knows_its_vocabulary():
    cfg = ar.GPTConfig(block_size=32, n_layer=1, n_head=2, n_embd=16)
    model, history, _ = train.train(
        "autoregressive-text",
        steps=40,
        config=cfg,
        show=False,
        text=TINY_TEXT,
        hp={"val_every": 1000, "batch_size": 8},
    )
    assert set(model.config.chars) == set(TINY_TEXT)
    assert _mean(history[-5:]) < _mean(history[:5])


def test_kv_cache_gives_the_same_logits_as_recomputing_the_context():
    torch.manual_seed(0)
    m = ar.GPT(TINY).eval()
    idx = torch.randint(0, 17, (2, 20))
    full, _ = m(idx)
    logits, cache = m(idx[:, :12], cache=[])
    steps = [logits]
    for t in range(12, 20):
        step, cache = m(idx[:, t : t + 1], cache=cache)
        steps.append(step)
    assert torch.allclose(torch.cat(steps, 1), full, atol=1e-5)


def test_generation_with_and_without_cache_agrees_within_the_block():
    torch.manual_seed(0)
    m = ar.GPT(TINY).eval()
    start = torch.full((3, 1), ar.BOS)
    a, _ = ar.generate(m, start, 30, strategy="greedy", use_cache=True)
    b, _ = ar.generate(m, start, 30, strategy="greedy", use_cache=False)
    assert torch.equal(a, b) and a.shape == (3, 31)


def test_generation_past_the_block_size_keeps_going():
    torch.manual_seed(0)
    cfg = ar.GPTConfig(vocab_size=5, block_size=8, n_layer=1, n_head=1, n_embd=8)
    m = ar.GPT(cfg).eval()
    out, _ = ar.generate(
        m, torch.zeros(1, 1, dtype=torch.long), 30, generator=torch.Generator().manual_seed(0)
    )
    assert out.shape == (1, 31)


def test_top_k_and_top_p_keep_only_the_intended_tokens():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    k = ar.filter_logits(logits, 1.0, 2, 1.0)
    assert torch.isfinite(k).tolist() == [[True, True, False, False]]
    p = ar.filter_logits(logits, 1.0, 0, 0.7)  # 0.5 < 0.7 ≤ 0.8: two tokens
    assert torch.isfinite(p).tolist() == [[True, True, False, False]]
    p = ar.filter_logits(logits, 1.0, 0, 0.4)  # the top token alone has 0.5 ≥ 0.4
    assert torch.isfinite(p).tolist() == [[True, False, False, False]]


def test_candidates_are_probabilities_sorted_descending():
    torch.manual_seed(0)
    m = ar.GPT(TINY).eval()
    _, cands = ar.generate(
        m,
        torch.full((1, 1), ar.BOS),
        5,
        num_candidates=3,
        allowed=ar.BOS,
        generator=torch.Generator().manual_seed(0),
    )
    assert len(cands) == 5
    for c in cands:
        probs = [p for _, p in c]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6


def test_beam_search_of_width_one_is_greedy_and_wider_beams_score_no_worse():
    torch.manual_seed(0)
    m = ar.GPT(TINY).eval()
    start = torch.full((1, 1), ar.BOS)
    greedy, _ = ar.generate(m, start, 8, strategy="greedy")
    beams1 = ar.beam_search(m, start, 8, beam_width=1)
    assert torch.equal(beams1[0][0], greedy[0])
    beams4 = ar.beam_search(m, start, 8, beam_width=4)
    assert beams4[0][1] >= beams1[0][1] - 1e-5
    assert [s for _, s in beams4] == sorted([s for _, s in beams4], reverse=True)


def test_digits_log_likelihood_is_exact_sum_of_conditionals():
    torch.manual_seed(0)
    m = ar.GPT(TINY).eval()
    x = torch.randint(0, 17, (3, 64))
    ll = ar.digits_log_likelihood(m, x)
    inp, tgt = ar.digits_inputs(x)
    per_token = -torch.nn.functional.cross_entropy(
        m(inp)[0][..., :17].reshape(-1, 17), tgt.reshape(-1), reduction="none"
    )
    assert torch.allclose(ll, per_token.view(3, 64).sum(1), atol=1e-4)
    assert (ll < 0).all()
