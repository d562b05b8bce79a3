"""The bundle's short model card (README.md), written from the manifest so it cannot disagree with it."""

from __future__ import annotations


def model_card(manifest: dict, parity: dict) -> str:
    m, p, g = manifest["model"], manifest["provenance"], manifest["generation"]
    lines = [
        f"# {m['name']} ({manifest['precision']})",
        "",
        f"SQ-Inspect bundle, format {manifest['format_version']}: a self-questioning vision-language model "
        f"(SQ-LLaVA, {m['projector']} projector) for visual inspection of parts. Read by the SQ-Inspect app; "
        "check it with `sqinspect verify` before use.",
        "",
        f"- Model version: {m['version']}",
        f"- Language model: {manifest['num_layers']} layers, hidden {manifest['hidden_size']}, "
        f"{manifest['num_kv_heads']} KV heads x {manifest['head_dim']}, vocabulary {manifest['vocab_size']}",
        f"- Image: {manifest['preprocessing']['size']} px, {manifest['image_seq_length']} image tokens",
        f"- Prompt template: {manifest['templates']['conversation']['name']}; "
        f"{g['num_questions']} self-questions per part",
        f"- Verdict: \"{manifest['verdict']['question']}\" -> P(yes) >= {manifest['verdict']['threshold']:.4f} means fail",
        f"- Source checkpoint sha256: {p['source_checkpoint_sha256']}",
        f"- Exported {p['date']} with exporter {p['exporter_version']}, torch {p['torch']}, onnx {p['onnx']}, "
        f"onnxruntime {p['onnxruntime']}, opset {p['opset']}",
        "",
        "## Parity with PyTorch (fp32 graphs)",
        "",
        f"- Prefill logits max abs diff: {parity['prefill_batch1']['max_abs_diff']:.3g} (batch 1), "
        f"{parity['prefill_batch2_left_padded']['max_abs_diff']:.3g} (padded batch of 2)",
        f"- Decode steps max abs diff: {parity['decode_steps_padded']['max_abs_diff']:.3g}",
        f"- Greedy tokens identical over {parity['greedy']['steps']} steps: {parity['greedy']['identical']}",
        f"- Verdict probability diff: {parity['verdict']['abs_diff']:.3g}",
    ]
    acc = manifest.get("accuracy_vs_fp32")
    if acc:
        lines += [
            "",
            f"## {manifest['precision']} against fp32 ({acc['images']} synthetic eval images)",
            "",
        ]
        if acc.get("computed", True):
            lines += [
                f"- Defect probability max abs diff: {acc['defect_probability_max_abs_diff']:.3g}",
                f"- Verdict agreement: {acc['verdict_agreement']:.0%}; accuracy delta: {acc['accuracy_delta']:+.3f}",
                f"- Greedy description tokens reproduced: {acc['greedy_token_agreement']:.0%}",
            ]
        else:
            lines.append(f"- Not computed: {acc['reason']}")
    lines += ["", "Synthetic-data model: validate on your own parts before relying on its verdicts.", ""]
    return "\n".join(lines)
