// What one small write to a loopback TCP socket costs the writing process on
// this machine, with nothing else in the way: no WebSocket, no GraphQL, no
// Kafka. The fan-out edge makes one such write per subscriber and post (a
// subscriber of a narrow topic gets a few posts a second, so there is nothing
// to merge), so this is the floor under the web process's "CPU per frame".
//
//   npx tsx bench/micro/loopback-writes.ts --sockets 10000 --rate 32000 --seconds 20
//
// A child process opens the sockets and reads everything; this process writes
// `--bytes` bytes to one socket after another, `--rate` writes a second, in
// bursts every `--burst-ms` (the web process writes a Kafka fetch's posts in a
// burst too). It prints its own CPU time per write (user and system, from
// process.cpuUsage) and the reader's, over the measured seconds after a
// 2-second warm-up.
import { fork } from "node:child_process";
import net from "node:net";
import { parseArgs } from "node:util";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    sockets: { type: "string", default: "10000" },
    rate: { type: "string", default: "32000" },
    seconds: { type: "string", default: "20" },
    bytes: { type: "string", default: "500" },
    "burst-ms": { type: "string", default: "10" },
    "no-delay": { type: "string", default: "true" },
    reader: { type: "string" },
  },
});
const sockets = Number(values.sockets);
const WARMUP_S = 2;

if (values.reader !== undefined) {
  // The reader: open the sockets, count what arrives, report CPU on request.
  let received = 0;
  let open = 0;
  const port = Number(values.reader);
  const connectNext = (): void => {
    if (open === sockets) return;
    open++;
    const socket = net.connect(port, "127.0.0.1", connectNext);
    socket.on("data", (chunk) => {
      received += chunk.length;
    });
  };
  for (let i = 0; i < 50; i++) connectNext();
  let mark = process.cpuUsage();
  process.on("message", (message) => {
    if (message === "mark") mark = process.cpuUsage();
    else process.send?.({ received, cpu: process.cpuUsage(mark) });
  });
} else {
  const rate = Number(values.rate);
  const burstMs = Number(values["burst-ms"]);
  const frame = Buffer.alloc(Number(values.bytes), "x");
  const open: net.Socket[] = [];
  const server = net.createServer({ noDelay: values["no-delay"] === "true" }, (socket) => {
    open.push(socket);
    if (open.length === sockets) void run();
  });
  await new Promise((resolve) =>
    server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
      resolve(undefined);
    }),
  );
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const reader = fork(
    new URL(import.meta.url).pathname,
    ["--sockets", String(sockets), "--reader", String(address.port)],
    {
      execArgv: process.execArgv,
    },
  );
  const Report = z.object({
    received: z.number(),
    cpu: z.object({ user: z.number(), system: z.number() }),
  });
  const ask = (): Promise<z.infer<typeof Report>> =>
    new Promise((resolve) => {
      reader.once("message", (message) => {
        resolve(Report.parse(message));
      });
      reader.send("report");
    });

  async function run(): Promise<void> {
    console.log(
      `${sockets} sockets open; writing ${rate} × ${frame.length} bytes/s in bursts every ${burstMs} ms`,
    );
    let next = 0;
    let written = 0;
    let measuredFrom = 0;
    let cpuFrom = process.cpuUsage();
    const perBurst = Math.max(1, Math.round((rate * burstMs) / 1000));
    const started = performance.now();
    const end = started + (WARMUP_S + Number(values.seconds)) * 1000;
    await new Promise<void>((resolve) => {
      const burst = (): void => {
        const now = performance.now();
        if (measuredFrom === 0 && now - started >= WARMUP_S * 1000) {
          measuredFrom = written;
          cpuFrom = process.cpuUsage();
          reader.send("mark");
        }
        if (now >= end) {
          resolve();
          return;
        }
        for (let i = 0; i < perBurst; i++) {
          open[next]?.write(frame);
          next = (next + 1) % open.length;
        }
        written += perBurst;
        setTimeout(burst, Math.max(0, burstMs - (performance.now() - now)));
      };
      burst();
    });
    const cpu = process.cpuUsage(cpuFrom);
    const writes = written - measuredFrom;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const theirs = await ask();
    const us = (n: number) => (n / writes).toFixed(2);
    console.log(
      `writer: ${us(cpu.user + cpu.system)} µs CPU per write (user ${us(cpu.user)}, system ${us(cpu.system)}) over ${writes} writes`,
    );
    console.log(
      `reader: ${us(theirs.cpu.user + theirs.cpu.system)} µs CPU per frame (user ${us(theirs.cpu.user)}, system ${us(theirs.cpu.system)})`,
    );
    reader.kill();
    for (const socket of open) socket.destroy();
    server.close();
  }
}
