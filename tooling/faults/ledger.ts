// What Kafka holds, by post id: reads a topic from the beginning up to its
// current end with a throw-away consumer group.
import { createLogger, createKafkaClient, topicNames } from "@tweetream/shared";
import { waitFor } from "@tweetream/shared/testing";

/** Records and distinct keys (post ids) of a topic. */
export interface TopicLedger {
  records: number;
  ids: Set<string>;
}

/** Reads every record of each topic up to the end offsets at call time. */
export async function readLedgers(
  brokers: string,
  prefix: string,
  names: readonly string[],
): Promise<Map<string, TopicLedger>> {
  const logger = createLogger("faults-ledger", "silent");
  const client = createKafkaClient({
    brokers: brokers.split(","),
    clientId: "faults-ledger",
    logger,
    topics: topicNames(prefix),
  });
  const ledgers = new Map<string, TopicLedger>();
  try {
    for (const topic of names) {
      const end = (await client.endOffsets(topic)).reduce((sum, p) => sum + Number(p.offset), 0);
      const ledger: TopicLedger = { records: 0, ids: new Set() };
      ledgers.set(topic, ledger);
      if (end === 0) continue;
      const groupId = `${prefix}.ledger.${String(Date.now())}`;
      const consumer = await client.startConsumer({
        groupId,
        topics: [topic],
        fromBeginning: true,
        deleteGroupOnStop: true,
        decode: (raw) => raw.key?.toString("utf8") ?? "",
        onBatch: async (records) => {
          ledger.records += records.length;
          for (const record of records) ledger.ids.add(record.value);
          return Promise.resolve();
        },
      });
      try {
        await waitFor(() => (ledger.records >= end ? true : undefined), {
          timeoutMs: 90_000,
          intervalMs: 200,
          what: `reading ${String(end)} records of ${topic}`,
        });
      } finally {
        await consumer.stop();
      }
    }
  } finally {
    await client.close();
  }
  return ledgers;
}
