// Deletes the Kafka topics and consumer groups of a run's prefixes, so runs
// leave nothing on a shared broker; and sets a topic's retention for a run
// that needs old records kept. kafkajs directly: the harness is not an app,
// and the original-design server needs the raw client anyway.
import kafkajs, { Kafka, logLevel } from "kafkajs";

// Not a named export Node's ESM loader can see in kafkajs's CommonJS build.
const { ConfigResourceTypes } = kafkajs;

/** Sets `topic`'s `retention.ms` (the local broker keeps a day: tooling/kafka/kraft-node.ts). */
export async function setTopicRetention(brokers: string, topic: string, ms: number): Promise<void> {
  const admin = new Kafka({
    clientId: "bench-retention",
    brokers: brokers.split(","),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: "retention.ms", value: String(ms) }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes every topic and consumer group whose name starts with `<prefix>.`. */
export async function deleteKafkaPrefixes(brokers: string, prefixes: readonly string[]) {
  if (prefixes.length === 0) return { topics: 0, groups: 0 };
  const kafka = new Kafka({
    clientId: "bench-cleanup",
    brokers: brokers.split(","),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (name: string) => prefixes.some((p) => name.startsWith(`${p}.`));
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter(ours);
    for (let i = 0; i < groupIds.length; i += 200) {
      await admin.deleteGroups(groupIds.slice(i, i + 200)).catch(() => undefined);
    }
    const topics = (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 60_000 });
    return { topics: topics.length, groups: groupIds.length };
  } finally {
    await admin.disconnect();
  }
}
