"""SQ-LLaVA's projector: the prototype extractor followed by LLaVA's two-layer MLP.

Patch features x [B, N, C] are softly clustered around K prototypes; each token is then
enriched with the aggregate of the prototype it belongs to, and the MLP maps C -> H.
The token count stays N. Parameter names (c, v, f, sim_alpha, sim_beta, mlp.0, mlp.2) follow the
authors' release so that their `non_lora_trainables.bin` loads key for key.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class QuickGELU(nn.Module):
    """CLIP's GELU approximation, as used in the released projector."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


def _cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise cosine similarity: a [B, K, C], b [B, N, C] -> [B, K, N]."""
    return F.normalize(a, dim=-1) @ F.normalize(b, dim=-1).transpose(1, 2)


def _pool_tokens(x: torch.Tensor, k: int) -> torch.Tensor:
    """Adaptive average pooling along the token axis: [B, N, C] -> [B, K, C] (deterministic centres)."""
    return F.adaptive_avg_pool1d(x.transpose(1, 2), k).transpose(1, 2)


class PrototypeProjector(nn.Module):
    """Prototype extractor -> Linear -> QuickGELU -> Linear. Flat parameter names, as released."""

    def __init__(self, vision_dim: int, text_dim: int, num_prototypes: int, iters: int, bias: bool = True):
        super().__init__()
        self.num_prototypes = num_prototypes
        self.iters = iters
        self.c = nn.Linear(vision_dim, vision_dim)
        self.v = nn.Linear(vision_dim, vision_dim)
        self.f = nn.Linear(vision_dim, vision_dim)
        # Stored as [1, 1, 1] like the released checkpoint.
        self.sim_alpha = nn.Parameter(torch.ones(1, 1, 1))
        self.sim_beta = nn.Parameter(torch.zeros(1, 1, 1))
        self.mlp = nn.Sequential(
            nn.Linear(vision_dim, text_dim, bias=bias), QuickGELU(), nn.Linear(text_dim, text_dim, bias=bias)
        )

    def extract(self, x: torch.Tensor) -> torch.Tensor:
        """x [B, N, C] -> [B, N, C]: each token plus the aggregate of its prototype."""
        value = self.v(x)
        feature = self.f(x)
        centres = _pool_tokens(x, self.num_prototypes)  # [B, K, C]
        centres_feature = _pool_tokens(feature, self.num_prototypes)  # [B, K, C]

        # Soft k-means: every token distributes itself over the K centres.
        for _ in range(self.iters):
            centres = self.c(centres)
            assign = _cosine(centres, value).softmax(dim=1)  # [B, K, N], sums to 1 over K
            centres = assign @ feature  # [B, K, C]

        sim = torch.sigmoid(self.sim_beta + self.sim_alpha * _cosine(centres, x))  # [B, K, N]
        # Hard assignment: each token keeps only its most similar centre.
        nearest = sim.argmax(dim=1)  # [B, N]
        mask = F.one_hot(nearest, self.num_prototypes).transpose(1, 2).to(sim.dtype)  # [B, K, N]
        sim = sim * mask

        members = mask.sum(dim=-1, keepdim=True)  # [B, K, 1]
        aggregate = (sim @ feature + centres_feature) / (members + 1.0)  # [B, K, C]
        # Each token receives its own centre's aggregate, scaled by its similarity to it.
        return x + sim.transpose(1, 2) @ aggregate

    def forward(self, image_features: torch.Tensor) -> torch.Tensor:
        return self.mlp(self.extract(image_features))
