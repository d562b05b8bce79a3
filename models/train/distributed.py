"""Data-parallel training under torchrun: one process per GPU (or per CPU slot, with gloo).

`torchrun --nproc_per_node=N -m app.cli train OUT ...` starts N copies of the same command.
Each draws its own batches, the gradients are averaged across all of them before every
optimiser step (so the replicas stay identical), and rank 0 alone writes data sets, logs,
checkpoints and the model. Without torchrun (no WORLD_SIZE) everything here is a no-op.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import torch
import torch.distributed as dist


def world_size() -> int:
    return dist.get_world_size() if dist.is_initialized() else 1


def rank() -> int:
    return dist.get_rank() if dist.is_initialized() else 0


def is_main() -> bool:
    return rank() == 0


def setup() -> torch.device:
    """Join the process group torchrun describes (if any); the device this process trains on."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        return torch.device("cuda", local)
    return torch.device("cpu")


def barrier() -> None:
    if dist.is_initialized():
        dist.barrier()


@contextmanager
def main_first():
    """Rank 0 runs the block first (rendering data, writing a tokenizer), the others after it,
    when its files are there to be read."""
    if not is_main():
        barrier()
    try:
        yield
    finally:
        if is_main():
            barrier()


def average_gradients(params: list[torch.nn.Parameter]) -> None:
    """Mean of each gradient over all processes: one data-parallel step."""
    if not dist.is_initialized():
        return
    n = world_size()
    for p in params:
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad.div_(n)


def check_in_sync(params: list[torch.nn.Parameter]) -> None:
    """Raise if the replicas' weights differ (a sum of every trainable tensor, compared)."""
    if not dist.is_initialized():
        return
    total = torch.stack([p.detach().double().sum() for p in params]).sum().reshape(1)
    seen = [torch.zeros_like(total) for _ in range(world_size())]
    dist.all_gather(seen, total)
    if any(not torch.allclose(s, seen[0], rtol=1e-9, atol=0.0) for s in seen):
        raise RuntimeError(f"data-parallel replicas diverged: weight sums {[float(s) for s in seen]}")


def teardown() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()
