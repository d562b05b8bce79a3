"""Converters: tiny random checkpoints in each released layout, checked numerically."""

import json
import os
import pickle

import pytest
import torch
from safetensors.torch import save_file
from tiny_models import llama_style_tokenizer, tiny_configs
from transformers import CLIPVisionModel, LlamaForCausalLM, LlavaConfig, LlavaForConditionalGeneration

from app.cli import main
from models import SQLlavaForConditionalGeneration
from models.convert import FORMATS
from models.convert.weights import ConversionError, load_tensors
from models.lora import LoraSettings, apply_lora

N_LAYERS_LLM = 2
N_LAYERS_VIT = 3


def pixel_and_ids(image_token_id, n_image=16, vocab=300):
    torch.manual_seed(5)
    ids = torch.tensor([[1, 17, 33] + [image_token_id] * n_image + [44, 55, 66, 77]])
    return torch.randn(1, 3, 32, 32), ids


def load_ours(path):
    return SQLlavaForConditionalGeneration.from_pretrained(path).eval()


# ---------------------------------------------------------------------------------- llava-hf


def test_llava_hf_logits_match_transformers(tmp_path):
    vision, text = tiny_configs(vocab_size=400)
    torch.manual_seed(0)
    ref = LlavaForConditionalGeneration(
        LlavaConfig(vision_config=vision, text_config=text, image_token_index=399, image_seq_length=16)
    ).eval()
    src = tmp_path / "llava-hf"
    ref.save_pretrained(src)
    llama_style_tokenizer().save(str(src / "tokenizer.json"))

    assert main(["convert", "llava-hf", str(src), str(tmp_path / "out")]) == 0
    ours = load_ours(tmp_path / "out")
    assert ours.config.mm_projector_type == "mlp2x_gelu"
    px, ids = pixel_and_ids(399)
    with torch.no_grad():
        torch.testing.assert_close(
            ours(input_ids=ids, pixel_values=px).logits, ref(input_ids=ids, pixel_values=px).logits, atol=1e-5, rtol=1e-5
        )
    assert (tmp_path / "out" / "tokenizer.json").is_file()
    assert json.loads((tmp_path / "out" / "sqinspect.json").read_text())["source"]["format"] == "llava-hf"


# ------------------------------------------------------------------ shared pieces: CLIP + LLM


@pytest.fixture
def clip_dir(tmp_path):
    """A CLIPModel-style folder, as openai/clip-vit-large-patch14-336 lays it out."""
    vision, _ = tiny_configs()
    torch.manual_seed(1)
    model = CLIPVisionModel(vision).eval()
    folder = tmp_path / "clip"
    folder.mkdir()
    state = {f"vision_model.{k}": v.contiguous() for k, v in model.state_dict().items()}
    state["text_model.embeddings.token_embedding.weight"] = torch.zeros(10, 4)
    state["logit_scale"] = torch.tensor(2.6)
    save_file(state, str(folder / "model.safetensors"))
    vision_dict = {k: v for k, v in vision.to_dict().items() if k != "transformers_version"}
    (folder / "config.json").write_text(json.dumps({"model_type": "clip", "vision_config": vision_dict}))
    return folder, model


@pytest.fixture
def llm_dir(tmp_path):
    tok = llama_style_tokenizer()
    _, text = tiny_configs(vocab_size=tok.get_vocab_size())
    torch.manual_seed(2)
    model = LlamaForCausalLM(text).eval()
    folder = tmp_path / "vicuna"
    model.save_pretrained(folder)
    tok.save(str(folder / "tokenizer.json"))
    return folder, model, text


def llava_reference_logits(clip, llm, project, px, ids, image_token_id):
    """What LLaVA computes: CLIP layer -2 patch tokens -> projector -> spliced into the LLM."""
    with torch.no_grad():
        feats = clip(px, output_hidden_states=True).hidden_states[-2][:, 1:]
        feats = project(feats)
        safe_ids = ids.clamp_max(llm.config.vocab_size - 1)
        embeds = llm.get_input_embeddings()(safe_ids)
        mask = (ids == image_token_id).unsqueeze(-1)
        embeds = embeds.masked_scatter(mask, feats)
        return llm(inputs_embeds=embeds).logits


# ------------------------------------------------------------------------ llava (original repo)


def make_llava_original(tmp_path, llm_model, text):
    src = tmp_path / "llava-v1.5"
    src.mkdir()
    torch.manual_seed(3)
    mm = torch.nn.Sequential(torch.nn.Linear(32, 32), torch.nn.GELU(), torch.nn.Linear(32, 32))
    state = dict(llm_model.state_dict())
    for name, tensor in mm.state_dict().items():
        state[f"model.mm_projector.{name}"] = tensor
    torch.save(state, src / "pytorch_model.bin")  # a pickle, read with the tensors-only loader
    cfg = {k: v for k, v in text.to_dict().items() if k != "transformers_version"}
    cfg.update(model_type="llava_llama", mm_projector_type="mlp2x_gelu", mm_hidden_size=32,
               mm_vision_select_layer=-2, mm_vision_select_feature="patch", mm_vision_tower="openai/clip")
    cfg["rope_theta"] = text.rope_parameters["rope_theta"]
    (src / "config.json").write_text(json.dumps(cfg))
    llama_style_tokenizer().save(str(src / "tokenizer.json"))
    return src, mm


def test_llava_original_matches_llava_forward(tmp_path, clip_dir, llm_dir):
    clip_folder, clip = clip_dir
    _, llm, text = llm_dir
    vocab = text.vocab_size
    src, mm = make_llava_original(tmp_path, llm, text)
    out = tmp_path / "out"
    assert main(["convert", "llava", str(src), str(out), "--clip", str(clip_folder)]) == 0
    ours = load_ours(out)
    image_token_id = ours.config.image_token_index
    assert image_token_id == vocab  # appended after the LLM's vocabulary
    from tokenizers import Tokenizer

    assert Tokenizer.from_file(str(out / "tokenizer.json")).token_to_id("<image>") == vocab
    px, ids = pixel_and_ids(image_token_id)
    want = llava_reference_logits(clip, llm, mm, px, ids, image_token_id)
    with torch.no_grad():
        got = ours(input_ids=ids, pixel_values=px).logits[..., :vocab]
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)


# ------------------------------------------------------------------------------- sq-llava


def make_sq_release(tmp_path, r_llm=4, r_vit=2):
    src = tmp_path / "sqllava-lora-7b"
    (src / "Vit-lora").mkdir(parents=True)
    torch.manual_seed(4)
    proj = {}
    for name in ("c", "v", "f"):
        proj[f"{name}.weight"], proj[f"{name}.bias"] = torch.randn(32, 32) * 0.2, torch.randn(32) * 0.1
    proj["mlp.0.weight"], proj["mlp.0.bias"] = torch.randn(32, 32) * 0.2, torch.randn(32) * 0.1
    proj["mlp.2.weight"], proj["mlp.2.bias"] = torch.randn(32, 32) * 0.2, torch.randn(32) * 0.1
    proj["sim_alpha"], proj["sim_beta"] = torch.full((1, 1, 1), 1.3), torch.full((1, 1, 1), -0.2)
    proj["ln_1.weight"], proj["ln_1.bias"] = torch.ones(32), torch.zeros(32)
    torch.save({f"base_model.model.model.mm_projector.{k}": v for k, v in proj.items()}, src / "non_lora_trainables.bin")

    llm_lora, shapes = {}, {"q_proj": (32, 32), "k_proj": (16, 32), "v_proj": (16, 32), "o_proj": (32, 32),
                            "gate_proj": (64, 32), "up_proj": (64, 32), "down_proj": (32, 64)}
    for layer in range(N_LAYERS_LLM):
        for name, (out_f, in_f) in shapes.items():
            part = "self_attn" if name.endswith(("q_proj", "k_proj", "v_proj", "o_proj")) else "mlp"
            base = f"base_model.model.model.layers.{layer}.{part}.{name}"
            llm_lora[f"{base}.lora_A.weight"] = torch.randn(r_llm, in_f) * 0.1
            llm_lora[f"{base}.lora_B.weight"] = torch.randn(out_f, r_llm) * 0.1
    torch.save(llm_lora, src / "adapter_model.bin")
    (src / "adapter_config.json").write_text(json.dumps({"r": r_llm, "lora_alpha": 2 * r_llm, "peft_type": "LORA"}))

    vit_lora, vshapes = {}, {"q_proj": (32, 32), "k_proj": (32, 32), "v_proj": (32, 32), "out_proj": (32, 32),
                             "fc1": (64, 32), "fc2": (32, 64)}
    for layer in range(N_LAYERS_VIT):
        for name, (out_f, in_f) in vshapes.items():
            part = "self_attn" if "proj" in name else "mlp"
            base = f"base_model.model.vision_model.encoder.layers.{layer}.{part}.{name}"
            vit_lora[f"{base}.lora_A.weight"] = torch.randn(r_vit, in_f) * 0.1
            vit_lora[f"{base}.lora_B.weight"] = torch.randn(out_f, r_vit) * 0.1
    torch.save(vit_lora, src / "Vit-lora/adapter_model.bin")
    (src / "Vit-lora/adapter_config.json").write_text(json.dumps({"r": r_vit, "lora_alpha": 2 * r_vit}))
    (src / "config.json").write_text(json.dumps({"model_type": "llava_llama", "mm_vision_select_layer": -2,
                                                 "mm_vision_select_feature": "patch", "num_prototypes": 4}))
    return src, proj, llm_lora, vit_lora


def unmerged_reference(clip, llm, proj, llm_lora, vit_lora, image_token_id):
    """Our model with the base weights and the adapters applied by peft, not merged."""
    from tiny_models import tiny_sqllava

    model = tiny_sqllava(vocab_size=image_token_id + 1, num_prototypes=4)
    state = model.state_dict()
    for k, v in clip.state_dict().items():
        state[f"model.vision_tower.{k}"] = v
    for k, v in llm.state_dict().items():
        state[k.replace("model.", "model.language_model.", 1) if k.startswith("model.") else k][: v.shape[0]] = v
    for k, v in proj.items():
        if not k.startswith("ln_1"):
            state[f"model.multi_modal_projector.{k}"] = v
    model.load_state_dict(state)
    peft_model = apply_lora(model, LoraSettings(vision_r=2, vision_alpha=4, vision_dropout=0.0, llm_r=4, llm_alpha=8, llm_dropout=0.0))
    params = dict(peft_model.named_parameters())
    for key, value in llm_lora.items():
        name = key.replace("base_model.model.model.layers.", "base_model.model.model.language_model.layers.")
        params[name.replace(".weight", ".default.weight")].data.copy_(value)
    for key, value in vit_lora.items():
        name = key.replace("base_model.model.vision_model.", "base_model.model.model.vision_tower.")
        params[name.replace(".weight", ".default.weight")].data.copy_(value)
    return peft_model.eval()


def test_sq_llava_merged_equals_unmerged(tmp_path, clip_dir, llm_dir):
    clip_folder, clip = clip_dir
    llm_folder, llm, text = llm_dir
    vocab = text.vocab_size
    src, proj, llm_lora, vit_lora = make_sq_release(tmp_path)
    out = tmp_path / "out"
    rc = main(["convert", "sq-llava", str(src), str(out), "--base-llm", str(llm_folder), "--clip", str(clip_folder)])
    assert rc == 0
    ours = load_ours(out)
    assert ours.config.mm_projector_type == "prototype" and ours.config.num_prototypes == 4
    assert json.loads((out / "sqinspect.json").read_text())["template"] == "v1_sq"
    image_token_id = ours.config.image_token_index
    ref = unmerged_reference(clip, llm, proj, llm_lora, vit_lora, image_token_id)
    px, ids = pixel_and_ids(image_token_id)
    with torch.no_grad():
        got = ours(input_ids=ids, pixel_values=px).logits[..., :vocab]
        want = ref(input_ids=ids, pixel_values=px).logits[..., :vocab]
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    assert not any(k.startswith("model.multi_modal_projector.ln_1") for k in ours.state_dict())


# ------------------------------------------------------------------------------ bad input


def test_missing_file_is_one_line_error_and_no_output(tmp_path, clip_dir, llm_dir, capsys):
    clip_folder, _ = clip_dir
    llm_folder, _, _ = llm_dir
    src, *_ = make_sq_release(tmp_path)
    (src / "non_lora_trainables.bin").unlink()
    out = tmp_path / "out"
    rc = main(["convert", "sq-llava", str(src), str(out), "--base-llm", str(llm_folder), "--clip", str(clip_folder)])
    err = capsys.readouterr().err.strip()
    assert rc != 0 and "missing file" in err and "non_lora_trainables.bin" in err
    assert len(err.splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".out.*"))


def test_wrong_shape_and_unknown_keys_refused(tmp_path, clip_dir, llm_dir):
    clip_folder, _ = clip_dir
    llm_folder, _, _ = llm_dir
    src, proj, _, _ = make_sq_release(tmp_path)
    bad = {f"base_model.model.model.mm_projector.{k}": v for k, v in proj.items()}
    bad["base_model.model.model.mm_projector.c.weight"] = torch.zeros(32, 31)
    torch.save(bad, src / "non_lora_trainables.bin")
    with pytest.raises(ConversionError, match=r"wrong shape for 'model.multi_modal_projector.c.weight'"):
        FORMATS["sq-llava"](src, tmp_path / "o1", base_llm=llm_folder, clip=clip_folder)
    bad.pop("base_model.model.model.mm_projector.c.weight")
    bad["base_model.model.model.mm_projector.q.weight"] = torch.zeros(3)
    torch.save(bad, src / "non_lora_trainables.bin")
    with pytest.raises(ConversionError, match="unknown projector weight"):
        FORMATS["sq-llava"](src, tmp_path / "o2", base_llm=llm_folder, clip=clip_folder)
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


class Exploit:
    def __reduce__(self):
        return (os.system, ("touch exploited",))


def test_pickled_objects_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "adapter_model.bin"
    with open(path, "wb") as f:
        pickle.dump({"w": Exploit()}, f)
    with pytest.raises(ConversionError, match="refused"):
        load_tensors(path)
    assert not (tmp_path / "exploited").exists()
    torch.save({"w": torch.ones(2), "meta": "text"}, path)
    with pytest.raises(ConversionError, match="refused"):
        load_tensors(path)


def test_output_must_be_new(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    with pytest.raises(ConversionError, match="not empty"):
        FORMATS["llava-hf"](tmp_path, tmp_path / "out")


# ------------------------------------------------------------------------------ fine-tuning


def test_a_converted_release_fine_tunes_with_the_train_command(tmp_path, clip_dir, llm_dir):
    """`sqinspect train --from`: stage 2 on the synthetic parts, starting from the release's CLIP,
    projector and LLM (no stage 0 or 1), keeping its tokenizer, template and preprocessing."""
    import csv
    import hashlib

    from safetensors.torch import load_file

    clip_folder, _ = clip_dir
    llm_folder, _, _ = llm_dir
    src, *_ = make_sq_release(tmp_path)
    converted = tmp_path / "converted"
    assert main(["convert", "sq-llava", str(src), str(converted), "--base-llm", str(llm_folder),
                 "--clip", str(clip_folder)]) == 0
    out, work = tmp_path / "tuned", tmp_path / "work"
    assert main(["train", str(out), "--config", "models/configs/tiny.toml", "--work", str(work),
                 "--from", str(converted)]) == 0

    assert not (work / "stage0").exists() and not (work / "stage1").exists()
    assert list(csv.DictReader(open(work / "stage2" / "loss.csv")))
    before, after = load_file(str(converted / "model.safetensors")), load_file(str(out / "model.safetensors"))
    assert before.keys() == after.keys()
    llm_q = "model.language_model.layers.0.self_attn.q_proj.weight"
    vit_q = "model.vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight"
    vit_norm = "model.vision_tower.vision_model.encoder.layers.0.layer_norm1.weight"
    vit_q, vit_norm = (k if k in after else k.replace("vision_model.", "") for k in (vit_q, vit_norm))
    assert not torch.equal(before[llm_q], after[llm_q])  # the LLM trained
    assert not torch.equal(before[vit_q], after[vit_q])  # the ViT through its LoRA
    assert torch.equal(before[vit_norm], after[vit_norm])  # the rest of the tower kept
    source_meta = json.loads((converted / "sqinspect.json").read_text())
    meta = json.loads((out / "sqinspect.json").read_text())
    assert meta["template"] == source_meta["template"] == "v1_sq"
    assert meta["preprocessing"] == source_meta["preprocessing"]
    tuned_from = meta["training"]["finetuned_from"]
    assert tuned_from["model_sha256"] == hashlib.sha256((converted / "model.safetensors").read_bytes()).hexdigest()
    assert 0.0 <= meta["inspection"]["threshold"] <= 1.0
    assert (out / "tokenizer.json").read_bytes() == (converted / "tokenizer.json").read_bytes()
