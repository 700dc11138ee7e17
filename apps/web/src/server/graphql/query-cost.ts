// What an operation costs the server, counted with graphql-query-complexity:
// every field costs 1, and a field that returns a list costs its selection
// times the most items it can return: `tweets` `first` (default 20),
// `topicStats` `window` (one bucket per minute, default 60), `topics` the
// number of topics there are. So 15 aliases of `tweets(first: 100)` cost 15 ×
// 100 × their selection, where a cost that ignores list sizes priced them like
// 15 single posts. Checked on both transports (GRAPHQL_MAX_COST), with the
// operation's variables, before anything runs.
import { getComplexity, simpleEstimator, type ComplexityEstimator } from "graphql-query-complexity";
import { GraphQLError, type DocumentNode, type GraphQLSchema } from "graphql";

/** How many items a list field returns at most, by `Type.field`, from its arguments. */
type ListSize = (args: Record<string, unknown>, topicCount: number) => number;

const size = (value: unknown): number => (typeof value === "number" && value > 0 ? value : 1);

const LIST_SIZES: Readonly<Record<string, ListSize>> = {
  "Query.tweets": (args) => size(args.first),
  "Query.topicStats": (args) => size(args.window),
  "Subscription.topicStats": (args) => size(args.window),
  "Query.previewRule": (args) => size(args.first),
  "Subscription.previewRule": (args) => size(args.first),
  "Query.topics": (_args, topicCount) => Math.max(1, topicCount),
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
  const listSize: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
    const sizeOf = LIST_SIZES[`${type.name}.${field.name}`];
    if (sizeOf) return 1 + sizeOf(args, options.topicCount) * childComplexity;
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
    `the operation costs ${String(cost)}, above the limit of ${String(options.maxCost)} (each field 1, a list field its selection times its size: tweets' first, topicStats' window, the number of topics)`,
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
