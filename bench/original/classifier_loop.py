"""The original Tweetream design's classifier loop, kept to measure the new one against.

A single Python consumer reads PreprocessedPost JSON messages from a Kafka topic one at a
time, labels each with scikit-learn's `predict` on the very pipeline that train.py fitted
(the model the ONNX graph was exported from), and produces the labelled post to an output
topic. It stops after `--count` messages and prints its throughput as one JSON line on
stdout (a summary goes to stderr). bench/original/run-classifier-loop.ts drives it.

    .cache/venv/bin/python bench/original/classifier_loop.py --brokers 127.0.0.1:9092 \\
        --input-topic IN --output-topic OUT --count 20000

Needs `npm run train -w @tweetream/classifier` (writes the pipeline to
.cache/training/traffic-pipeline.joblib) and bench/original/requirements.txt in the venv.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import joblib
import kafka
import sklearn
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

REPO = Path(__file__).resolve().parents[2]
PIPELINE = REPO / ".cache" / "training" / "traffic-pipeline.joblib"
MODEL = {"name": "traffic-tfidf-svm", "version": "sklearn-original"}


def fail(message: str) -> None:
    print(f"classifier_loop: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brokers", required=True, help="comma-separated host:port list")
    parser.add_argument("--input-topic", required=True)
    parser.add_argument("--output-topic", required=True)
    parser.add_argument("--count", type=int, required=True, help="stop after this many messages")
    parser.add_argument("--pipeline", type=Path, default=PIPELINE, help=f"default {PIPELINE}")
    parser.add_argument(
        "--group-id",
        help="join this consumer group; default: no group, read every partition from the start",
    )
    parser.add_argument(
        "--idle-timeout-s",
        type=float,
        default=60.0,
        help="give up when no message arrives for this long (default 60)",
    )
    args = parser.parse_args()
    if args.count < 1:
        fail("--count must be at least 1")
    if not args.pipeline.exists():
        fail(f"{args.pipeline} is missing: run `npm run train -w @tweetream/classifier` first")

    started = time.perf_counter()
    pipeline = joblib.load(args.pipeline)
    brokers = args.brokers.split(",")
    consumer = KafkaConsumer(
        bootstrap_servers=brokers,
        client_id="tweetream-original-classifier",
        group_id=args.group_id,
        enable_auto_commit=args.group_id is not None,
        auto_offset_reset="earliest",
        consumer_timeout_ms=int(args.idle_timeout_s * 1000),
    )
    if args.group_id is None:
        # No group: nothing is left behind on the broker, and no rebalance delays the start.
        partitions = consumer.partitions_for_topic(args.input_topic)
        if not partitions:
            fail(f"topic {args.input_topic} does not exist or has no partitions")
        assigned = [TopicPartition(args.input_topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
    else:
        consumer.subscribe([args.input_topic])
    producer = KafkaProducer(bootstrap_servers=brokers, client_id="tweetream-original-classifier")
    startup_s = time.perf_counter() - started

    consumed = invalid = 0
    labels = {"traffic": 0, "non_traffic": 0}
    predict_s = 0.0
    first = None
    first_cpu = 0.0
    # The loop of the original design: one message in, one predict, one message out.
    for message in consumer:
        if first is None:
            first = time.perf_counter()
            first_cpu = time.process_time()
        consumed += 1
        try:
            post = json.loads(message.value)
            text = post["cleanText"]
            if not isinstance(text, str):
                raise TypeError("cleanText is not a string")
        except (ValueError, KeyError, TypeError) as error:
            # Counted and skipped, like the new classifier's dead-letter path (without the DLQ).
            invalid += 1
            print(f"classifier_loop: skipping offset {message.offset}: {error}", file=sys.stderr)
        else:
            before = time.perf_counter()
            label = str(pipeline.predict([text])[0])
            predict_s += time.perf_counter() - before
            labels[label] = labels.get(label, 0) + 1
            post.update(label=label, model=MODEL, classifiedAt=int(time.time() * 1000))
            producer.send(args.output_topic, key=message.key, value=json.dumps(post).encode("utf-8"))
        if consumed >= args.count:
            break
    producer.flush()
    ended = time.perf_counter()
    cpu_s = time.process_time() - first_cpu if first is not None else 0.0
    consumer.close()
    producer.close()
    if consumed < args.count:
        fail(f"only {consumed} of {args.count} messages arrived within {args.idle_timeout_s} s of idling")

    seconds = ended - (first if first is not None else ended)
    result = {
        "posts": consumed,
        "invalid": invalid,
        "labels": labels,
        "seconds": round(seconds, 4),
        "postsPerSecond": round(consumed / seconds, 1) if seconds > 0 else None,
        # Share of the loop spent in scikit-learn's predict; the rest is Kafka and JSON.
        "predictSeconds": round(predict_s, 4),
        # CPU time of this process over `seconds` (all its threads): posts per CPU second
        # is less sensitive than postsPerSecond to other load on the machine.
        "cpuSeconds": round(cpu_s, 4),
        "postsPerCpuSecond": round(consumed / cpu_s, 1) if cpu_s > 0 else None,
        "startupSeconds": round(startup_s, 3),
        "python": platform.python_version(),
        "kafkaPython": kafka.__version__,
        "scikitLearn": sklearn.__version__,
    }
    print(
        f"classifier_loop: {consumed} posts in {seconds:.2f} s = {result['postsPerSecond']} posts/s "
        f"({predict_s:.2f} s in predict)",
        file=sys.stderr,
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
