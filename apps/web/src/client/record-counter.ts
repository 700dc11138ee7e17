// Counts the records of an export (GET /export) as its text streams in, for
// the export button's progress.

/** The formats GET /export writes. */
export type ExportFormat = "csv" | "ndjson";

/**
 * Counts the records in an export's text as it streams: NDJSON has one per
 * line; CSV (RFC 4180) ends a record at a line break outside quotes, and its
 * first record is the header. Written by hand: a full CSV parser would keep
 * the rows, and only their number is wanted here.
 */
export class RecordCounter {
  #quoted = false;
  #lines = 0;

  constructor(readonly format: ExportFormat) {}

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // A doubled quote inside quotes toggles twice, so it leaves the state as it was.
      if (c === 34 && this.format === "csv") this.#quoted = !this.#quoted;
      else if (c === 10 && !this.#quoted) this.#lines++;
    }
  }

  /** Records complete so far (not counting a CSV header). */
  get records(): number {
    return this.format === "csv" ? Math.max(0, this.#lines - 1) : this.#lines;
  }
}
