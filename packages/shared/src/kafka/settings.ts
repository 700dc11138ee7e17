// How long the Kafka module waits and how often it retries, in one place: each
// value is chosen for recovery from broker faults (docs/RELIABILITY.md,
// "Client settings for recovery").

/**
 * Retry of every kafkajs request: 300 ms doubling (with jitter) up to 2 s
 * between attempts, so a new leader is found within about 2 s of the
 * controller moving leadership (it fences a dead broker after 9 s), and a dead
 * broker costs at most one logged attempt per request every 2 s (no tight
 * loop). Fifteen retries span about 25 s: longer than a failover, after which
 * a consumer crashes and is restarted.
 */
export const CLIENT_RETRY = {
  initialRetryTime: 300,
  maxRetryTime: 2000,
  retries: 15,
} as const;

/** Client-side timeout of one request (kafkajs' default is 30 s). */
export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Consumer session timeout: how long the group waits for a member that
 * vanished without leaving (a `kill -9`, or a kafkajs crash restart, which does
 * not leave the group) before moving its partitions. kafkajs' 30 s would be the
 * recovery time of every such fault.
 */
export const SESSION_TIMEOUT_MS = 10_000;
/** How long topic creation waits for every new partition to have a leader. */
export const TOPIC_READY_TIMEOUT_MS = 30_000;
/**
 * Producers and consumers refresh cluster metadata at most this long after the
 * last refresh (kafkajs: 5 min), so a moved leader is found even when no request
 * failed. After a request timeout, patches/kafkajs+2.2.4.patch refreshes it at
 * once, from a broker that still answers (docs/RELIABILITY.md, "The kafkajs patch").
 */
export const METADATA_MAX_AGE_MS = 5000;
/** How long a topic's partition list is reused before asking the cluster again. */
export const PARTITION_CACHE_MS = 30_000;
/** Longest pause before restarting a crashed consumer (it starts at 1 s and doubles). */
export const MAX_RESTART_DELAY_MS = 10_000;
