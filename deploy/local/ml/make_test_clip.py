"""Writes tiny CLIP-shaped models in Immich's layout into the clip folder given as argument.

The image tower takes the mean colour of the (normalised) image, undoes the normalisation, and
scores it against ten colour prototypes with a narrow Gaussian; the text tower sums one vector
per colour word (unknown words and special tokens add nothing). Both map the ten scores into a
64-d space through the same random orthonormal rows, so "red" and a red photo share a direction
while the embedding looks like any other. Inputs, outputs and dtypes follow Immich's exports:
visual "image" float32 [N,3,H,W], textual "text" int32 [N,context_length], first output the
embedding.
"""

import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

EMBED_DIM = 64
CONTEXT_LENGTH = 32
IMAGE_SIZE = 128
# Sharpness of the colour match: a prototype 0.25 away (squared RGB distance) scores e^-5.
TEMPERATURE = 0.05
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
COLOURS = {
    "red": (1.0, 0.0, 0.0),
    "green": (0.0, 1.0, 0.0),
    "blue": (0.0, 0.0, 1.0),
    "yellow": (1.0, 1.0, 0.0),
    "orange": (1.0, 0.5, 0.0),
    "purple": (0.5, 0.0, 0.5),
    "pink": (1.0, 0.4, 0.7),
    "white": (1.0, 1.0, 1.0),
    "black": (0.0, 0.0, 0.0),
    "gray": (0.5, 0.5, 0.5),
}
SPECIALS = ["<|startoftext|>", "<|endoftext|>", "[UNK]"]
# Known words without colour: they tokenise to themselves but add nothing.
FILLERS = ["a", "an", "the", "photo", "picture", "of", "car", "with", "and"]
OPSET = 17


def directions(count: int) -> np.ndarray:
    """`count` orthonormal rows in EMBED_DIM dimensions, the same on every run."""
    rng = np.random.default_rng(20240605)
    q, _ = np.linalg.qr(rng.standard_normal((EMBED_DIM, count)))
    return q.T.astype(np.float32)


def const(name: str, array: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name))


def save(model: onnx.ModelProto, path: Path) -> None:
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))


def visual(rows: np.ndarray, path: Path, raw_input: bool = False) -> None:
    """raw_input: the photo as bytes [N,H,W,3], normalised inside the graph (newer exports)."""
    prototypes = np.array(list(COLOURS.values()), dtype=np.float32)  # [K, 3]
    nodes = [
        const("std", np.array(STD, dtype=np.float32)),
        const("mean", np.array(MEAN, dtype=np.float32)),
        const("prototypes_t", prototypes.T.copy()),
        const("prototype_norms", (prototypes**2).sum(axis=1).astype(np.float32)),
        const("minus_two", np.array(-2.0, dtype=np.float32)),
        const("minus_inv_temperature", np.array(-1.0 / TEMPERATURE, dtype=np.float32)),
        const("sum_axes", np.array([1], dtype=np.int64)),
        const("rows", rows),
    ]
    if raw_input:
        nodes += [
            const("inv_255", np.array(1.0 / 255.0, dtype=np.float32)),
            helper.make_node("Cast", ["image"], ["image_float"], to=TensorProto.FLOAT),
            helper.make_node("ReduceMean", ["image_float"], ["byte_mean"], axes=[1, 2], keepdims=0),
            helper.make_node("Mul", ["byte_mean", "inv_255"], ["rgb"]),
        ]
        image_input = helper.make_tensor_value_info("image", TensorProto.UINT8, ["batch", IMAGE_SIZE, IMAGE_SIZE, 3])
    else:
        nodes += [
            helper.make_node("ReduceMean", ["image"], ["normalised_mean"], axes=[2, 3], keepdims=0),
            helper.make_node("Mul", ["normalised_mean", "std"], ["scaled"]),
            helper.make_node("Add", ["scaled", "mean"], ["rgb"]),
        ]
        image_input = helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, IMAGE_SIZE, IMAGE_SIZE])
    nodes += [
        helper.make_node("MatMul", ["rgb", "prototypes_t"], ["dot"]),
        helper.make_node("Mul", ["rgb", "rgb"], ["rgb_squared"]),
        helper.make_node("ReduceSum", ["rgb_squared", "sum_axes"], ["rgb_norm"], keepdims=1),
        helper.make_node("Mul", ["dot", "minus_two"], ["minus_two_dot"]),
        helper.make_node("Add", ["rgb_norm", "minus_two_dot"], ["partial_distance"]),
        helper.make_node("Add", ["partial_distance", "prototype_norms"], ["distance"]),
        helper.make_node("Mul", ["distance", "minus_inv_temperature"], ["logits"]),
        helper.make_node("Exp", ["logits"], ["scores"]),
        helper.make_node("MatMul", ["scores", "rows"], ["embedding"]),
    ]
    graph = helper.make_graph(
        nodes,
        "shoebox-test-clip-visual",
        [image_input],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", EMBED_DIM])],
    )
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]), path)


def textual(vocab: dict, rows: np.ndarray, path: Path) -> None:
    table = np.zeros((len(vocab), EMBED_DIM), dtype=np.float32)
    for k, word in enumerate(COLOURS):
        table[vocab[word]] = rows[k]
    nodes = [
        const("token_table", table),
        const("sum_axes", np.array([1], dtype=np.int64)),
        helper.make_node("Gather", ["token_table", "text"], ["token_vectors"], axis=0),
        helper.make_node("ReduceSum", ["token_vectors", "sum_axes"], ["embedding"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "shoebox-test-clip-textual",
        [helper.make_tensor_value_info("text", TensorProto.INT32, ["batch", CONTEXT_LENGTH])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", EMBED_DIM])],
    )
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]), path)


def tokenizer(vocab: dict) -> dict:
    """A WordLevel tokenizer.json (real CLIP models ship BPE ones) with CLIP's special tokens."""
    start, end = SPECIALS[0], SPECIALS[1]
    special = lambda token: {"SpecialToken": {"id": token, "type_id": 0}}  # noqa: E731
    sequence = lambda name: {"Sequence": {"id": name, "type_id": 0}}  # noqa: E731
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t in SPECIALS
        ],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special(start), sequence("A"), special(end)],
            "pair": [special(start), sequence("A"), special(end), sequence("B"), special(end)],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in (start, end)},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }


def write_model(out: Path, raw_input: bool) -> None:
    words = SPECIALS + list(COLOURS) + FILLERS
    vocab = {word: i for i, word in enumerate(words)}
    rows = directions(len(COLOURS))
    visual(rows, out / "visual" / "model.onnx", raw_input)
    textual(vocab, rows, out / "textual" / "model.onnx")
    write = lambda name, data: (out / name).write_text(json.dumps(data, indent=2) + "\n")  # noqa: E731
    write("config.json", {
        "embed_dim": EMBED_DIM,
        "vision_cfg": {"image_size": IMAGE_SIZE, "layers": 0, "width": 0, "patch_size": 0},
        "text_cfg": {"context_length": CONTEXT_LENGTH, "vocab_size": len(vocab), "width": 0, "heads": 0, "layers": 0},
    })
    write("visual/preprocess_cfg.json", {
        "size": [IMAGE_SIZE, IMAGE_SIZE], "mode": "RGB", "mean": MEAN, "std": STD,
        "interpolation": "bicubic", "resize_mode": "shortest", "fill_color": 0,
    })
    write("textual/tokenizer.json", tokenizer(vocab))
    write("textual/tokenizer_config.json", {
        "bos_token": SPECIALS[0], "eos_token": SPECIALS[1], "pad_token": SPECIALS[1], "unk_token": SPECIALS[2],
        "model_max_length": CONTEXT_LENGTH,
    })
    write("textual/special_tokens_map.json", {
        "bos_token": SPECIALS[0], "eos_token": SPECIALS[1], "pad_token": SPECIALS[1], "unk_token": SPECIALS[2],
    })


def main(clip_dir: Path) -> None:
    """Writes shoebox-test-clip (float32 input) and shoebox-test-clip-uint8 (bytes input)."""
    write_model(clip_dir / "shoebox-test-clip", raw_input=False)
    write_model(clip_dir / "shoebox-test-clip-uint8", raw_input=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
