// Values the global setup (kafka-setup.ts) hands to tests through `inject()`.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Bootstrap address of the real Kafka broker used by the tests. */
    kafkaBrokers: string;
  }
}
