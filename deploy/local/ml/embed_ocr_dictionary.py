"""Copies a PP-OCR recognition model with its character dictionary embedded as metadata.

RapidOCR's ONNX exports, which Immich downloads, carry the dictionary in the model's `character`
metadata (one character per line); some exports ship it as a separate file instead. This writes
the first kind from the second: usage `embed_ocr_dictionary.py MODEL DICT OUT`.
"""

import sys

import onnx

KEY = "character"


def main() -> None:
    model_path, dict_path, out_path = sys.argv[1:4]
    model = onnx.load(model_path)
    with open(dict_path, "rb") as f:
        # One entry per line; the final newline ends the last entry.
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    kept = [p for p in model.metadata_props if p.key != KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    model.metadata_props.add(key=KEY, value="\n".join(line.rstrip("\r") for line in lines))
    onnx.save(model, out_path)


if __name__ == "__main__":
    main()
