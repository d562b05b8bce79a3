"""Conversation templates and the builder that turns a conversation into input_ids + labels.

Templates (SQ-LLaVA.md):
  plain  `<image>\n{caption}\n`                                   (stage 1; loss on the caption)
  v1     `{system} USER: <image>\n{q1} ASSISTANT: {a1}</s>USER: {q2} ASSISTANT: {a2}</s>`
  v1_sq  as v1, but later human turns may be re-labelled VUSER:
         `... ASSISTANT: {a1}</s>VUSER: {q2}</s> ASSISTANT: {a2}</s>`

Loss: masked for the system prompt, USER text and role prefixes; supervised for VUSER question
text with its end token and for every assistant answer with its end token.

The prompt is assembled as text while recording the character spans that carry loss; it is
tokenized once per image-separated chunk and each token is labelled from its character offsets.
This keeps the labels exact for any tokenizer that reports offsets (BPE, byte-level, LLaMA's
SentencePiece-style), instead of re-tokenizing prefixes and guessing boundary effects.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

IGNORE_INDEX = -100
IMAGE_PLACEHOLDER = "<image>"

# Released SQ-LLaVA system prompt, verbatim (including the missing space after "questions.").
SQ_LLAVA_SYSTEM = (
    "A chat between a curious user and an artificial intelligence assistant. The assistant gives "
    "helpful, detailed, and polite answers to the user's questions.Also, the artificial intelligence "
    "assistant is a curious virtual user. The virtual user asks complex questions that are relevant "
    "to the content in the image, for example, asking about background knowledge of the objects in "
    "the image, asking to discuss about events happening in the image, etc. Again, do not ask about "
    "uncertain details."
)
VICUNA_SYSTEM = (
    "A chat between a curious user and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the user's questions."
)
# Our inspection model: the virtual user is an experienced quality inspector.
INSPECTION_SYSTEM = (
    "A chat between a factory inspector and an inspection assistant. The assistant describes "
    "the part in the image and answers accurately. The virtual user is an experienced quality "
    "inspector who asks the questions that decide whether the part passes."
)

HUMAN, GPT = "human", "gpt"


@dataclass(frozen=True)
class Template:
    name: str
    system: str
    user: str = "USER"
    assistant: str = "ASSISTANT"
    vuser: str = "VUSER"
    sep: str = " "  # after the system prompt and after USER turns
    sep2: str = "</s>"  # after ASSISTANT and VUSER turns (the end-of-turn token)
    self_questioning: bool = False

    def to_dict(self) -> dict:
        """The form written into the bundle manifest."""
        return {
            "name": self.name,
            "system": self.system,
            "roles": {"user": self.user, "assistant": self.assistant, "vuser": self.vuser},
            "sep": self.sep,
            "sep2": self.sep2,
        }


TEMPLATES = {
    "plain": Template("plain", system="", sep2="\n"),
    "v1": Template("v1", system=VICUNA_SYSTEM),
    "v1_sq": Template("v1_sq", system=SQ_LLAVA_SYSTEM, self_questioning=True),
    "inspect_sq": Template("inspect_sq", system=INSPECTION_SYSTEM, self_questioning=True),
}


def get_template(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise ValueError(f"unknown conversation template {name!r}; known: {sorted(TEMPLATES)}") from None


@dataclass
class Prompt:
    """Prompt text plus the character spans that carry loss."""

    text: str = ""
    supervised: list[tuple[int, int]] = field(default_factory=list)

    def add(self, piece: str, supervised: bool = False) -> None:
        if supervised and piece:
            # Leading spaces belong to the token boundary, not to the supervised content.
            lead = len(piece) - len(piece.lstrip(" "))
            self.supervised.append((len(self.text) + lead, len(self.text) + len(piece)))
        self.text += piece


def render_conversation(
    turns: list[dict],
    template: Template,
    *,
    sq_r: float = 0.0,
    rng: random.Random | None = None,
    answers_only: bool = False,
) -> tuple[Prompt, list[str]]:
    """Lay out `turns` ([{"from": "human"|"gpt", "value": str}, ...], LLaVA format) as text.

    Human turns after the first become VUSER with probability `sq_r` when the template
    self-questions; in `answers_only` mode (plain LLaVA instruction tuning) they never do.
    Returns the prompt and the role used for each turn.
    """
    if not turns or turns[0]["from"] != HUMAN:
        raise ValueError("a conversation starts with a human turn")
    rng = rng or random.Random(0)
    prompt = Prompt()
    roles: list[str] = []

    if template.name == "plain":
        # Stage-1 alignment: only the image and the caption; the question is dropped.
        if len(turns) < 2:
            raise ValueError("plain template needs a caption turn")
        prompt.add(IMAGE_PLACEHOLDER + "\n")
        prompt.add(turns[1]["value"] + template.sep2, supervised=True)
        return prompt, [HUMAN, GPT]

    if template.system:
        prompt.add(template.system + template.sep)
    for i, turn in enumerate(turns):
        expected = HUMAN if i % 2 == 0 else GPT
        if turn["from"] != expected:
            raise ValueError(f"turn {i} should be from {expected!r}, got {turn['from']!r}")
        value = turn["value"]
        if turn["from"] == GPT:
            prompt.add(f"{template.assistant}: ")
            prompt.add(value + template.sep2, supervised=True)
            roles.append(template.assistant)
            continue
        vuser = (
            i > 0
            and template.self_questioning
            and not answers_only
            and sq_r > 0
            and rng.random() < sq_r
        )
        if vuser:
            prompt.add(f"{template.vuser}: ")
            prompt.add(value + template.sep2, supervised=True)
            prompt.add(template.sep)
            roles.append(template.vuser)
        else:
            prompt.add(f"{template.user}: {value}{template.sep}")
            roles.append(template.user)
    return prompt, roles


def tokenize_prompt(
    prompt: Prompt,
    tokenizer,
    *,
    image_token_id: int,
    num_image_tokens: int,
    add_bos: bool = True,
) -> tuple[list[int], list[int]]:
    """Tokenize a prompt; `<image>` becomes `num_image_tokens` copies of `image_token_id`.

    `tokenizer` is a `tokenizers.Tokenizer` (what the runtime uses too). Each chunk between
    image placeholders is encoded on its own, as LLaVA does, so the image never merges with
    neighbouring text. A token carries loss when its characters overlap a supervised span.
    """
    input_ids: list[int] = []
    labels: list[int] = []
    if add_bos:
        bos = _bos_id(tokenizer)
        if bos is not None:
            input_ids.append(bos)
            labels.append(IGNORE_INDEX)

    offset = 0
    chunks = prompt.text.split(IMAGE_PLACEHOLDER)
    for n, chunk in enumerate(chunks):
        if n > 0:
            input_ids.extend([image_token_id] * num_image_tokens)
            labels.extend([IGNORE_INDEX] * num_image_tokens)
            offset += len(IMAGE_PLACEHOLDER)
        if chunk:
            enc = tokenizer.encode(chunk, add_special_tokens=False)
            for token_id, (start, end) in zip(enc.ids, enc.offsets):
                input_ids.append(token_id)
                supervised = _overlaps(offset + start, offset + max(end, start + 1), prompt.supervised)
                labels.append(token_id if supervised else IGNORE_INDEX)
        offset += len(chunk)
    return input_ids, labels


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < s_end and end > s_start for s_start, s_end in spans)


def _bos_id(tokenizer) -> int | None:
    for name in ("<s>", "<|startoftext|>", "<bos>"):
        token_id = tokenizer.token_to_id(name)
        if token_id is not None:
            return token_id
    return None


def build_example(
    turns: list[dict],
    tokenizer,
    template: Template | str,
    *,
    image_token_id: int,
    num_image_tokens: int,
    sq_r: float = 0.0,
    seed: int | None = None,
    answers_only: bool = False,
) -> dict:
    """One training example: input_ids, labels (IGNORE_INDEX where no loss) and the roles used."""
    if isinstance(template, str):
        template = get_template(template)
    rng = random.Random(seed)
    prompt, roles = render_conversation(turns, template, sq_r=sq_r, rng=rng, answers_only=answers_only)
    input_ids, labels = tokenize_prompt(
        prompt, tokenizer, image_token_id=image_token_id, num_image_tokens=num_image_tokens
    )
    return {"input_ids": input_ids, "labels": labels, "roles": roles, "text": prompt.text}
