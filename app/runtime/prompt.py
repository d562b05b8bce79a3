"""Prompt texts and their token ids, exactly as the PyTorch reference builds them.

Texts mirror models/inspect.py (Inspector._prefix, describe_prefix, question_prompt,
verdict_probability); ids mirror models/conversation.tokenize_prompt: BOS first, then each text
chunk between `<image>` placeholders encoded on its own without special tokens, each placeholder
expanded to image_seq_length image tokens. Whole texts are always encoded in one go (never a
prefix and a continuation separately), so ids equal the reference's even where a tokenizer would
merge across the join; the engine reuses cached KV for the longest common token prefix instead.
"""

from __future__ import annotations

from tokenizers import Tokenizer

IMAGE_PLACEHOLDER = "<image>"


class Prompts:
    def __init__(self, manifest: dict, tokenizer: Tokenizer):
        t = manifest["templates"]
        conv = t["conversation"]
        self.system, self.sep, self.sep2 = conv["system"], conv["sep"], conv["sep2"]
        roles = conv["roles"]
        self.user, self.assistant, self.vuser = roles["user"], roles["assistant"], roles["vuser"]
        self.describe_question = t["describe_question"]
        self.verdict_question = manifest["verdict"]["question"]
        self.tokenizer = tokenizer
        sp = manifest["special_token_ids"]
        self.add_bos = manifest.get("prompt", {}).get("add_bos", sp.get("bos") is not None)
        self.bos = sp.get("bos")
        self.image_token = sp["image"]
        self.image_seq_length = int(manifest["image_seq_length"])

    # -- texts (models/inspect.py) ------------------------------------------------------------
    def first_turn(self, question: str) -> str:
        return f"{self.system}{self.sep}{self.user}: {IMAGE_PLACEHOLDER}\n{question}{self.sep}{self.assistant}:"

    def describe(self) -> str:
        return self.first_turn(self.describe_question)

    def history(self, description: str) -> str:
        return f"{self.describe()} {description}{self.sep2}"

    def question(self, history: str) -> str:
        """What the virtual user continues: its sampled text is the question."""
        return f"{history}{self.vuser}:"

    def answer(self, history: str, question: str) -> str:
        return f"{history}{self.vuser}: {question}{self.sep2}{self.sep}{self.assistant}:"

    def ask(self, history: str, question: str) -> str:
        """A question from the (human) user after the description, as evaluation probes ask it."""
        return f"{history}{self.user}: {question}{self.sep}{self.assistant}:"

    def verdict(self) -> str:
        """Asked straight after the image, as the model was trained to answer it (models/inspect.py)."""
        return self.first_turn(self.verdict_question)

    # -- ids (models/conversation.tokenize_prompt) -------------------------------------------------
    def encode(self, text: str) -> list[int]:
        ids = [self.bos] if self.add_bos and self.bos is not None else []
        for n, chunk in enumerate(text.split(IMAGE_PLACEHOLDER)):
            if n:
                ids.extend([self.image_token] * self.image_seq_length)
            if chunk:
                ids.extend(self.tokenizer.encode(chunk, add_special_tokens=False).ids)
        return ids

    def decode(self, tokens: list[int]) -> str:
        """Generated tokens -> text, as the reference decodes them (special tokens dropped, stripped)."""
        return self.tokenizer.decode(tokens, skip_special_tokens=True).strip()
