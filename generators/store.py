"""Checkpoints: weights as safetensors, beside a JSON with the config, metrics,
training time, seed and version, so a checkpoint carries everything to rebuild it."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

VERSION = "generators-0.1"
CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


def device() -> torch.device:
    """CUDA when present, else CPU; GENERATORS_DEVICE=cpu or cuda overrides that (the
    bench times both, and a GPU host can keep the models on its CPU)."""
    name = os.environ.get("GENERATORS_DEVICE") or ("cuda" if torch.cuda.is_available() else "cpu")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"GENERATORS_DEVICE must be cpu or cuda (got {name!r})")
    if name == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("GENERATORS_DEVICE=cuda, but this machine has no CUDA device")
    return torch.device(name)


def checkpoint_path(name: str, directory: Path | None = None) -> Path:
    return (directory or CHECKPOINT_DIR) / f"{name}.safetensors"


def save(name: str, model: torch.nn.Module, config, meta: dict, directory: Path | None = None):
    """Write <name>.safetensors (float32 weights) and <name>.json (config + meta)."""
    path = checkpoint_path(name, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().float().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(path))
    info = {"name": name, "version": VERSION, "config": asdict(config), **meta}
    path.with_suffix(".json").write_text(json.dumps(info, indent=2, sort_keys=False) + "\n")


def read_meta(name: str, directory: Path | None = None) -> dict:
    return json.loads(checkpoint_path(name, directory).with_suffix(".json").read_text())


def load(name: str, model_cls, config_cls, directory: Path | None = None, dev=None):
    """Rebuild the model from its stored config, load its weights, eval mode."""
    if not checkpoint_path(name, directory).exists():
        family, _, dataset = name.partition("-")
        raise FileNotFoundError(
            f"no checkpoint {name}; train it: python -m generators.train {family} "
            f"--dataset {dataset}"
        )
    meta = read_meta(name, directory)
    config = config_cls(**meta["config"])
    model = model_cls(config)
    state = load_file(str(checkpoint_path(name, directory)))
    model.load_state_dict(state)
    model.to(dev or device()).eval()
    return model, meta


def update_meta(name: str, directory: Path | None = None, **fields):
    path = checkpoint_path(name, directory).with_suffix(".json")
    info = json.loads(path.read_text())
    info.update(fields)
    path.write_text(json.dumps(info, indent=2) + "\n")
