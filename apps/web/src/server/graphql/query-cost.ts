// What an operation costs the server, counted with graphql-query-complexity:
// every field costs 1, and a field that returns a list costs its selection
// times the most items it can return: `tweets` `first` (default 20),
// `topics` the number of topics there are, and `topicStats`'s `buckets` the
// window's minutes (default 60) or the range's buckets (the rest of
// `topicStats` once). So 15 aliases of `tweets(first: 100)` cost 15 ×
// 100 × their selection, where a cost that ignores list sizes priced them like
// 15 single posts. Checked on both transports (GRAPHQL_MAX_COST), with the
// operation's variables, before anything runs.
import { getComplexity, simpleEstimator, type ComplexityEstimator } from "graphql-query-complexity";
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { BUCKET_MS, bucketFor, MAX_BUCKETS, type BucketSize } from "../history/index.ts";

/** How many items a list field returns at most, by `Type.field`, from its arguments. */
type ListSize = (args: Record<string, unknown>, topicCount: number) => number;

const size = (value: unknown): number => (typeof value === "number" && value > 0 ? value : 1);

const LIST_SIZES: Readonly<Record<string, ListSize>> = {
  "Query.tweets": (args) => size(args.first),
  "Query.topicStats": (args) =>
    args.from instanceof Date ? rangeBuckets(args.from, args.to, args.bucket) : size(args.window),
  "Subscription.topicStats": (args) => size(args.window),
  "Query.previewRule": (args) => size(args.first),
  "Subscription.previewRule": (args) => size(args.first),
  "Query.topics": (_args, topicCount) => Math.max(1, topicCount),
};

/** Buckets of a `topicStats(from, to, bucket)` answer (1 for more than MAX_BUCKETS: the resolver refuses those, saying why). */
function rangeBuckets(from: Date, to: unknown, bucket: unknown): number {
  const end = to instanceof Date ? to.getTime() : Date.now();
  const asked =
    typeof bucket === "string" && bucket in BUCKET_MS ? (bucket as BucketSize) : undefined;
  const { count } = bucketFor(from.getTime(), end, asked);
  return count > MAX_BUCKETS ? 1 : count;
}

/** Fields a StatsBucket has: what a fragment spread in `buckets` is priced at (its fields are all scalars). */
const STATS_BUCKET_FIELDS = 6;

/** What one bucket of each `buckets` selected under `node` costs: 1, plus 1 per field selected. */
function bucketsCost(node: FieldNode): number {
  const fields = (set: SelectionSetNode | undefined): number =>
    (set?.selections ?? []).reduce((sum, selection) => {
      if (selection.kind === Kind.FIELD) return sum + 1;
      if (selection.kind === Kind.INLINE_FRAGMENT) return sum + fields(selection.selectionSet);
      return sum + STATS_BUCKET_FIELDS;
    }, 0);
  const buckets = (set: SelectionSetNode | undefined): number =>
    (set?.selections ?? []).reduce((sum, selection) => {
      if (selection.kind === Kind.FIELD && selection.name.value === "buckets") {
        return sum + 1 + fields(selection.selectionSet);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return sum + buckets(selection.selectionSet);
      // A fragment spread of TopicStats: priced as if it selected every bucket field.
      if (selection.kind === Kind.FRAGMENT_SPREAD) return sum + 1 + STATS_BUCKET_FIELDS;
      return sum;
    }, 0);
  return buckets(node.selectionSet);
}

/** The cost of one operation of `document` with `variables`. */
export function queryCost(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** Topics there are now (what `topics` returns). */
  topicCount: number;
}): number {
  const listSize: ComplexityEstimator = ({ type, field, args, childComplexity, node }) => {
    const key = `${type.name}.${field.name}`;
    const sizeOf = LIST_SIZES[key];
    if (!sizeOf) return undefined;
    const items = sizeOf(args, options.topicCount);
    // topicStats is one object whose `buckets` list has the size: only that selection repeats.
    if (key.endsWith(".topicStats")) return 1 + childComplexity + (items - 1) * bucketsCost(node);
    return 1 + items * childComplexity;
  };
  return getComplexity({
    schema: options.schema,
    query: options.document,
    ...(options.operationName ? { operationName: options.operationName } : {}),
    ...(options.variables ? { variables: options.variables } : {}),
    estimators: [listSize, simpleEstimator({ defaultComplexity: 1 })],
  });
}

/**
 * GRAPHQL_VALIDATION_FAILED (HTTP 400) when the operation costs more than
 * `maxCost`, undefined when it fits. Variable errors are left to execution,
 * which reports them with their own code.
 */
export function costError(options: Parameters<typeof queryCost>[0] & { maxCost: number }) {
  let cost: number;
  try {
    cost = queryCost(options);
  } catch {
    return undefined;
  }
  if (cost <= options.maxCost) return undefined;
  return new GraphQLError(
    `the operation costs ${String(cost)}, above the limit of ${String(options.maxCost)} (each field 1, a list field its selection times its size: tweets' first, topicStats' buckets, the number of topics)`,
    {
      extensions: {
        code: "GRAPHQL_VALIDATION_FAILED",
        cost,
        maxCost: options.maxCost,
        // Apollo turns this into the HTTP status and strips it from the response.
        http: { status: 400 },
      },
    },
  );
}
