import { setTimeout as sleepFor } from "node:timers/promises";

/** Waits `ms`, or less if `signal` aborts first (resolving, not rejecting): a reconnect's pause. */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  await sleepFor(ms, undefined, { signal }).catch(() => undefined);
}
