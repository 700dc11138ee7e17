// How V8 decides when to collect garbage in a web process. Every byte the
// process reads from Kafka (a 2 MiB buffer per fetch), writes to a socket or
// encodes arrives in a Buffer outside the JavaScript heap. By default V8
// starts a full collection each time such memory grows by 64 MB, so a rule
// preview reading 760 MB of an hour's logs paid for about 20 of them. With
// `--external-memory-accounted-in-global-limit`, a V8 flag, that memory is
// counted in the heap's own limit instead: a preview of 1.2 million posts took
// 1.83 s instead of 2.35 s, an export of 1,000,000 posts ran at the same rate,
// and the process's highest RSS went from 528 to 650 MiB, flat over three
// runs (docs/BENCHMARKS.md, "Rule preview"). WEB_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT=off
// leaves V8's default.
import { setFlagsFromString } from "node:v8";

/** Counts Buffers' memory in V8's heap limit (see above). V8 reads the flag at each check, so it may be set once started. */
export function countExternalMemoryInHeapLimit(): void {
  setFlagsFromString("--external-memory-accounted-in-global-limit");
}
