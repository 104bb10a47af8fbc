import math

import pytest
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


PIXELS = ar.GPTConfig(vocab_size=257, block_size=784, n_layer=1, n_head=2, n_embd=8)
NAMES = ar.GPTConfig(
    vocab_size=27,
    block_size=14,
    n_layer=1,
    n_head=2,
    n_embd=16,
    chars="\n" + "abcdefghijklmnopqrstuvwxyz",
)


def test_pixel_log_likelihood_is_the_sum_of_its_784_conditionals():
    """pixels_log_likelihood is exact: log P(x) = Σ_t log p(x_t | x_<t) over 784 pixels,
    each conditional read from a fresh forward pass of the prefix."""
    torch.manual_seed(0)
    m = ar.GPT(PIXELS).eval()
    x = torch.randint(0, 256, (2, 784))
    ll = ar.pixels_log_likelihood(m, x)
    inp, _ = ar.pixels_inputs(x)
    with torch.no_grad():
        for t in (0, 300, 783):
            logits, _ = m(inp[:, : t + 1])
            lp = torch.log_softmax(logits[:, -1, :256], -1)
            assert lp.shape == (2, 256)
    logits, _ = m(inp)
    manual = torch.log_softmax(logits[..., :256], -1).gather(-1, x[..., None]).sum((1, 2))
    assert torch.allclose(ll, manual, atol=1e-3)
    assert ar.pixels_bits_per_dim(m, x) == pytest.approx(float(-ll.mean()) / (784 * math.log(2)))


def test_names_are_tokens_between_start_and_end_padded_and_ignored():
    """A name becomes [END, letters] → [letters, END]; padding is ignored by the loss,
    and names_nll averages over letters and ends."""
    inp, tgt = ar.names_tokens(["ab", "c"], NAMES.chars, 5)
    assert inp.tolist() == [[0, 1, 2, 0, 0], [0, 3, 0, 0, 0]]
    assert tgt.tolist() == [[1, 2, 0, -100, -100], [3, 0, -100, -100, -100]]
    torch.manual_seed(0)
    m = ar.GPT(NAMES).eval()
    inp, tgt = ar.names_tokens(["ab", "c"], NAMES.chars, 14)
    with torch.no_grad():
        logits, _ = m(inp)
    logp = torch.log_softmax(logits, -1)
    picks = [logp[r, t, tgt[r, t]] for r in range(2) for t in range(14) if tgt[r, t] >= 0]
    assert ar.names_nll(m, ["ab", "c"]) == pytest.approx(-float(sum(picks)) / 5, rel=1e-5)


def test_sampled_names_keep_the_prompt_and_stop_at_their_end():
    """sample_names returns whole names starting with the prompt, of letters only."""
    torch.manual_seed(0)
    m = ar.GPT(NAMES).eval()
    names, cands = ar.sample_names(m, 5, "ab", generator=torch.Generator().manual_seed(0))
    assert len(names) == 5 and all(n.startswith("ab") and "\n" not in n for n in names)
    assert all(len(n) <= 13 for n in names)


def test_beam_search_over_names_scores_each_name_by_its_log_probability():
    """Each finished beam's score is the model's log p of that name and its end; beams
    come best first."""
    torch.manual_seed(0)
    m = ar.GPT(NAMES).eval()
    found = ar.beam_names(m, "b", 3)
    assert len(found) == 3 and [s for _, s in found] == sorted((s for _, s in found), reverse=True)
    for name, score in found:
        inp, tgt = ar.names_tokens([name], NAMES.chars, 14)
        logits, _ = m(inp)
        logp = torch.log_softmax(logits, -1)[0]
        # the prompt's letters are given, not chosen: the score counts the rest
        total = sum(float(logp[t, tgt[0, t]]) for t in range(1, len(name) + 1))
        assert score == pytest.approx(total, abs=1e-4)


def test_kv_cache_grows_in_place_and_follows_beams():
    """The preallocated cache holds exactly the positions fed, and reorder keeps rows."""
    torch.manual_seed(0)
    m = ar.GPT(TINY).eval()
    idx = torch.randint(0, 17, (3, 10))
    _, cache = m(idx, cache=[])
    assert cache.length == 10 and cache.k[0].shape[2] == TINY.block_size
    cache.reorder(torch.tensor([2, 2, 0]))
    full, _ = m(torch.cat([idx[[2, 2, 0]], idx[[2, 2, 0], :1]], 1))
    step, _ = m(idx[[2, 2, 0], :1], cache=cache)
    assert torch.allclose(step[:, -1], full[:, -1], atol=1e-5)
