"""Labels of the self-questioning objective, checked token by token on a hand-written conversation."""

import pytest
from tiny_models import byte_level_bpe, llama_style_tokenizer

from models.conversation import IGNORE_INDEX, build_example, get_template

IMG = 10_000  # outside both vocabularies, as a converter adds it
N_IMG = 4

TURNS = [
    {"from": "human", "value": "<image>\nDescribe this part."},
    {"from": "gpt", "value": "A brass hex nut."},
    {"from": "human", "value": "Is there a scratch?"},
    {"from": "gpt", "value": "Yes, at the upper left."},
    {"from": "human", "value": "Is this part defective? Answer yes or no."},
    {"from": "gpt", "value": "Yes."},
]


@pytest.fixture(params=["llama", "bpe"])
def tokenizer(request):
    return llama_style_tokenizer() if request.param == "llama" else byte_level_bpe()


def supervised_text(example, tokenizer):
    """The text of the supervised tokens, one string per contiguous run."""
    runs, current = [], []
    for token_id, label in zip(example["input_ids"], example["labels"]):
        if label == IGNORE_INDEX:
            if current:
                runs.append(current)
                current = []
        else:
            assert label == token_id
            current.append(token_id)
    if current:
        runs.append(current)
    return [tokenizer.decode(run, skip_special_tokens=False).strip() for run in runs]


def test_v1_labels_answers_only(tokenizer):
    ex = build_example(TURNS, tokenizer, "v1", image_token_id=IMG, num_image_tokens=N_IMG)
    assert ex["roles"] == ["USER", "ASSISTANT", "USER", "ASSISTANT", "USER", "ASSISTANT"]
    assert supervised_text(ex, tokenizer) == ["A brass hex nut.</s>", "Yes, at the upper left.</s>", "Yes.</s>"]
    assert ex["input_ids"][0] == tokenizer.token_to_id("<s>")


def test_image_tokens_spliced_and_masked(tokenizer):
    ex = build_example(TURNS, tokenizer, "v1_sq", image_token_id=IMG, num_image_tokens=N_IMG)
    positions = [i for i, t in enumerate(ex["input_ids"]) if t == IMG]
    assert len(positions) == N_IMG
    assert positions == list(range(positions[0], positions[0] + N_IMG))
    assert all(ex["labels"][i] == IGNORE_INDEX for i in positions)
    assert "<image>" not in tokenizer.decode(ex["input_ids"], skip_special_tokens=False)


def test_vuser_questions_supervised(tokenizer):
    # sq_r=1: every human turn after the first is the virtual user's, and carries loss.
    ex = build_example(TURNS, tokenizer, "v1_sq", image_token_id=IMG, num_image_tokens=N_IMG, sq_r=1.0)
    assert ex["roles"] == ["USER", "ASSISTANT", "VUSER", "ASSISTANT", "VUSER", "ASSISTANT"]
    assert "VUSER: Is there a scratch?</s> ASSISTANT: Yes, at the upper left.</s>VUSER:" in ex["text"]
    assert supervised_text(ex, tokenizer) == [
        "A brass hex nut.</s>",
        "Is there a scratch?</s>",
        "Yes, at the upper left.</s>",
        "Is this part defective? Answer yes or no.</s>",
        "Yes.</s>",
    ]
    # The first turn always stays USER, and role names never carry loss.
    assert "Describe" not in " ".join(supervised_text(ex, tokenizer))
    assert all("VUSER" not in s and "ASSISTANT" not in s for s in supervised_text(ex, tokenizer))


def test_system_prompt_is_released_verbatim():
    system = get_template("v1_sq").system
    assert "questions.Also, the artificial" in system
    assert system.endswith("Again, do not ask about uncertain details.")


def test_sq_r_relabelling_is_seeded_and_proportional():
    tok = byte_level_bpe()
    turns = TURNS[:2] + [{"from": "human", "value": "Q?"}, {"from": "gpt", "value": "A."}] * 50
    a = build_example(turns, tok, "v1_sq", image_token_id=IMG, num_image_tokens=N_IMG, sq_r=0.5, seed=3)
    b = build_example(turns, tok, "v1_sq", image_token_id=IMG, num_image_tokens=N_IMG, sq_r=0.5, seed=3)
    c = build_example(turns, tok, "v1_sq", image_token_id=IMG, num_image_tokens=N_IMG, sq_r=0.5, seed=4)
    assert a["input_ids"] == b["input_ids"] and a["labels"] == b["labels"]
    assert a["roles"] != c["roles"]
    vusers = a["roles"].count("VUSER")
    assert 13 <= vusers <= 37  # 50 later human turns at p=0.5: mean 25, sd 3.5
    assert a["roles"][0] == "USER"


def test_answers_only_mode_never_supervises_questions():
    tok = byte_level_bpe()
    ex = build_example(
        TURNS, tok, "v1_sq", image_token_id=IMG, num_image_tokens=N_IMG, sq_r=1.0, answers_only=True
    )
    assert "VUSER" not in ex["roles"]
    assert supervised_text(ex, tok) == ["A brass hex nut.</s>", "Yes, at the upper left.</s>", "Yes.</s>"]


def test_plain_template_supervises_caption_only(tokenizer):
    turns = [{"from": "human", "value": "<image>\nCaption?"}, {"from": "gpt", "value": "A steel washer."}]
    ex = build_example(turns, tokenizer, "plain", image_token_id=IMG, num_image_tokens=N_IMG)
    assert ex["text"] == "<image>\nA steel washer.\n"
    assert supervised_text(ex, tokenizer) == ["A steel washer."]
    assert ex["input_ids"].count(IMG) == N_IMG


def test_malformed_conversation_refused():
    tok = byte_level_bpe()
    with pytest.raises(ValueError, match="starts with a human turn"):
        build_example(TURNS[1:], tok, "v1", image_token_id=IMG, num_image_tokens=N_IMG)
    with pytest.raises(ValueError, match="unknown conversation template"):
        build_example(TURNS, tok, "v2", image_token_id=IMG, num_image_tokens=N_IMG)
