"""Trains the traffic / non-traffic model and exports it to ONNX.

Reads the corpus written by prepare-corpus.ts (<repo>/.cache/training/corpus.jsonl, already
cleaned by the shared TypeScript preprocessing), splits it by unique cleaned text, trains
TF-IDF + a linear classifier with scikit-learn, reports held-out, 10-fold CV and
generalisation-set metrics, and writes apps/classifier/model/{traffic-v2.onnx,
traffic-v2.vocabulary.txt, metadata.json, parity-heldout.json}, plus the fitted scikit-learn
pipeline (joblib) to .cache/training/ for the original-design benchmark. See docs/MODEL.md
("Retraining", "The graph").

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

import joblib
import numpy as np
import onnx
import onnxruntime
import scipy
import sklearn
from onnx import TensorProto, helper, numpy_helper
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
# 2.0.0: the same scikit-learn model as 1.0.0, exported as the sparse graph (n-grams looked up
# in JavaScript) instead of skl2onnx's dense TfIdfVectorizer.
MODEL_VERSION = "2.0.0"
ONNX_FILE = "traffic-v2.onnx"
VOCABULARY_FILE = "traffic-v2.vocabulary.txt"
# The fitted pipeline, for bench/original/classifier_loop.py; large, so never in git.
PIPELINE_FILE = CACHE / "traffic-pipeline.joblib"
SEED = 20161027
HELD_OUT = 0.2
# The exported graph's first label is index 0 of the probability output.
LABELS = ["non_traffic", "traffic"]
# The languages the model is trained for (BCP 47): the corpora are Indonesian tweets
# from Java that mix in Javanese and Sundanese, and Malay is the same language in
# another standard (detectors and users mix them up). The classifier labels posts in
# other languages "not classified" (docs/MODEL.md, "Languages").
LANGUAGES = ["id", "ms", "jv", "su"]
TARGET_OPSET = {"": 17}
PARAMS = {
    "tfidf": {
        # The TypeScript preprocessing already lowercased, cleaned and tokenized: split on
        # the single spaces it leaves, exactly what the ONNX Tokenizer does with separators.
        "token_pattern": r"[^ ]+",
        "lowercase": False,
        "ngram_range": [1, 2],
        "min_df": 2,
        # sublinear_tf stays off: the model is that of 1.0.0, when skl2onnx 1.20 exported it
        # wrongly (TF-IDF values off by up to 0.025).
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


def export_onnx(pipeline: Pipeline) -> tuple[bytes, list[str]]:
    """The fitted pipeline as a small ONNX graph over term ids, plus its vocabulary (id order).

    scikit-learn's TF-IDF row of a post is l2_normalize(count(term) * idf[term]) over its
    distinct word 1-2 grams, and the calibrated linear SVM turns it into
    p(traffic) = expit(-(a * (x . coef + intercept) + b)). The graph takes, per post, the
    vocabulary ids of its distinct n-grams and their counts (padded to the longest post with
    count 0, which adds nothing), so its cost grows with the words of a post, not with the
    42k features; the caller (apps/classifier/src/term-ids.ts) looks the n-grams up.
    """
    tfidf: TfidfVectorizer = pipeline.named_steps["tfidf"]
    calibrated: CalibratedClassifierCV = pipeline.named_steps["clf"]
    assert len(calibrated.calibrated_classifiers_) == 1, "ensemble=False keeps one SVM"
    inner = calibrated.calibrated_classifiers_[0]
    svm, sigmoid = inner.estimator, inner.calibrators[0]
    assert list(svm.classes_) == LABELS and tfidf.norm == "l2" and not tfidf.sublinear_tf
    assert tfidf.use_idf and tfidf.binary is False
    vocabulary = [""] * len(tfidf.vocabulary_)
    for term, index in tfidf.vocabulary_.items():
        vocabulary[index] = term
    # One term a line in the vocabulary file.
    assert all(term and "\n" not in term and "\r" not in term for term in vocabulary)

    def const(name: str, values) -> onnx.TensorProto:
        return numpy_helper.from_array(np.asarray(values, dtype=np.float32), name)

    initializers = [
        const("idf", tfidf.idf_),
        const("coef", svm.coef_[0]),
        const("intercept", [svm.intercept_[0]]),
        # p(traffic) = sigmoid(-a * decision - b)
        const("minus_a", [-sigmoid.a_]),
        const("minus_b", [-sigmoid.b_]),
        const("one", [1.0]),
        # An empty post (norm 0) keeps scikit-learn's all-zero row: 0 / tiny = 0.
        const("tiny", [np.finfo(np.float32).tiny]),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
    ]
    node = helper.make_node
    nodes = [
        node("Gather", ["idf", "ids"], ["term_idf"]),
        node("Mul", ["counts", "term_idf"], ["weights"]),
        node("Mul", ["weights", "weights"], ["squares"]),
        node("ReduceSum", ["squares", "axis1"], ["sum_squares"], keepdims=1),
        node("Sqrt", ["sum_squares"], ["norm"]),
        node("Max", ["norm", "tiny"], ["safe_norm"]),
        node("Gather", ["coef", "ids"], ["term_coef"]),
        node("Mul", ["weights", "term_coef"], ["products"]),
        node("ReduceSum", ["products", "axis1"], ["dot"], keepdims=1),
        node("Div", ["dot", "safe_norm"], ["scaled"]),
        node("Add", ["scaled", "intercept"], ["decision"]),
        node("Mul", ["decision", "minus_a"], ["decision_a"]),
        node("Add", ["decision_a", "minus_b"], ["logit"]),
        node("Sigmoid", ["logit"], ["p_traffic"]),
        node("Sub", ["one", "p_traffic"], ["p_non_traffic"]),
        # Columns in LABELS order, like scikit-learn's predict_proba.
        node("Concat", ["p_non_traffic", "p_traffic"], ["probabilities"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        MODEL_NAME,
        inputs=[
            helper.make_tensor_value_info("ids", TensorProto.INT32, ["N", "L"]),
            helper.make_tensor_value_info("counts", TensorProto.FLOAT, ["N", "L"]),
        ],
        outputs=[helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2])],
        initializer=initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid(domain, version) for domain, version in TARGET_OPSET.items()],
        producer_name="tweetream train.py",
        # ONNX Runtime 1.23 (Python) and onnxruntime-node read IR version 8.
        ir_version=8,
    )
    model.model_version = int(MODEL_VERSION.split(".")[0])
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(), vocabulary


def term_ids(vocabulary: dict[str, int], text: str) -> dict[int, int]:
    """Counts of the vocabulary ids of a clean text's word 1-2 grams, as term-ids.ts computes them."""
    tokens = [token for token in text.split(" ") if token]
    counts: dict[int, int] = {}
    for term in tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]:
        index = vocabulary.get(term)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    return counts


def onnx_predict(model_bytes: bytes, vocabulary: list[str], texts: list[str]) -> tuple[list[str], np.ndarray]:
    index = {term: i for i, term in enumerate(vocabulary)}
    rows = [term_ids(index, text) for text in texts]
    width = max(1, max(len(row) for row in rows))
    ids = np.zeros((len(rows), width), dtype=np.int32)
    counts = np.zeros((len(rows), width), dtype=np.float32)
    for r, row in enumerate(rows):
        ids[r, : len(row)] = list(row.keys())
        counts[r, : len(row)] = list(row.values())
    session = onnxruntime.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    (probabilities,) = session.run(None, {"ids": ids, "counts": counts})
    probabilities = np.asarray(probabilities)
    # Ties go to the first label, as numpy's argmax in scikit-learn's predict.
    return [LABELS[int(i)] for i in probabilities.argmax(axis=1)], probabilities


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

    model_bytes, vocabulary = export_onnx(pipeline)
    analyzer = pipeline.named_steps["tfidf"].build_analyzer()
    index = pipeline.named_steps["tfidf"].vocabulary_
    for text in x_held:
        expected = {}
        for term in analyzer(text):
            if term in index:
                expected[index[term]] = expected.get(index[term], 0) + 1
        assert term_ids(index, text) == expected, f"term ids differ from scikit-learn's for {text!r}"
    onnx_labels, onnx_proba = onnx_predict(model_bytes, vocabulary, x_held)
    sk_proba = pipeline.predict_proba(x_held)
    label_agreement = sum(a == b for a, b in zip(onnx_labels, held_pred))
    max_diff = float(np.abs(onnx_proba - sk_proba).max())
    print(f"ONNX (Python) vs scikit-learn on held-out: {label_agreement}/{len(x_held)} labels equal, max |p diff| {max_diff:.2e}")
    if args.dry_run:
        return

    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    (MODEL_DIR / ONNX_FILE).write_bytes(model_bytes)
    vocabulary_bytes = ("\n".join(vocabulary) + "\n").encode("utf-8")
    (MODEL_DIR / VOCABULARY_FILE).write_bytes(vocabulary_bytes)
    for stale in ["traffic-v1.onnx"]:
        (MODEL_DIR / stale).unlink(missing_ok=True)
    joblib.dump(pipeline, PIPELINE_FILE)
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
        "languages": LANGUAGES,
        "inputs": {
            "ids": {"name": "ids", "shape": ["N", "L"], "type": "int32", "content": "vocabulary ids of a post's distinct word 1-2 grams, padded"},
            "counts": {"name": "counts", "shape": ["N", "L"], "type": "float32", "content": "occurrences of each id, 0 for padding"},
        },
        "outputs": {"probabilities": "probabilities"},
        "vocabulary": {
            "file": VOCABULARY_FILE,
            "sha256": hashlib.sha256(vocabulary_bytes).hexdigest(),
            "terms": len(vocabulary),
            "format": "UTF-8, one term a line, line i (from 0) = id i",
            # How the caller turns a clean text into terms (scikit-learn's analyzer).
            "ngramRange": [1, 2],
            "tokenSeparator": " ",
        },
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
            "onnx": onnx.__version__,
            "onnxruntime": onnxruntime.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "opset": TARGET_OPSET,
    }
    (MODEL_DIR / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    print(
        f"wrote {MODEL_DIR / ONNX_FILE} ({len(model_bytes)} bytes), {VOCABULARY_FILE} "
        f"({len(vocabulary_bytes)} bytes), metadata.json, parity-heldout.json; {PIPELINE_FILE}"
    )


if __name__ == "__main__":
    sys.exit(main())
