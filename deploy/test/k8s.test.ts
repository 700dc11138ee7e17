// Static checks of the Kubernetes manifests in deploy/k8s: each object against
// its kind's JSON schema, then what Tweetream needs of them.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { unknownVariables, type AppName } from "./app-env.ts";
import {
  generatedSecrets,
  kustomizationFiles,
  readObjects,
  validateObject,
  type GeneratedSecret,
  type K8sObject,
} from "./k8s-manifests.ts";
import { readRepoFile, readYamlDocuments, repoRoot, yamlFilesUnder } from "./repo-files.ts";

const BASE = "deploy/k8s";
const KEDA = "deploy/k8s/overlays/keda";
const baseObjects = readObjects(kustomizationFiles(BASE));
const kedaObjects = readObjects(kustomizationFiles(KEDA).filter((f) => f.startsWith(KEDA)));
const all = [...baseObjects, ...kedaObjects];

const find = (kind: string, name: string): K8sObject => {
  const found = all.find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.object;
};

const probe = z.looseObject({ httpGet: z.object({ path: z.string(), port: z.string() }) });
const container = z.looseObject({
  name: z.string(),
  image: z.string(),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number() })),
  env: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).default([]),
  envFrom: z
    .array(
      z.object({
        configMapRef: z.object({ name: z.string() }).optional(),
        secretRef: z.object({ name: z.string() }).optional(),
      }),
    )
    .default([]),
  readinessProbe: probe,
  livenessProbe: probe,
  resources: z.object({
    requests: z.object({ cpu: z.string(), memory: z.string() }),
    limits: z.looseObject({ memory: z.string() }),
  }),
  securityContext: z.looseObject({ allowPrivilegeEscalation: z.literal(false) }),
});
const deployment = z.looseObject({
  spec: z.looseObject({
    replicas: z.number(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.looseObject({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: z.looseObject({
        terminationGracePeriodSeconds: z.number(),
        securityContext: z.looseObject({ runAsNonRoot: z.literal(true) }),
        containers: z.array(container).length(1),
      }),
    }),
  }),
});
const dataObject = z.looseObject({ data: z.record(z.string(), z.string()).optional() });
const secrets = generatedSecrets(BASE);

/** The keys (and example values) of a generated Secret, from its env files' `.example`. */
const secretKeys = (secret: GeneratedSecret): Map<string, string> =>
  new Map(
    secret.envs.flatMap((env) =>
      readRepoFile(`${env}.example`)
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.startsWith("#"))
        .map((line): [string, string] => {
          const at = line.indexOf("=");
          return [line.slice(0, at), line.slice(at + 1)];
        }),
    ),
  );

const app = (name: AppName) => {
  const spec = deployment.parse(find("Deployment", name)).spec;
  const [only] = spec.template.spec.containers;
  if (!only) throw new Error(`${name} has no container`);
  return { spec, container: only };
};

/** Every variable a container gets: env entries and the keys of its ConfigMaps/Secrets. */
const variablesOf = (name: AppName): Map<string, string> => {
  const { container: c } = app(name);
  const variables = new Map<string, string>();
  for (const from of c.envFrom) {
    if (from.configMapRef)
      for (const [k, v] of Object.entries(
        dataObject.parse(find("ConfigMap", from.configMapRef.name)).data ?? {},
      ))
        variables.set(k, v);
    if (from.secretRef) {
      const secret = secrets.find((generated) => generated.name === from.secretRef?.name);
      if (!secret) throw new Error(`no generated Secret ${from.secretRef.name}`);
      for (const [k, v] of secretKeys(secret)) variables.set(k, v);
    }
  }
  for (const entry of c.env) variables.set(entry.name, entry.value ?? "");
  return variables;
};

describe("Kubernetes manifests", () => {
  it("ships no token or password: Secrets come from files the user writes", () => {
    expect(all.filter(({ object }) => object.kind === "Secret")).toEqual([]);
    expect(secrets.map((secret) => secret.name).sort()).toEqual([
      "tweetream-postgres",
      "tweetream-web",
    ]);
    const ignored = readRepoFile(".gitignore").split("\n");
    for (const secret of secrets) {
      for (const env of secret.envs) {
        expect(ignored, env).toContain(`/${path.posix.dirname(env)}/*.env`);
        expect(env).toMatch(/\.env$/);
      }
      // The examples name the keys and leave every value to the user.
      for (const [key, value] of secretKeys(secret)) expect(value, key).toBe("");
    }
    expect(secrets.every((secret) => secretKeys(secret).size > 0)).toBe(true);
  });

  it("every manifest file is listed by a kustomization (none is forgotten)", () => {
    const listed = new Set([...kustomizationFiles(BASE), ...kustomizationFiles(KEDA)]);
    const onDisk = yamlFilesUnder(BASE).filter((file) => !file.endsWith("kustomization.yaml"));
    expect(onDisk.filter((file) => !listed.has(file))).toEqual([]);
    expect(baseObjects.length).toBeGreaterThan(10);
  });

  it.each(all.map(({ file, object }) => [`${object.kind}/${object.metadata.name}`, file, object]))(
    "%s (%s) is valid against its kind's schema",
    async (_name, _file, object) => {
      await expect(validateObject(object)).resolves.toBeUndefined();
    },
  );

  it("the schema check rejects broken objects (it is really applied)", async () => {
    const broken = structuredClone(find("Deployment", "web"));
    Object.assign(broken, { spec: { replicas: "two" } });
    await expect(validateObject(broken)).rejects.toThrow(/replicas|selector|template/);
    const kafka = structuredClone(find("Kafka", "tweetream"));
    Object.assign(kafka, { spec: { kafka: { listeners: "plain" } } });
    await expect(validateObject(kafka)).rejects.toThrow(/listeners/);
    await expect(
      validateObject({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "x" } }),
    ).rejects.toThrow(/no schema/);
  });

  it("declares the namespace its kustomization deploys into", () => {
    expect(find("Namespace", "tweetream")).toBeDefined();
    for (const { object } of all)
      expect(object.metadata.namespace ?? "tweetream").toBe("tweetream");
  });

  it("runs at least 2 web and 2 classifier pods, and 1 streamer that is replaced, not doubled", () => {
    expect(app("web").spec.replicas).toBeGreaterThanOrEqual(2);
    expect(app("classifier").spec.replicas).toBeGreaterThanOrEqual(2);
    expect(app("streamer").spec.replicas).toBe(1);
    expect(find("Deployment", "streamer")).toMatchObject({
      spec: { strategy: { type: "Recreate" } },
    });
  });

  it("rolls the classifier (a model upgrade) without ever going below its replica count", () => {
    expect(find("Deployment", "classifier")).toMatchObject({
      spec: {
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      },
    });
  });

  it.each<AppName>(["web", "streamer", "classifier"])(
    "%s: probes /readyz and /healthz on the port its health server binds on all interfaces",
    (name) => {
      const { spec, container: c } = app(name);
      const vars = variablesOf(name);
      const port = c.ports.find((p) => p.name === "health");
      const portVar = `${name.toUpperCase()}_HEALTH_PORT`;
      const hostVar = `${name.toUpperCase()}_HEALTH_HOST`;
      expect(String(port?.containerPort)).toBe(vars.get(portVar));
      expect(vars.get(hostVar)).toBe("0.0.0.0");
      expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: port?.name });
      expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: port?.name });
      expect(c.image).toBe(`tweetream-${name}`);
      expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
    },
  );

  it.each<AppName>(["web", "streamer", "classifier"])(
    "%s: the grace period covers the preStop pause and the app's 30 s shutdown limit",
    (name) => {
      const { spec, container: c } = app(name);
      // stopOnSignals (packages/shared) exits by itself 30 s after SIGTERM.
      const lifecycle = z
        .object({ preStop: z.object({ exec: z.object({ command: z.array(z.string()) }) }) })
        .optional()
        .parse(c.lifecycle);
      const [command, seconds] = lifecycle?.preStop.exec.command ?? ["sleep", "0"];
      expect(command).toBe("sleep");
      expect(spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
        30 + Number(seconds),
      );
    },
  );

  it.each<AppName>(["web", "streamer", "classifier"])(
    "%s: sets only variables it reads",
    (name) => {
      expect(unknownVariables(name, variablesOf(name).keys())).toEqual([]);
    },
  );

  it("connects every app to the Strimzi cluster with replication factor 3", () => {
    const kafka = z
      .looseObject({ metadata: z.object({ name: z.string() }) })
      .parse(find("Kafka", "tweetream"));
    for (const name of ["web", "streamer", "classifier"] as const) {
      const vars = variablesOf(name);
      expect(vars.get("KAFKA_BROKERS")).toBe(`${kafka.metadata.name}-kafka-bootstrap:9092`);
      expect(vars.get("KAFKA_REPLICATION_FACTOR")).toBe("3");
    }
    // The user writes DATABASE_URL; its example points at the in-cluster PostgreSQL.
    expect(variablesOf("web").has("DATABASE_URL")).toBe(true);
    expect(readRepoFile("deploy/k8s/secrets/web.env.example")).toMatch(
      /postgresql:\/\/tweetream:<password>@postgres:5432\/tweetream/,
    );
    expect(variablesOf("web").get("NODE_ENV")).toBe("production");
    // Behind the ingress all WebSockets come from the controller's few addresses.
    expect(
      Number(variablesOf("web").get("GRAPHQL_WS_MAX_CONNECTIONS_PER_IP")),
    ).toBeGreaterThanOrEqual(10_000);
    expect(variablesOf("web").has("ADMIN_TOKEN")).toBe(true);
  });

  it("Strimzi: 3 KRaft nodes, each controller and broker, RF 3 and min ISR 2", () => {
    const pool = z
      .looseObject({
        metadata: z.object({ labels: z.record(z.string(), z.string()) }),
        spec: z.looseObject({ replicas: z.number(), roles: z.array(z.string()) }),
      })
      .parse(find("KafkaNodePool", "combined"));
    expect(pool.metadata.labels["strimzi.io/cluster"]).toBe("tweetream");
    expect(pool.spec.replicas).toBe(3);
    expect([...pool.spec.roles].sort()).toEqual(["broker", "controller"]);
    const kafka = z
      .looseObject({
        spec: z.looseObject({
          kafka: z.looseObject({ config: z.record(z.string(), z.unknown()) }),
          // ZooKeeper is gone from Kafka 4 and from Strimzi.
          zookeeper: z.never().optional(),
        }),
      })
      .parse(find("Kafka", "tweetream"));
    expect(kafka.spec.kafka.config).toMatchObject({
      "default.replication.factor": 3,
      "min.insync.replicas": 2,
      "offsets.topic.replication.factor": 3,
      "transaction.state.log.replication.factor": 3,
      "transaction.state.log.min.isr": 2,
      "auto.create.topics.enable": false,
    });
  });

  it("the Strimzi resources are valid under kafka.strimzi.io/v1 too (the API after v1beta2)", async () => {
    for (const kind of ["Kafka", "KafkaNodePool"]) {
      const name = kind === "Kafka" ? "tweetream" : "combined";
      const v1 = { ...find(kind, name), apiVersion: "kafka.strimzi.io/v1" };
      await expect(validateObject(v1)).resolves.toBeUndefined();
    }
  });

  it("PodDisruptionBudgets and HPAs select and scale the right Deployments", () => {
    for (const name of ["web", "classifier"] as const) {
      const labels = app(name).spec.template.metadata.labels;
      expect(find("PodDisruptionBudget", name)).toMatchObject({
        spec: { minAvailable: 1, selector: { matchLabels: labels } },
      });
      const hpa = z
        .looseObject({
          spec: z.looseObject({
            scaleTargetRef: z.object({
              apiVersion: z.string(),
              kind: z.string(),
              name: z.string(),
            }),
            minReplicas: z.number(),
            maxReplicas: z.number(),
            metrics: z.array(
              z.looseObject({ resource: z.looseObject({ name: z.string() }).optional() }),
            ),
          }),
        })
        .parse(find("HorizontalPodAutoscaler", name)).spec;
      expect(hpa.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name });
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.metrics.map((m) => m.resource?.name)).toEqual(["cpu"]);
    }
  });

  it("the classifier never scales past the preprocessed topic's partitions", () => {
    const partitions = Number(variablesOf("classifier").get("KAFKA_TOPIC_PARTITIONS"));
    const hpa = z
      .looseObject({ spec: z.looseObject({ maxReplicas: z.number() }) })
      .parse(find("HorizontalPodAutoscaler", "classifier"));
    expect(hpa.spec.maxReplicas).toBe(partitions);
    const scaled = z
      .looseObject({ spec: z.looseObject({ maxReplicaCount: z.number() }) })
      .parse(find("ScaledObject", "classifier"));
    expect(scaled.spec.maxReplicaCount).toBe(partitions);
  });

  it("KEDA overlay: a kafka lag trigger on the classifier group, and the CPU HPA removed", () => {
    const scaled = z
      .looseObject({
        spec: z.looseObject({
          scaleTargetRef: z.looseObject({ name: z.string() }),
          minReplicaCount: z.number(),
          triggers: z.array(
            z.object({ type: z.string(), metadata: z.record(z.string(), z.string()) }),
          ),
        }),
      })
      .parse(find("ScaledObject", "classifier")).spec;
    expect(scaled.scaleTargetRef.name).toBe("classifier");
    expect(scaled.minReplicaCount).toBeGreaterThanOrEqual(2);
    const prefix = variablesOf("classifier").get("KAFKA_TOPIC_PREFIX");
    expect(scaled.triggers).toEqual([
      {
        type: "kafka",
        metadata: expect.objectContaining({
          bootstrapServers: expect.stringMatching(
            /^tweetream-kafka-bootstrap\b.*:9092$/,
          ) as unknown,
          consumerGroup: `${prefix ?? "?"}.classifier`,
          topic: `${prefix ?? "?"}.tweets.preprocessed`,
          lagThreshold: expect.stringMatching(/^\d+$/) as unknown,
        }) as unknown,
      },
    ]);
    const overlay = readdirSync(path.join(repoRoot, KEDA));
    expect(overlay.sort()).toEqual(["kustomization.yaml", "scaled-object.yaml"]);
    // Two autoscalers on one Deployment would fight: the overlay deletes the CPU HPA.
    const [kustomization] = readYamlDocuments(`${KEDA}/kustomization.yaml`);
    const { patches } = z
      .object({
        patches: z.array(z.object({ target: z.record(z.string(), z.string()), patch: z.string() })),
      })
      .parse(kustomization);
    expect(patches).toEqual([
      {
        target: expect.objectContaining({
          kind: "HorizontalPodAutoscaler",
          name: "classifier",
        }) as unknown,
        patch: expect.stringMatching(/^\$patch: delete$/m) as unknown,
      },
    ]);
  });

  it("the Ingress routes to the web Service with WebSocket-friendly timeouts", () => {
    const ingress = z
      .looseObject({
        metadata: z.looseObject({ annotations: z.record(z.string(), z.string()) }),
        spec: z.looseObject({
          rules: z.array(
            z.object({
              host: z.string(),
              http: z.object({
                paths: z.array(
                  z.looseObject({
                    backend: z.object({
                      service: z.object({ name: z.string(), port: z.object({ name: z.string() }) }),
                    }),
                  }),
                ),
              }),
            }),
          ),
        }),
      })
      .parse(find("Ingress", "web"));
    const annotations = ingress.metadata.annotations;
    expect(Number(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])).toBeGreaterThan(
      60,
    );
    expect(annotations["nginx.ingress.kubernetes.io/proxy-buffering"]).toBe("off");
    const backend = ingress.spec.rules[0]?.http.paths[0]?.backend.service;
    expect(backend).toEqual({ name: "web", port: { name: "http" } });
    // The Service carries only the public port, so the Ingress cannot route
    // /healthz, /readyz or /metrics (the pod's "health" port).
    const service = z
      .looseObject({
        spec: z.looseObject({
          selector: z.record(z.string(), z.string()),
          ports: z.array(z.looseObject({ name: z.string(), targetPort: z.string() })),
        }),
      })
      .parse(find("Service", "web"));
    expect(service.spec.selector).toEqual(app("web").spec.selector.matchLabels);
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(["http"]);
    const http = app("web").container.ports.find((p) => p.name === "http");
    expect(http?.containerPort).toBe(Number(variablesOf("web").get("PORT")));
  });
});
