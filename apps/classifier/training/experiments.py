"""Reproduces the "what helped" table of docs/MODEL.md ("Generalisation").

Every variant trains on the same split as train.py and reports held-out accuracy (corpus)
and accuracy on the project's generalisation set. The digit-removal and character n-gram
variants transform the TypeScript-cleaned text here in Python (they were tried before
deciding what the TypeScript preprocessing should do; neither was adopted).

    npm run prepare-corpus -w @tweetream/classifier
    .cache/venv/bin/python apps/classifier/training/experiments.py
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from sklearn.model_selection import train_test_split

import train

DIGITS_AND_TIME_ZONES = re.compile(r"\d+|wib|wita|wit")


def identity(text: str) -> str:
    return text


def without_digits(text: str) -> str:
    """Drops the accounts' boilerplate: clock times ("16 42 wib"), numbers."""
    return " ".join(t for t in text.split() if not DIGITS_AND_TIME_ZONES.fullmatch(t))


def with_char_ngrams(text: str, sizes: tuple[int, ...] = (3, 4)) -> str:
    """Appends the character n-grams of each word ("#<ma", "#mac", ...) as extra tokens."""
    tokens = text.split()
    extra = []
    for token in tokens:
        word = f"<{token}>"
        for n in sizes:
            if len(word) > n:
                extra += ["#" + word[i : i + n] for i in range(len(word) - n + 1)]
    return " ".join(tokens + extra)


def main() -> None:
    corpus = train.read_jsonl(train.CACHE / "corpus.jsonl")
    generalisation = train.read_jsonl(train.CACHE / "generalisation.jsonl")
    every_synthetic = train.read_jsonl(train.CACHE / "augmentation.jsonl")
    texts = [item["cleanText"] for item in corpus]
    labels = [item["label"] for item in corpus]
    train_idx, held_idx = train_test_split(
        np.arange(len(texts)), test_size=train.HELD_OUT, stratify=labels, random_state=train.SEED
    )
    chosen = train.select_augmentation(every_synthetic, train.PARAMS["augmentation"])
    small = train.select_augmentation(every_synthetic, {"traffic": 275, "non_traffic": 150})

    def run(name: str, transform: Callable[[str], str], synthetic: list[dict]) -> None:
        x = [transform(texts[i]) for i in train_idx] + [transform(p["cleanText"]) for p in synthetic]
        y = [labels[i] for i in train_idx] + [p["label"] for p in synthetic]
        pipeline = train.make_pipeline().fit(x, y)
        held = np.mean(pipeline.predict([transform(texts[i]) for i in held_idx]) == np.array([labels[i] for i in held_idx]))
        truth = np.array([p["label"] for p in generalisation])
        predicted = pipeline.predict([transform(p["cleanText"]) for p in generalisation])
        recall = np.mean(predicted[truth == "traffic"] == "traffic")
        specificity = np.mean(predicted[truth == "non_traffic"] == "non_traffic")
        vocabulary = len(pipeline.named_steps["tfidf"].vocabulary_)
        print(
            f"| {name} | {len(synthetic)} | {held * 100:.2f}% | {np.mean(predicted == truth) * 100:.2f}% "
            f"| {recall * 100:.1f}% | {specificity * 100:.1f}% | {vocabulary} |",
            flush=True,
        )

    print("| variant | synthetic posts | held-out acc. | generalisation acc. | gen. traffic recall | gen. non-traffic recall | features |")
    print("|---|---|---|---|---|---|---|")
    run("corpus only (baseline)", identity, [])
    run("drop numbers and WIB/WITA/WIT", without_digits, [])
    run("char 3-4-grams as extra tokens", with_char_ngrams, [])
    run("char n-grams + drop numbers", lambda t: with_char_ngrams(without_digits(t)), [])
    run("synthetic posts, small", identity, small)
    run("synthetic posts (chosen)", identity, chosen)
    run("synthetic posts, all", identity, every_synthetic)
    run("synthetic posts (chosen) + drop numbers", without_digits, chosen)
    run("synthetic posts (chosen) + char n-grams", with_char_ngrams, chosen)


if __name__ == "__main__":
    main()
