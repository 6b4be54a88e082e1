"""Where tensors live: CUDA, then Apple MPS, then CPU, unless the user says otherwise."""
from __future__ import annotations

import torch

from musicrec_gui.core.errors import EngineError


def available_devices() -> list[str]:
    """Device names usable on this machine, best first (always ends with ``cpu``)."""
    names = []
    if torch.cuda.is_available():
        names.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        names.append("mps")
    names.append("cpu")
    return names


def pick_device(name: str = "auto") -> torch.device:
    """``auto`` picks the first of ``available_devices()``; anything else must be usable here."""
    name = (name or "auto").strip().lower()
    if name == "auto":
        return torch.device(available_devices()[0])
    try:
        device = torch.device(name)
    except RuntimeError as exc:
        raise EngineError(f"unknown device {name!r}; use auto, cpu, cuda or mps") from exc
    if device.type not in available_devices():
        raise EngineError(f"device {name!r} is not available here; available: "
                          + ", ".join(available_devices()))
    return device


def set_threads(count: int) -> None:
    """Use ``count`` CPU threads for torch; 0 or less leaves torch's own choice."""
    if count and count > 0 and torch.get_num_threads() != count:
        torch.set_num_threads(int(count))
