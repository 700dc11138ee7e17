// GraphQL Code Generator: resolver types for the fixed schema, and typed
// documents for the dashboard's operations. `npm run codegen` rewrites
// src/server/generated/graphql.ts and src/client/generated/ (committed);
// `npm run codegen:check` fails when either is out of date with the schema, the
// client's documents or this file.
import type { CodegenConfig } from "@graphql-codegen/cli";

// Mapper paths are relative to the generated file (src/server/generated/).
const hub = "../hub/index.ts";
const topics = "../topics/index.ts";
const mappers = "../graphql/mappers.ts";

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
        // The objects resolvers return for each GraphQL type (graphql/mappers.ts).
        mappers: {
          Topic: `${topics}#TopicRecord`,
          Tweet: `${hub}#TopicPost`,
          TweetConnection: `${hub}#PostPage`,
          TopicStats: `${mappers}#TopicStatsMapper`,
          StatsBucket: `${hub}#MinuteBucket`,
          // Imported under another name: the generated file declares the schema's LabelCounts.
          LabelCounts: `${hub}#LabelCounts as LabelCountsMapper`,
          TopicChange: `${mappers}#TopicChangeMapper`,
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
