"""Trains the traffic / non-traffic model and exports it to ONNX.

Reads the corpus written by prepare-corpus.ts (<repo>/.cache/training/corpus.jsonl, already
cleaned by the shared TypeScript preprocessing), splits it by unique cleaned text, trains
TF-IDF + a linear classifier with scikit-learn, reports held-out, 10-fold CV and
generalisation-set metrics, and writes apps/classifier/model/{traffic-v1.onnx,
metadata.json, parity-heldout.json}. See docs/MODEL.md ("Retraining").

    .cache/venv/bin/python apps/classifier/training/train.py [--no-cv] [--dry-run]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import scipy
import skl2onnx
import sklearn
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import StringTensorType
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / ".cache" / "training"
MODEL_DIR = REPO / "apps" / "classifier" / "model"
MODEL_NAME = "traffic-tfidf-svm"
MODEL_VERSION = "1.0.0"
ONNX_FILE = "traffic-v1.onnx"
SEED = 20161027
HELD_OUT = 0.2
# The exported graph's first label is index 0 of the probability output.
LABELS = ["non_traffic", "traffic"]
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
PARAMS = {
    "tfidf": {
        # The TypeScript preprocessing already lowercased, cleaned and tokenized: split on
        # the single spaces it leaves, exactly what the ONNX Tokenizer does with separators.
        "token_pattern": r"[^ ]+",
        "lowercase": False,
        "ngram_range": [1, 2],
        "min_df": 2,
        # sublinear_tf stays off: skl2onnx 1.20 exports it wrongly (TF-IDF values off by up to 0.025).
        "sublinear_tf": False,
    },
    "classifier": "CalibratedClassifierCV(LinearSVC)",
    "svm": {"C": 0.5, "class_weight": "balanced"},
    "calibration": {"method": "sigmoid", "cv": 5, "ensemble": False},
    # Synthetic ordinary-people posts (augment.ts) added to the training data only:
    # the first N of each label in .cache/training/augmentation.jsonl.
    "augmentation": {"traffic": 550, "non_traffic": 300},
}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def select_augmentation(posts: list[dict], counts: dict) -> list[dict]:
    chosen = []
    for label, count in counts.items():
        of_label = [post for post in posts if post["label"] == label]
        if len(of_label) < count:
            raise SystemExit(f"only {len(of_label)} augmentation posts labelled {label}, {count} wanted")
        chosen += of_label[:count]
    return chosen


def cross_validate_with(texts: list[str], labels: list[str], extra: list[dict]) -> dict:
    """10-fold CV on the corpus; the synthetic posts join every training fold, never a test fold."""
    folds = StratifiedKFold(n_splits=10, shuffle=True, random_state=SEED)
    accuracies, f1s = [], []
    for train_idx, test_idx in folds.split(texts, labels):
        x = [texts[i] for i in train_idx] + [post["cleanText"] for post in extra]
        y = [labels[i] for i in train_idx] + [post["label"] for post in extra]
        predicted = make_pipeline().fit(x, y).predict([texts[i] for i in test_idx])
        truth = [labels[i] for i in test_idx]
        accuracies.append(accuracy_score(truth, predicted))
        f1s.append(f1_score(truth, predicted, average="macro"))
    return {
        "folds": 10,
        "n": len(texts),
        "accuracy_mean": round(float(np.mean(accuracies)), 5),
        "accuracy_std": round(float(np.std(accuracies)), 5),
        "f1_macro_mean": round(float(np.mean(f1s)), 5),
    }


def make_pipeline() -> Pipeline:
    tfidf = dict(PARAMS["tfidf"])
    tfidf["ngram_range"] = tuple(tfidf["ngram_range"])
    svm = LinearSVC(random_state=SEED, **PARAMS["svm"])
    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(**tfidf)),
            ("clf", CalibratedClassifierCV(svm, **PARAMS["calibration"])),
        ]
    )


def metrics(truth: list[str], predicted: list[str]) -> dict:
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, predicted, labels=["traffic"], average=None, zero_division=0
    )
    matrix = confusion_matrix(truth, predicted, labels=LABELS)
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 5),
        # Precision, recall and F1 of the "traffic" class.
        "precision": round(float(precision[0]), 5),
        "recall": round(float(recall[0]), 5),
        "f1": round(float(f1[0]), 5),
        "confusion": {"labels": LABELS, "rows_truth_cols_predicted": matrix.tolist()},
    }


def export_onnx(pipeline: Pipeline) -> bytes:
    model = convert_sklearn(
        pipeline,
        name=MODEL_NAME,
        initial_types=[("text", StringTensorType([None, 1]))],
        # locale "C": ONNX Runtime's StringNormalizer throws at load time on machines
        # without the en_US.UTF-8 locale (slim images, CI) when the locale is left unset.
        options={
            TfidfVectorizer: {"separators": [" "], "locale": "C"},
            CalibratedClassifierCV: {"zipmap": False},
        },
        target_opset=TARGET_OPSET,
    )
    for node in model.graph.node:
        if node.op_type == "StringNormalizer":
            attrs = {a.name: a for a in node.attribute}
            if "locale" not in attrs:
                node.attribute.append(onnx.helper.make_attribute("locale", "C"))
    onnx.checker.check_model(model)
    assert [o.name for o in model.graph.output] == ["label", "probabilities"], model.graph.output
    return model.SerializeToString()


def onnx_predict(model_bytes: bytes, texts: list[str]) -> tuple[list[str], np.ndarray]:
    session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    labels, probabilities = session.run(None, {"text": np.array(texts, dtype=object).reshape(-1, 1)})
    return [str(label) for label in labels], np.asarray(probabilities)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cv", action="store_true", help="skip the 10-fold cross-validation")
    parser.add_argument("--dry-run", action="store_true", help="report metrics, write nothing")
    args = parser.parse_args()

    corpus = read_jsonl(CACHE / "corpus.jsonl")
    info = json.loads((CACHE / "corpus-info.json").read_text(encoding="utf-8"))
    texts = [item["cleanText"] for item in corpus]
    labels = [item["label"] for item in corpus]
    indices = np.arange(len(corpus))
    train_idx, held_idx = train_test_split(
        indices, test_size=HELD_OUT, stratify=labels, random_state=SEED
    )
    x_train = [texts[i] for i in train_idx]
    y_train = [labels[i] for i in train_idx]
    x_held = [texts[i] for i in held_idx]
    y_held = [labels[i] for i in held_idx]
    augmentation = select_augmentation(
        read_jsonl(CACHE / "augmentation.jsonl"), PARAMS["augmentation"]
    )
    x_train += [post["cleanText"] for post in augmentation]
    y_train += [post["label"] for post in augmentation]

    started = time.time()
    pipeline = make_pipeline().fit(x_train, y_train)
    print(f"trained on {len(x_train)} texts in {time.time() - started:.1f} s", flush=True)
    assert list(pipeline.classes_) == LABELS, pipeline.classes_
    held_pred = list(pipeline.predict(x_held))
    held = metrics(y_held, held_pred)
    print("held-out:", json.dumps(held), flush=True)

    generalisation = None
    gen_path = CACHE / "generalisation.jsonl"
    if gen_path.exists():
        gen = read_jsonl(gen_path)
        gen_pred = list(pipeline.predict([item["cleanText"] for item in gen]))
        generalisation = metrics([item["label"] for item in gen], gen_pred)
        print("generalisation:", json.dumps(generalisation), flush=True)
        wrong = [
            (item["label"], item["cleanText"]) for item, p in zip(gen, gen_pred) if p != item["label"]
        ]
        for truth, text in wrong:
            print(f"  wrong (truth {truth}): {text}")

    cv = None
    if not args.no_cv:
        started = time.time()
        cv = cross_validate_with(texts, labels, augmentation)
        print(f"10-fold CV in {time.time() - started:.0f} s:", json.dumps(cv), flush=True)

    model_bytes = export_onnx(pipeline)
    onnx_labels, onnx_proba = onnx_predict(model_bytes, x_held)
    sk_proba = pipeline.predict_proba(x_held)
    label_agreement = sum(a == b for a, b in zip(onnx_labels, held_pred))
    max_diff = float(np.abs(onnx_proba - sk_proba).max())
    print(f"ONNX (Python) vs scikit-learn on held-out: {label_agreement}/{len(x_held)} labels equal, max |p diff| {max_diff:.2e}")
    if args.dry_run:
        return

    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    (MODEL_DIR / ONNX_FILE).write_bytes(model_bytes)
    sources = sorted({item["source"] for item in corpus})
    # No corpus text here: each held-out item is named by file + record number and
    # the sha256 of its cleaned text, so the parity test can find and check it.
    rows = []
    for position, i in enumerate(held_idx):
        item = corpus[i]
        predicted = held_pred[position]
        rows.append(
            [
                sources.index(item["source"]),
                item["record"],
                hashlib.sha256(item["cleanText"].encode("utf-8")).hexdigest()[:12],
                LABELS.index(predicted),
                round(float(sk_proba[position][LABELS.index(predicted)]), 6),
            ]
        )
    parity = {
        "model": {"name": MODEL_NAME, "version": MODEL_VERSION},
        "preprocessingVersion": info["preprocessingVersion"],
        "labels": LABELS,
        "sources": sources,
        "columns": ["source", "record", "cleanTextSha256Prefix", "label", "score"],
        "rows": rows,
    }
    (MODEL_DIR / "parity-heldout.json").write_text(
        json.dumps(parity, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    metadata = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "file": ONNX_FILE,
        "sha256": hashlib.sha256(model_bytes).hexdigest(),
        "labels": LABELS,
        "input": {"name": "text", "shape": ["N", 1], "type": "string", "content": "cleanText"},
        "outputs": {"label": "label", "probabilities": "probabilities"},
        "preprocessingVersion": info["preprocessingVersion"],
        "trainedAt": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "seed": SEED,
        "split": {"heldOutFraction": HELD_OUT, "by": "unique cleaned text, stratified"},
        "parameters": PARAMS,
        "data": {
            "files": info["files"],
            "stats": info["stats"],
            "train": len(x_train),
            "trainFromCorpus": len(train_idx),
            "trainSynthetic": len(augmentation),
            "heldOut": len(x_held),
            "generalisationSetSha256": file_sha256(Path(__file__).parent / "generalisation-set.jsonl"),
        },
        "metrics": {
            "heldOut": held,
            "crossValidation": cv,
            "generalisation": generalisation,
            "paper": {
                "source": "Kurniawan, Wibirama & Setiawan, ICITEE 2016: linear SVM, 10-fold CV, balanced data",
                "accuracy": 0.9977,
            },
            "onnxVsSklearnHeldOut": {"labelsEqual": label_agreement, "n": len(x_held), "maxProbabilityDiff": max_diff},
        },
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "skl2onnx": skl2onnx.__version__,
            "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "opset": TARGET_OPSET,
    }
    (MODEL_DIR / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_DIR / ONNX_FILE} ({len(model_bytes)} bytes), metadata.json, parity-heldout.json")


if __name__ == "__main__":
    sys.exit(main())
