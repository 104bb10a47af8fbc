"""Generators tests: pure PyTorch, no Django, one thread, tiny configs."""

import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture
def seed_all():
    torch.manual_seed(0)


TINY_TEXT = (
    "A generative model learns a distribution and then samples from it.\n"
    "The model predicts the next character from the characters before it.\n"
) * 40
