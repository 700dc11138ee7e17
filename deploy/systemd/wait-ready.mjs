#!/usr/bin/env node
// Waits until a service is ready, for systemd's ExecStartPost= (the units in
// this folder): a unit stays "activating" until this exits, so units ordered
// After= it start only once it really serves. No npm dependencies on purpose:
// it runs from the installed tree with nothing but Node.js (and the Kafka
// tool's request builder, which has none either).
//
//   node wait-ready.mjs <target> <timeout-seconds>
//
// <target> is one of
//   http://host:port/path   ready when a GET answers 2xx (e.g. /readyz)
//   tcp://host:port         ready when the port accepts a TCP connection
//   kafka://host:port       ready when a Kafka broker answers an ApiVersions
//                           request without error (what tooling/kafka/protocol.ts checks)
//
// Exit 0 when ready, 1 on timeout, 2 on bad arguments. Progress goes to stderr
// (the journal, under the unit's name).

import { Buffer } from "node:buffer";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { apiVersionsRequest } from "../../tooling/kafka/protocol.ts";

const POLL_INTERVAL_MS = 500;
const ATTEMPT_TIMEOUT_MS = 2000;
const REPORT_EVERY_MS = 5000;

const log = (message) => process.stderr.write(`[wait-ready] ${message}\n`);

/** One HTTP GET; resolves to "ready" or why not. */
function probeHttp(url) {
  return new Promise((resolve) => {
    const client = url.protocol === "https:" ? https : http;
    const request = client.get(url, { timeout: ATTEMPT_TIMEOUT_MS }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? "ready" : `HTTP ${status}`);
    });
    request.on("timeout", () => request.destroy(new Error("no answer")));
    request.on("error", (error) => resolve(error.code ?? error.message));
  });
}

/** Connects; with `payload`, sends it and lets `check` judge the reply bytes. */
function probeSocket(url, payload, check) {
  return new Promise((resolve) => {
    let reply = Buffer.alloc(0);
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port });
    const finish = (outcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(ATTEMPT_TIMEOUT_MS, () => finish("no answer"));
    socket.on("error", (error) => finish(error.code ?? error.message));
    socket.on("close", () => finish("connection closed"));
    socket.on("connect", () => (payload ? socket.write(payload) : finish("ready")));
    socket.on("data", (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      const outcome = check?.(reply);
      if (outcome) finish(outcome);
    });
  });
}

function probeKafka(url) {
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  return probeSocket(url, apiVersionsRequest(correlationId, "tweetream-wait-ready"), (reply) => {
    // size (4) + correlation id (4) + error code (2)
    if (reply.length < 10) return undefined;
    if (reply.readInt32BE(4) !== correlationId) return "not a Kafka answer";
    const errorCode = reply.readInt16BE(8);
    return errorCode === 0 ? "ready" : `Kafka error code ${errorCode}`;
  });
}

function parseArguments([target, seconds]) {
  let url;
  try {
    url = new URL(target ?? "");
  } catch {
    return undefined;
  }
  const timeoutSeconds = Number(seconds);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) return undefined;
  const probes = {
    "http:": probeHttp,
    "https:": probeHttp,
    "tcp:": (u) => probeSocket(u),
    "kafka:": probeKafka,
  };
  const probe = probes[url.protocol];
  if (!probe || (url.protocol !== "http:" && url.protocol !== "https:" && !url.port)) {
    return undefined;
  }
  return { url, timeoutMs: timeoutSeconds * 1000, probe };
}

async function main(args) {
  const parsed = parseArguments(args);
  if (!parsed) {
    log(
      "usage: wait-ready.mjs <http://host:port/path | tcp://host:port | kafka://host:port> <timeout-seconds>",
    );
    return 2;
  }
  const { url, timeoutMs, probe } = parsed;
  const startedAt = Date.now();
  const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
  log(`waiting up to ${timeoutMs / 1000}s for ${url.href}`);
  let lastReport = startedAt;
  for (;;) {
    const outcome = await probe(url);
    if (outcome === "ready") {
      log(`${url.href} is ready after ${elapsed()}`);
      return 0;
    }
    if (Date.now() - startedAt >= timeoutMs) {
      log(`${url.href} was not ready within ${timeoutMs / 1000}s (last: ${outcome})`);
      return 1;
    }
    if (Date.now() - lastReport >= REPORT_EVERY_MS) {
      log(`still waiting for ${url.href} after ${elapsed()} (last: ${outcome})`);
      lastReport = Date.now();
    }
    await sleep(Math.min(POLL_INTERVAL_MS, Math.max(0, startedAt + timeoutMs - Date.now())));
  }
}

process.exitCode = await main(process.argv.slice(2));
