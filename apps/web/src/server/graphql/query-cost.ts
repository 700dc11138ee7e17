// What an operation costs the server, counted with graphql-query-complexity:
// every field costs 1, and a field that returns a list costs its selection
// times the most items it can return: `tweets` `first` (default 20),
// `topics` the number of topics there are, and `topicStats`'s `buckets` the
// window's minutes (default 60) or the range's buckets, and `previewRule`'s
// `sample` its `first` (the rest of `topicStats` and `previewRule` once,
// fragments followed). So 15 aliases of `tweets(first: 100)` cost 15 ×
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

type Fragments = ReadonlyMap<string, SelectionSetNode>;

/** The fields of `set`, each with those under it, fragments followed (what simpleEstimator prices them at). */
function fieldsIn(set: SelectionSetNode | undefined, fragments: Fragments): number {
  return (set?.selections ?? []).reduce((sum, selection) => {
    if (selection.kind === Kind.FIELD) return sum + 1 + fieldsIn(selection.selectionSet, fragments);
    if (selection.kind === Kind.INLINE_FRAGMENT)
      return sum + fieldsIn(selection.selectionSet, fragments);
    return sum + fieldsIn(fragments.get(selection.name.value), fragments);
  }, 0);
}

/**
 * What one more item of the list field `list` under `node` costs: for each
 * `list` selected (through fragments too), 1 and its fields.
 */
function itemCost(node: FieldNode, list: string, fragments: Fragments): number {
  const under = (set: SelectionSetNode | undefined): number =>
    (set?.selections ?? []).reduce((sum, selection) => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === list
          ? sum + 1 + fieldsIn(selection.selectionSet, fragments)
          : sum;
      if (selection.kind === Kind.INLINE_FRAGMENT) return sum + under(selection.selectionSet);
      return sum + under(fragments.get(selection.name.value));
    }, 0);
  return under(node.selectionSet);
}

/** Fields that return one object holding the list their size is of: only that list's items repeat. */
const REPEATED_LIST: Readonly<Record<string, string>> = {
  "Query.topicStats": "buckets",
  "Subscription.topicStats": "buckets",
  "Query.previewRule": "sample",
  "Subscription.previewRule": "sample",
};

/** The cost of one operation of `document` with `variables`. */
export function queryCost(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** Topics there are now (what `topics` returns). */
  topicCount: number;
}): number {
  const fragments: Fragments = new Map(
    options.document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION
        ? [[definition.name.value, definition.selectionSet] as const]
        : [],
    ),
  );
  const listSize: ComplexityEstimator = ({ type, field, args, childComplexity, node }) => {
    const key = `${type.name}.${field.name}`;
    const sizeOf = LIST_SIZES[key];
    if (!sizeOf) return undefined;
    const items = sizeOf(args, options.topicCount);
    const list = REPEATED_LIST[key];
    if (list) return 1 + childComplexity + (items - 1) * itemCost(node, list, fragments);
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
    `the operation costs ${String(cost)}, above the limit of ${String(options.maxCost)} (each field 1, a list field its selection times its size: tweets' first, topicStats' buckets, previewRule's sample, the number of topics)`,
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
