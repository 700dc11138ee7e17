// Scenario 6 (the original's Locust scenario): admins create and delete
// topics through the GraphQL API at rising concurrency while posts flow;
// latency, errors, and at the end no topic may be left PENDING or DELETING.
import path from "node:path";
import type { z } from "zod";
import { graphql, TopicList } from "../lib/graphql-http.ts";
import { mergeHistograms, summarize } from "../lib/histogram.ts";
import { LoadProcess } from "../lib/load-client.ts";
import type { TopicAdminResult } from "../lib/results.ts";
import { round } from "../lib/sampler.ts";
import { Stack, newPrefix } from "../lib/system.ts";
import type { ScenarioEnv } from "./scenario.ts";

type Result = Omit<z.infer<typeof TopicAdminResult>, "status" | "seconds">;

export async function topicAdmin(env: ScenarioEnv): Promise<Result> {
  const { ctx, options } = env;
  const stack = await Stack.start(ctx, { prefix: newPrefix(ctx, "adm") });
  const levels: Result["levels"] = [];
  try {
    await stack.createTopics();
    await stack.startClassifier();
    // Background posts for the whole scenario, stopped at the end.
    await stack.startStreamer(options.fanoutRate, options.fanoutRate * 3600);
    const load = LoadProcess.start("load-admin", path.join(ctx.workDir, "load-admin.log"));
    try {
      for (const clients of options.adminClients) {
        const timeoutMs = (options.quick ? 60 : 300) * 1000;
        const done = await load.request(
          {
            type: "admin",
            url: stack.graphqlUrl,
            token: ctx.adminToken,
            clients,
            iterations: options.adminIterations,
            slugPrefix: `adm${clients}`,
            timeoutMs,
          },
          "admin-done",
          timeoutMs + 60_000,
        );
        const ops = done.create.ok + done.delete.ok;
        const level = {
          clients,
          iterations: options.adminIterations,
          seconds: round(done.ms / 1000, 2),
          opsPerSecond: round(ops / Math.max(0.001, done.ms / 1000), 1),
          create: {
            latencyMs: summarize(mergeHistograms([done.create.histogram])),
            ok: done.create.ok,
            errors: done.create.errors,
          },
          delete: {
            latencyMs: summarize(mergeHistograms([done.delete.histogram])),
            ok: done.delete.ok,
            errors: done.delete.errors,
          },
        };
        levels.push(level);
        ctx.log(
          `topic admin ${clients} clients: create p99 ${level.create.latencyMs.p99} ms, delete p99 ${level.delete.latencyMs.p99} ms, errors ${JSON.stringify({ ...done.create.errors, ...done.delete.errors })}`,
        );
      }
    } finally {
      await load.close();
    }
    const { topics } = await graphql(stack.graphqlUrl, "{ topics { slug status } }", {}, TopicList);
    return {
      backgroundRate: options.fanoutRate,
      levels,
      leftHalfDone: topics.filter((t) => t.status !== "ACTIVE"),
      leftOver: topics.filter((t) => t.slug.startsWith("adm")).length,
    };
  } finally {
    await stack.stop();
  }
}
