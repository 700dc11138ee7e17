// Static checks of docker/compose.yaml and docker/compose.dev.yaml: the
// official Compose Specification schema, then what Tweetream needs of them.
import { createRequire } from "node:module";
import path from "node:path";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { DCLinter } from "dclint";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { unknownVariables, type AppName } from "./app-env.ts";
import {
  environmentOf,
  readComposeDocument,
  readComposeFile,
  type ComposeService,
} from "./compose-file.ts";
import { readRepoFile, repoRoot } from "./repo-files.ts";

// dclint ships the Compose Specification's JSON schema (compose-spec/compose-spec,
// schema/compose-spec.json), kept current with Docker Compose.
const require = createRequire(import.meta.url);
const schemaPath = path.join(
  path.dirname(require.resolve("dclint/package.json")),
  "schemas",
  "compose.schema.json",
);
const composeSchema = z
  .looseObject({ $schema: z.string() })
  .parse(JSON.parse(readFileSync(schemaPath, "utf8")));
const draft07 = z
  .looseObject({ $id: z.string() })
  .parse(require("ajv/dist/refs/json-schema-draft-07.json"));
// strict: false because the schema uses annotations Ajv does not know.
const ajv = new Ajv({ allErrors: true, strict: false });
// The schema names draft-07 by its https address; Ajv knows it by its http one.
ajv.addMetaSchema({ ...draft07, $id: composeSchema.$schema });
const validateCompose = ajv.compile(composeSchema);

const FILES = ["docker/compose.yaml", "docker/compose.dev.yaml"];
const stack = readComposeFile("docker/compose.yaml");
const service = (name: string): ComposeService => {
  const found = stack.services[name];
  if (!found) throw new Error(`docker/compose.yaml has no service ${name}`);
  return found;
};
const kafkaNodes = Object.keys(stack.services).filter((name) => /^kafka-\d+$/.test(name));

describe("Compose files", () => {
  it.each(FILES)("%s follows the Compose Specification schema", (file) => {
    const valid = validateCompose(readComposeDocument(file));
    expect(ajv.errorsText(validateCompose.errors, { separator: "\n" })).toBe("No errors");
    expect(valid).toBe(true);
  });

  it("passes dclint's checks (key-order style rules aside)", () => {
    const linter = new DCLinter({
      rules: {
        // Ordering is style; the files are ordered by the stack's layers instead.
        "service-keys-order": 0,
        "services-alphabetical-order": 0,
        "top-level-properties-order": 0,
        // Prettier writes YAML strings with double quotes.
        "require-quotes-in-ports": [1, { quoteType: "double" }],
      },
      quiet: false,
      debug: false,
      exclude: [],
    });
    const results = linter.lintFiles(
      FILES.map((file) => path.join(repoRoot, file)),
      false,
    );
    const problems = results.flatMap((result) =>
      result.messages.map((m) => `${result.filePath}:${m.line} ${m.rule}: ${m.message}`),
    );
    expect(problems).toEqual([]);
    expect(results).toHaveLength(FILES.length);
  });

  it("the schema check rejects a broken file (it is really applied)", () => {
    expect(validateCompose({ services: { web: { image: "x", replicas: "two" } } })).toBe(false);
    expect(
      validateCompose({ services: { web: { depends_on: { db: { condition: "up" } } } } }),
    ).toBe(false);
  });

  it("runs a 3-node KRaft cluster, each node controller and broker, on one quorum", () => {
    expect(kafkaNodes).toEqual(["kafka-1", "kafka-2", "kafka-3"]);
    const voters = kafkaNodes
      .map((name) => `${name.slice("kafka-".length)}@${name}:9093`)
      .join(",");
    const clusterIds = new Set<string>();
    for (const name of kafkaNodes) {
      const env = environmentOf(service(name));
      expect(env.get("KAFKA_PROCESS_ROLES")).toBe("broker,controller");
      expect(env.get("KAFKA_NODE_ID")).toBe(name.slice("kafka-".length));
      expect(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).toBe(voters);
      expect(env.get("KAFKA_ADVERTISED_LISTENERS")).toContain(`//${name}:9092`);
      clusterIds.add(env.get("CLUSTER_ID") ?? "");
      expect(service(name).healthcheck).toBeDefined();
    }
    expect([...clusterIds]).toHaveLength(1);
    expect([...clusterIds][0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("replicates every partition 3 times and needs 2 in sync, internal topics included", () => {
    for (const name of kafkaNodes) {
      const env = environmentOf(service(name));
      expect(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR")).toBe("3");
      expect(env.get("KAFKA_MIN_INSYNC_REPLICAS")).toBe("2");
      expect(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).toBe("3");
      expect(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).toBe("3");
      expect(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).toBe("2");
      expect(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).toBe("false");
    }
    for (const app of ["web", "streamer", "classifier"]) {
      const env = environmentOf(service(app));
      // The topics the services create themselves get the same replication.
      expect(env.get("KAFKA_REPLICATION_FACTOR")).toBe("3");
      expect(env.get("KAFKA_BROKERS")).toBe(kafkaNodes.map((name) => `${name}:9092`).join(","));
    }
  });

  it("runs at least 2 web and 2 classifier replicas and exactly 1 streamer", () => {
    expect(service("web").deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(service("classifier").deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(service("streamer").deploy?.replicas ?? 1).toBe(1);
  });

  it("starts in dependency order: every dependency is awaited healthy and has a health check", () => {
    const dockerfile = readRepoFile("docker/Dockerfile");
    for (const [name, definition] of Object.entries(stack.services)) {
      for (const [dependency, { condition }] of Object.entries(definition.depends_on ?? {})) {
        expect(condition, `${name} → ${dependency}`).toBe("service_healthy");
        const target = stack.services[dependency];
        expect(target, `${name} depends on missing ${dependency}`).toBeDefined();
        // Built images get their HEALTHCHECK from the Dockerfile target.
        const hasCheck =
          target?.healthcheck !== undefined ||
          (target?.build !== undefined &&
            new RegExp(`FROM runtime AS ${target.build.target}\\n[\\s\\S]*?HEALTHCHECK`).test(
              dockerfile,
            ));
        expect(hasCheck, `${dependency} has a health check`).toBe(true);
      }
    }
    const webDeps = Object.keys(service("web").depends_on ?? {});
    expect(webDeps).toEqual(expect.arrayContaining([...kafkaNodes, "postgres"]));
    expect(Object.keys(service("lb").depends_on ?? {})).toContain("web");
  });

  it("gives each app longer to stop than its own 30 s shutdown limit", () => {
    // stopOnSignals (packages/shared) exits by itself 30 s after SIGTERM.
    for (const app of ["web", "streamer", "classifier"]) {
      const grace = /^(\d+)s$/.exec(service(app).stop_grace_period ?? "");
      expect(Number(grace?.[1]), app).toBeGreaterThan(30);
    }
  });

  it("builds each app from its own target of docker/Dockerfile", () => {
    for (const app of ["web", "streamer", "classifier"]) {
      expect(service(app).build).toEqual({
        context: "..",
        dockerfile: "docker/Dockerfile",
        target: app,
      });
    }
  });

  it("points web at PostgreSQL and gives it an admin token", () => {
    const env = environmentOf(service("web"));
    expect(env.get("DATABASE_URL")).toMatch(
      /^postgresql:\/\/tweetream:.+@postgres:5432\/tweetream$/,
    );
    expect(env.get("NODE_ENV")).toBe("production");
    // No default: Compose refuses to start without the user's own token.
    expect(env.get("ADMIN_TOKEN")).toMatch(/^\$\{ADMIN_TOKEN:\?.*openssl rand/);
    expect(service("postgres").healthcheck).toBeDefined();
    expect(service("postgres").image).toMatch(/^postgres:1[67]/);
  });

  it("ships no token or password: every secret is required from the user", () => {
    for (const file of ["docker/compose.yaml", "docker/compose.dev.yaml"]) {
      const text = readRepoFile(file);
      // ${NAME:-default} or ${NAME-default} of a secret would be a shared password.
      const defaults = [...text.matchAll(/\$\{(\w*(?:TOKEN|PASSWORD|SECRET|KEY)\w*):?-/g)];
      expect(
        defaults.map((m) => m[1]),
        file,
      ).toEqual([]);
      for (const service of Object.values(readComposeFile(file).services)) {
        for (const [name, value] of environmentOf(service)) {
          if (!/TOKEN|PASSWORD|SECRET|KEY/.test(name)) continue;
          expect(value, `${file}: ${name}`).toMatch(/^\$\{\w+:\?/);
        }
      }
    }
  });

  it("does not cap WebSockets per address behind the load balancer (all come from nginx)", () => {
    const cap = Number(environmentOf(service("web")).get("GRAPHQL_WS_MAX_CONNECTIONS_PER_IP"));
    expect(cap).toBeGreaterThanOrEqual(10_000);
  });

  it("counts per-address rate limits by the client address nginx forwards, trusted from the compose network only", () => {
    const web = environmentOf(service("web"));
    expect(web.get("GRAPHQL_CLIENT_IP_HEADER")).toBe("x-real-ip");
    expect(web.get("GRAPHQL_TRUSTED_PROXIES")).toBe("uniquelocal");
    expect(readRepoFile("docker/nginx.conf")).toContain("proxy_set_header X-Real-IP $remote_addr;");
  });

  it("binds every health endpoint to all interfaces inside the container", () => {
    expect(environmentOf(service("web")).get("HOST")).toBe("0.0.0.0");
    expect(environmentOf(service("web")).get("WEB_HEALTH_HOST")).toBe("0.0.0.0");
    expect(environmentOf(service("streamer")).get("STREAMER_HEALTH_HOST")).toBe("0.0.0.0");
    expect(environmentOf(service("classifier")).get("CLASSIFIER_HEALTH_HOST")).toBe("0.0.0.0");
  });

  it("sets only variables the apps read", () => {
    const apps: AppName[] = ["web", "streamer", "classifier"];
    for (const app of apps) {
      expect(unknownVariables(app, environmentOf(service(app)).keys()), app).toEqual([]);
    }
  });

  it("the variable check catches a misspelt variable", () => {
    expect(unknownVariables("web", ["KAFKA_BROKER"])).toEqual(["KAFKA_BROKER"]);
    expect(unknownVariables("streamer", ["PORT"])).toEqual(["PORT"]);
  });

  it("the dev file runs one broker on localhost:9092 with replication factor 1", () => {
    const dev = readComposeFile("docker/compose.dev.yaml");
    expect(Object.keys(dev.services)).toEqual(["kafka"]);
    const kafka = dev.services.kafka;
    expect(kafka?.ports).toEqual(["127.0.0.1:9092:9092"]);
    const env = kafka ? environmentOf(kafka) : new Map<string, string>();
    expect(env.get("KAFKA_ADVERTISED_LISTENERS")).toBe("PLAINTEXT://localhost:9092");
    expect(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).toBe("1");
    expect(kafka?.image).toBe(service("kafka-1").image);
  });
});

describe("load balancer (docker/nginx.conf)", () => {
  const conf = readRepoFile("docker/nginx.conf");

  it("is the config the lb service mounts, on port 8080", () => {
    expect(service("lb").volumes).toContain("./nginx.conf:/etc/nginx/nginx.conf:ro");
    expect(service("lb").ports).toContain("127.0.0.1:8080:8080");
    expect(conf).toMatch(/^\s*listen 8080;/m);
  });

  it("passes WebSocket upgrades (Upgrade and Connection headers, HTTP/1.1)", () => {
    expect(conf).toMatch(/^\s*proxy_http_version 1\.1;/m);
    expect(conf).toMatch(/^\s*proxy_set_header Upgrade \$http_upgrade;/m);
    expect(conf).toMatch(/^\s*proxy_set_header Connection \$connection_upgrade;/m);
    expect(conf).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;/);
  });

  it("balances over the web service on the port web listens on", () => {
    const port = environmentOf(service("web")).get("PORT");
    expect(conf).toMatch(new RegExp(`^\\s*server web:${port ?? "?"} resolve`, "m"));
    expect(conf).toMatch(/^\s*proxy_pass http:\/\/web;/m);
    // Subscriptions are quiet for long stretches; 60 s (the default) would cut them.
    expect(conf).toMatch(/^\s*proxy_read_timeout (\d{4,})s;/m);
  });
});
