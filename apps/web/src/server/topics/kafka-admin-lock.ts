// kafkajs' admin client (one per KafkaClient) refreshes the metadata of every
// topic it has looked at before each operation, and when a refresh fails it
// restores the topic list it had before, bringing back a topic that a
// deletion running at the same time had just removed. That topic then fails
// every later refresh of the client: offsets, creations and deletions alike,
// for good. Operations of this process that look at or delete user topics
// therefore run one at a time. (Other processes can still delete a topic
// under this one; the lasting fix belongs in @tweetream/shared's KafkaClient.)
import type { KafkaClient } from "@tweetream/shared";
import { KeyedLock } from "./keyed-lock.ts";

const locks = new WeakMap<KafkaClient, KeyedLock>();

/** Runs `task` once every admin task queued earlier on this client has settled. */
export function withKafkaAdmin<T>(kafka: KafkaClient, task: () => Promise<T>): Promise<T> {
  let lock = locks.get(kafka);
  if (!lock) {
    lock = new KeyedLock();
    locks.set(kafka, lock);
  }
  return lock.run("admin", task);
}
