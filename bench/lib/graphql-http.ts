// GraphQL over HTTP for the harness's own set-up and checks (topics, status).
import { z } from "zod";

const Reply = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(
      z.object({
        message: z.string(),
        extensions: z.object({ code: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

/** POSTs a GraphQL operation and returns `data` parsed with `schema`; throws on any error. */
export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  schema: z.ZodType<T>,
  token?: string,
): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const reply = Reply.parse(await response.json());
  if (reply.errors?.length) {
    const first = reply.errors[0];
    throw new Error(
      `GraphQL error ${first?.extensions?.code ?? "?"}: ${first?.message ?? "?"} (${query.slice(0, 60)})`,
    );
  }
  return schema.parse(reply.data);
}

export const TopicList = z.object({
  topics: z.array(z.object({ slug: z.string(), status: z.string() })),
});
