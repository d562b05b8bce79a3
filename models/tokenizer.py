"""The BPE tokenizer of our own models, trained on the training corpus (Hugging Face tokenizers).

Byte-level BPE: every string round-trips, offsets are exact (the label builder relies on them),
and the runtime decodes with the same tokenizer.json without transformers.
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

UNK, BOS, EOS, PAD, IMAGE = "<unk>", "<s>", "</s>", "<pad>", "<image>"
SPECIAL_TOKENS = [UNK, BOS, EOS, PAD, IMAGE]


def train_bpe_tokenizer(texts: Iterable[str], vocab_size: int = 1024, show_progress: bool = True) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE(unk_token=UNK))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=show_progress,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def special_token_ids(tokenizer: Tokenizer) -> dict[str, int | None]:
    return {
        "bos": tokenizer.token_to_id(BOS),
        "eos": tokenizer.token_to_id(EOS),
        "pad": tokenizer.token_to_id(PAD) if tokenizer.token_to_id(PAD) is not None else tokenizer.token_to_id(UNK),
        "unk": tokenizer.token_to_id(UNK),
        "image": tokenizer.token_to_id(IMAGE),
    }
