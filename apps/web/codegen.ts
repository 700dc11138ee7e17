// GraphQL Code Generator: resolver types for the fixed schema, and typed
// documents for the dashboard's operations. `npm run codegen` rewrites
// src/server/generated/graphql.ts and src/client/generated/ (committed);
// `npm run codegen:check` fails when either is out of date with the schema, the
// client's documents or this file.
import type { CodegenConfig } from "@graphql-codegen/cli";

const model = "../graphql/mappers.ts";

const config: CodegenConfig = {
  schema: "src/server/schema.graphql",
  generates: {
    "src/server/generated/graphql.ts": {
      plugins: ["typescript", "typescript-resolvers"],
      config: {
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          // Accepted from resolvers as a Date, epoch ms or an ISO string; always sent as ISO.
          DateTime: { input: "Date", output: "Date | string | number" },
        },
        enumsAsTypes: true,
        contextType: "../graphql/context.ts#GatewayContext",
        mappers: {
          Topic: `${model}#TopicRecord`,
          Tweet: `${model}#HubItem`,
          TweetConnection: `${model}#TweetPage`,
          TopicStats: `${model}#TopicStatsModel`,
          StatsBucket: `${model}#StatsBucketModel`,
          LabelCounts: `${model}#LabelCountsModel`,
          TopicChange: `${model}#TopicChangeModel`,
        },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        maybeValue: "T | null",
        inputMaybeValue: "T | null | undefined",
        allowParentTypeOverride: false,
        optionalResolveType: false,
      },
    },
    // The client preset turns each `graphql()` document into a TypedDocumentNode
    // that Apollo's hooks read their result and variable types from.
    "src/client/generated/": {
      preset: "client",
      documents: ["src/client/**/*.{ts,tsx}", "!src/client/generated/**"],
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        strictScalars: true,
        // Sent as an ISO string (see the server's DateTime above).
        scalars: { DateTime: "string" },
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
