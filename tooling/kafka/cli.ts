// The Kafka tool's command line. Runs with plain `node` (Node 24 strips the
// types), with no npm dependencies, so it works before `npm ci`:
//
//   node tooling/kafka/cli.ts <fetch|start|stop|status|reset>
//   node tooling/kafka/cli.ts <cluster-start [--nodes N]|cluster-stop|cluster-status|cluster-reset>
//   node tooling/kafka/cli.ts <node-stop|node-start|node-kill|node-pause|node-resume> <id>
//
// Progress goes to stderr with a "[kafka]" prefix; `start` and `status` print
// the bootstrap address on stdout so scripts can capture it.
import { brokerStatus, ensureBroker, resetBroker, stopBroker } from "./broker.ts";
import { clusterStatus, ensureCluster, resetCluster, stopCluster } from "./cluster.ts";
import { defaultClusterNodes } from "./cluster-layout.ts";
import { fetchKafka, kafkaVersion } from "./jars.ts";
import { killNode, pauseNode, resumeNode, startNode, stopNode } from "./node-control.ts";
import { KafkaToolError, host } from "./shared.ts";

const usage = `usage: node tooling/kafka/cli.ts <command>

  fetch    download the Kafka ${kafkaVersion} jars with mvn (once)
  start    start the local broker, or reuse the running one; prints its address
  stop     stop the local broker
  status   print whether it is running and its address (exit 3 if not running)
  reset    stop the broker and delete its data

  cluster-start [--nodes N]   start a local N-node cluster (default ${defaultClusterNodes}), or reuse it; prints its bootstrap list
  cluster-stop                stop every node (keeps the data)
  cluster-status              each node's state (exit 3 unless all nodes run and answer)
  cluster-reset               stop the cluster and delete its data
  node-stop <id>              SIGTERM one node (clean shutdown)
  node-start <id>             restart one node on its data and wait until it is ready
  node-kill <id>              SIGKILL one node (crash)
  node-pause <id>             SIGSTOP one node (hang)
  node-resume <id>            SIGCONT a paused node

env: KAFKA_BROKERS, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_CLUSTER_BASE_PORT, KAFKA_CLUSTER_DIR,
     TWEETREAM_CACHE_DIR`;

function write(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function printClusterStatus(): Promise<number> {
  const status = await clusterStatus();
  if (!status.exists) write("no cluster made yet; it would be:");
  for (const node of status.nodes) {
    const pid = node.pid ? ` (pid ${node.pid})` : "";
    const note = node.state === "running" && !node.responding ? ", not answering yet" : "";
    write(
      `node ${node.id}: ${node.state}${pid} at ${host}:${node.port}, controller ${node.controllerPort}${note}`,
    );
  }
  write(`bootstrap: ${status.brokers}`);
  const healthy = status.nodes.every((n) => n.state === "running" && n.responding);
  return healthy ? 0 : 3;
}

async function printBrokerStatus(): Promise<number> {
  const status = await brokerStatus();
  if (status.external) {
    write(`external (KAFKA_BROKERS): ${status.brokers}`);
  } else if (status.running) {
    const note = status.responding ? "" : " (not answering Kafka requests yet)";
    write(`running (pid ${String(status.pid)}) at ${status.brokers}${note}`);
  } else {
    write(`not running (would listen on ${status.brokers})`);
  }
  return status.running ? 0 : 3;
}

// A KafkaToolError is an expected failure (one line); anything else is a bug (stack).
function describe(error: unknown): string {
  if (error instanceof KafkaToolError) return error.message;
  return (error instanceof Error ? error.stack : undefined) ?? String(error);
}

type Command = (args: string[], name: string) => Promise<number>;

// A command that prints nothing on stdout and exits 0 once `action` is done.
function quiet(action: () => Promise<unknown>): Command {
  return async () => {
    await action();
    return 0;
  };
}

// A node command: its one argument is the node id.
function onNode(action: (id: number) => Promise<unknown>): Command {
  return async ([id = ""], name) => {
    if (!/^\d+$/.test(id)) {
      process.stderr.write(`${name} needs a node id\n${usage}\n`);
      return 2;
    }
    await action(Number(id));
    return 0;
  };
}

const commands: Record<string, Command> = {
  fetch: quiet(() => fetchKafka()),
  start: async () => {
    write((await ensureBroker()).brokers);
    return 0;
  },
  stop: quiet(() => stopBroker()),
  status: printBrokerStatus,
  reset: quiet(() => resetBroker()),
  "cluster-start": async (args) => {
    const nodesFlag = args.indexOf("--nodes");
    const nodes = nodesFlag === -1 ? undefined : args[nodesFlag + 1];
    write((await ensureCluster({ nodes })).brokers);
    return 0;
  },
  "cluster-stop": quiet(() => stopCluster()),
  "cluster-status": printClusterStatus,
  "cluster-reset": quiet(() => resetCluster()),
  "node-stop": onNode(stopNode),
  "node-start": onNode(startNode),
  "node-kill": onNode(killNode),
  "node-pause": onNode(pauseNode),
  "node-resume": onNode(resumeNode),
};

/** Runs one command and resolves to the process exit code. */
async function main(name: string | undefined, args: string[]): Promise<number> {
  if (name === undefined || ["help", "--help", "-h"].includes(name)) {
    write(usage);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n${usage}\n`);
    return 2;
  }
  return command(args, name);
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`[kafka] error: ${describe(error)}\n`);
    process.exitCode = 1;
  },
);
