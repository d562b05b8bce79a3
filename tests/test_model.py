"""SQ-LLaVA model: the prototype extractor against a loop-by-loop reading of SQ-LLaVA.md,
config registration, safetensors round trip."""

import math

import pytest
import torch
from tiny_models import tiny_sqllava

from models import SQLlavaConfig, SQLlavaForConditionalGeneration
from models.prototype_projector import PrototypeProjector


def reference_extract(p: PrototypeProjector, x: torch.Tensor) -> torch.Tensor:
    """Scalar loops, written from the method description, independent of the vectorised code."""
    B, N, C = x.shape
    K = p.num_prototypes
    out = torch.empty_like(x)
    for b in range(B):
        xb = x[b]
        value, feature = p.v(xb), p.f(xb)

        def pool(t):  # adaptive average pooling N -> K along tokens
            rows = []
            for k in range(K):
                start, end = math.floor(k * N / K), math.ceil((k + 1) * N / K)
                rows.append(t[start:end].mean(0))
            return torch.stack(rows)

        def cos(u, w):
            return (u @ w) / (u.norm() * w.norm()).clamp_min(1e-12)

        centres, centres_feature = pool(xb), pool(feature)
        for _ in range(p.iters):
            centres = p.c(centres)
            S = torch.tensor([[cos(centres[k], value[n]) for n in range(N)] for k in range(K)])
            S = S.softmax(dim=0)
            centres = S @ feature
        alpha, beta = p.sim_alpha.item(), p.sim_beta.item()
        sim = torch.tensor([[1 / (1 + math.exp(-(beta + alpha * cos(centres[k], xb[n])))) for n in range(N)] for k in range(K)])
        owner = [int(sim[:, n].argmax()) for n in range(N)]
        for k in range(K):
            members = [n for n in range(N) if owner[n] == k]
            agg = (sum((sim[k, n] * feature[n] for n in members), torch.zeros(C)) + centres_feature[k]) / (len(members) + 1)
            for n in members:
                out[b, n] = xb[n] + sim[k, n] * agg
    return out


@pytest.mark.parametrize("n_tokens,k", [(16, 4), (9, 4), (4, 8)])
def test_prototype_extractor_matches_description(n_tokens, k):
    torch.manual_seed(0)
    proj = PrototypeProjector(vision_dim=8, text_dim=6, num_prototypes=k, iters=2)
    with torch.no_grad():
        proj.sim_alpha.fill_(1.7)
        proj.sim_beta.fill_(-0.3)
        x = torch.randn(2, n_tokens, 8)
        got = proj.extract(x)
        want = reference_extract(proj, x)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    assert proj(x).shape == (2, n_tokens, 6)  # token count stays N, width becomes H


def test_prototype_parameters_named_as_released():
    proj = PrototypeProjector(vision_dim=8, text_dim=6, num_prototypes=4, iters=2)
    names = set(proj.state_dict())
    assert {"sim_alpha", "sim_beta", "c.weight", "v.weight", "f.weight", "mlp.0.weight", "mlp.2.weight"} <= names
    assert proj.sim_alpha.shape == (1, 1, 1) and proj.sim_beta.shape == (1, 1, 1)
    x = torch.randn(1, 4, 8)
    # QuickGELU between the two linears.
    h = proj.mlp[0](proj.extract(x))
    torch.testing.assert_close(proj(x), proj.mlp[2](h * torch.sigmoid(1.702 * h)))


def test_model_uses_prototype_projector_and_penultimate_layer():
    model = tiny_sqllava()
    assert isinstance(model.model.multi_modal_projector, PrototypeProjector)
    assert model.config.vision_feature_layer == -2
    assert model.config.vision_feature_select_strategy == "default"  # CLS dropped
    px = torch.randn(2, 3, 32, 32)
    feats = model.get_image_features(pixel_values=px).pooler_output
    assert len(feats) == 2 and feats[0].shape == (16, 32)  # 4x4 patches, CLS dropped


def test_config_validation():
    from tiny_models import tiny_configs

    vision, text = tiny_configs()
    with pytest.raises(Exception, match="mm_projector_type"):
        SQLlavaConfig(vision_config=vision, text_config=text, mm_projector_type="qformer")


def test_save_and_load_safetensors_roundtrip(tmp_path):
    model = tiny_sqllava()
    model.save_pretrained(tmp_path)
    assert (tmp_path / "model.safetensors").exists()
    assert not list(tmp_path.glob("*.bin"))
    from transformers import AutoModelForImageTextToText

    loaded = AutoModelForImageTextToText.from_pretrained(tmp_path).eval()
    assert isinstance(loaded, SQLlavaForConditionalGeneration)
    ids = torch.tensor([[1, 5] + [399] * 16 + [7, 8, 9]])
    px = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(loaded(input_ids=ids, pixel_values=px).logits, model(input_ids=ids, pixel_values=px).logits)


def test_image_changes_logits_and_generation_runs():
    model = tiny_sqllava()
    ids = torch.tensor([[1, 5] + [399] * 16 + [7, 8, 9]])
    with torch.no_grad():
        a = model(input_ids=ids, pixel_values=torch.zeros(1, 3, 32, 32)).logits
        b = model(input_ids=ids, pixel_values=torch.ones(1, 3, 32, 32)).logits
        out = model.generate(input_ids=ids, pixel_values=torch.zeros(1, 3, 32, 32), max_new_tokens=4, do_sample=False)
    assert (a - b).abs().max() > 1e-4
    assert out.shape == (1, ids.shape[1] + 4)


def test_mlp2x_gelu_projector_is_llava15():
    from transformers.models.llava.modeling_llava import LlavaMultiModalProjector

    model = tiny_sqllava(projector="mlp2x_gelu")
    assert isinstance(model.model.multi_modal_projector, LlavaMultiModalProjector)


def test_conv_stem_tower_roundtrip_and_token_grid(tmp_path):
    from models.vision_tower import ConvStemCLIPVisionConfig, ConvStemCLIPVisionModel
    from tiny_models import tiny_configs

    vision, text = tiny_configs()
    stem = ConvStemCLIPVisionConfig(**{k: v for k, v in vision.to_dict().items() if k not in ("model_type", "transformers_version")},
                                    stem_channels=[8, 8, 16])
    config = SQLlavaConfig(vision_config=stem.to_dict(), text_config=text, image_token_index=399, image_seq_length=16,
                           num_prototypes=4)
    model = SQLlavaForConditionalGeneration(config).eval()
    assert isinstance(model.model.vision_tower, ConvStemCLIPVisionModel)
    px = torch.randn(1, 3, 32, 32)
    assert model.get_image_features(pixel_values=px).pooler_output[0].shape == (16, 32)  # stride 8 -> 4x4
    model.save_pretrained(tmp_path)
    loaded = SQLlavaForConditionalGeneration.from_pretrained(tmp_path).eval()
    ids = torch.tensor([[1, 5] + [399] * 16 + [7]])
    with torch.no_grad():
        torch.testing.assert_close(loaded(input_ids=ids, pixel_values=px).logits, model(input_ids=ids, pixel_values=px).logits)


def test_conv_stem_stride_must_match_patch_size():
    from models.vision_tower import ConvStemCLIPVisionConfig

    with pytest.raises(Exception, match="stride"):
        ConvStemCLIPVisionConfig(image_size=32, patch_size=8, stem_channels=[8, 8])
