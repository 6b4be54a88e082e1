"""Adam and SGD with momentum, written out for the model's few, large tensors.

Why not ``torch.optim``: its first use imports ``torch._dynamo`` — about 2 s and
70 MB on the 2-core reference machine, on every start of the app — for no gain
here (five parameter tensors, no compilation).  The update rules are the
textbook ones, matching torch's defaults:

* Adam (Kingma & Ba): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
  p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
* SGD with momentum: b ← μb + g (b = g at the first step), p ← p − lr · b

Buffers are allocated once and updated in place (no per-step temporaries).
Adam runs torch's fused kernel (``torch._fused_adam_``, what ``Adam(fused=True)``
calls) where the device has it: one pass over each tensor instead of seven,
2.6× faster on the CPU here; the written-out update is the fallback.
``state_dict()``/``load_state_dict()`` copy values, so the LR finder can put an
optimiser back exactly.  The loss writes the gradients (``Objective``), so
there is nothing to zero between steps.
"""
from __future__ import annotations

import math

import torch


class Optimizer:
    """The shared part: the parameters, the learning rate, a step counter."""

    def __init__(self, params, lr: float) -> None:
        self.params = [p for p in params]
        self.lr = float(lr)
        self.steps = 0

    def _buffers(self) -> list[torch.Tensor]:
        return []

    def step(self) -> None:
        """Move the parameters along their gradients (each optimiser's rule)."""
        raise NotImplementedError

    def state_dict(self) -> dict:
        return {"lr": self.lr, "steps": self.steps, "buffers": [b.detach().clone() for b in self._buffers()]}

    def load_state_dict(self, state: dict) -> None:
        self.lr, self.steps = float(state["lr"]), int(state["steps"])
        for mine, saved in zip(self._buffers(), state["buffers"]):
            mine.copy_(saved)


class Adam(Optimizer):
    def __init__(self, params, lr: float, betas=(0.9, 0.999), eps: float = 1e-8) -> None:
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.denominator: list[torch.Tensor] | None = None    # the fallback's buffers
        self._step = torch.zeros((), dtype=torch.float32, device=self.params[0].device)
        self._fused = hasattr(torch, "_fused_adam_")

    def _buffers(self) -> list[torch.Tensor]:
        return self.m + self.v

    @torch.no_grad()
    def step(self) -> None:
        self.steps += 1
        if self._fused:
            self._step.fill_(self.steps)
            try:
                torch._fused_adam_(self.params, [p.grad for p in self.params], self.m, self.v, [],
                                   [self._step] * len(self.params), lr=self.lr, beta1=self.beta1,
                                   beta2=self.beta2, weight_decay=0.0, eps=self.eps, amsgrad=False,
                                   maximize=False)
                return
            except (RuntimeError, NotImplementedError):    # no fused kernel on this device
                self._fused = False
        correction1 = 1.0 - self.beta1 ** self.steps
        root_correction2 = math.sqrt(1.0 - self.beta2 ** self.steps)
        if self.denominator is None:
            self.denominator = [torch.empty_like(p) for p in self.params]
        for p, m, v, d in zip(self.params, self.m, self.v, self.denominator):
            if p.grad is None:
                continue
            g = p.grad
            m.lerp_(g, 1.0 - self.beta1)
            v.mul_(self.beta2).addcmul_(g, g, value=1.0 - self.beta2)
            torch.sqrt(v, out=d)
            d.div_(root_correction2).add_(self.eps)
            p.addcdiv_(m, d, value=-self.lr / correction1)


class SGD(Optimizer):
    def __init__(self, params, lr: float, momentum: float = 0.9) -> None:
        super().__init__(params, lr)
        self.momentum = momentum
        self.velocity = [torch.zeros_like(p) for p in self.params]

    def _buffers(self) -> list[torch.Tensor]:
        return self.velocity

    @torch.no_grad()
    def step(self) -> None:
        first = self.steps == 0
        self.steps += 1
        for p, b in zip(self.params, self.velocity):
            if p.grad is None:
                continue
            if first or self.momentum == 0:
                b.copy_(p.grad)
            else:
                b.mul_(self.momentum).add_(p.grad)
            p.add_(b, alpha=-self.lr)
