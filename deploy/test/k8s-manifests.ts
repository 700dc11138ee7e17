// The Kubernetes manifests of deploy/k8s, read through their kustomizations
// (so a file that no kustomization lists is noticed) and validated against
// the JSON schemas that the kubernetes-models packages ship.
import path from "node:path";
import { z } from "zod";
import { readYamlDocuments } from "./repo-files.ts";

/** Any Kubernetes object: what every manifest must have. */
const object = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
});
export type K8sObject = z.infer<typeof object>;

const kustomization = z.looseObject({
  apiVersion: z.literal("kustomize.config.k8s.io/v1beta1"),
  kind: z.literal("Kustomization"),
  resources: z.array(z.string()),
  secretGenerator: z
    .array(z.object({ name: z.string().min(1), envs: z.array(z.string()).min(1) }))
    .optional(),
});

/** A Secret a kustomization generates from env files the user writes (`<name>.env`, git-ignored). */
export interface GeneratedSecret {
  name: string;
  /** The env files, relative to the root; each ships as `<file>.example`. */
  envs: string[];
}

/** The Secrets a kustomization folder generates. */
export function generatedSecrets(folder: string): GeneratedSecret[] {
  const [document] = readYamlDocuments(path.posix.join(folder, "kustomization.yaml"));
  return (kustomization.parse(document).secretGenerator ?? []).map(({ name, envs }) => ({
    name,
    envs: envs.map((env) => path.posix.join(folder, env)),
  }));
}

/** The files (relative to the root) a kustomization folder lists, recursively. */
export function kustomizationFiles(folder: string): string[] {
  const [document] = readYamlDocuments(path.posix.join(folder, "kustomization.yaml"));
  const { resources } = kustomization.parse(document);
  return resources.flatMap((resource) => {
    const target = path.posix.normalize(path.posix.join(folder, resource));
    return resource.endsWith(".yaml") ? [target] : kustomizationFiles(target);
  });
}

/** Every object in the listed files, with the file it came from. */
export function readObjects(files: string[]): { file: string; object: K8sObject }[] {
  return files.flatMap((file) =>
    readYamlDocuments(file)
      .filter((document) => document !== null)
      .map((document) => ({ file, object: object.parse(document) })),
  );
}

interface Validating {
  validate(): void;
}

// Where the model class of each apiVersion lives. Core kinds come from
// kubernetes-models; the custom resources from the Strimzi and KEDA packages
// of the same project, generated from those operators' CRDs.
const MODULES: Record<string, string> = {
  v1: "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "autoscaling/v2": "kubernetes-models/autoscaling/v2",
  "networking.k8s.io/v1": "kubernetes-models/networking.k8s.io/v1",
  "kafka.strimzi.io/v1beta2": "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2",
  "kafka.strimzi.io/v1": "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1",
  "keda.sh/v1alpha1": "@kubernetes-models/keda/keda.sh/v1alpha1",
};

/**
 * Validates an object against its kind's schema; throws with the schema's
 * errors (e.g. "data/spec/replicas must be integer"). Unknown kinds throw too.
 */
export async function validateObject(data: K8sObject): Promise<void> {
  const specifier = MODULES[data.apiVersion];
  if (specifier === undefined) throw new Error(`no schema for apiVersion ${data.apiVersion}`);
  const module: unknown = await import(specifier);
  const model: unknown =
    typeof module === "object" && module !== null ? Reflect.get(module, data.kind) : undefined;
  if (typeof model !== "function")
    throw new Error(`no schema for ${data.kind} in ${data.apiVersion}`);
  // A class of the models package: its constructor takes the object's data.
  const instance: unknown = Reflect.construct(model, [data]);
  if (!isValidating(instance)) throw new Error(`${data.kind} model cannot validate`);
  instance.validate();
}

function isValidating(value: unknown): value is Validating {
  return typeof value === "object" && value !== null && "validate" in value;
}
