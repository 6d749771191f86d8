#!/usr/bin/env bash
# Local single-node KRaft Kafka broker (broker + controller in one JVM) on
# 127.0.0.1:$KAFKA_PORT, data in .local/kafka/data, log in .local/logs/kafka.log.
#
#   scripts/stack/kafka.sh start|stop|status
#
# `start` renders stack/kafka/server.properties, formats storage once, starts
# the broker, waits for it and creates the topics of stack/topics.txt.
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

KAFKA_DIR="$LOCAL/kafka"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_CONFIG="$KAFKA_DIR/server.properties"
KAFKA_LOG4J="$ROOT/stack/kafka/log4j2.properties"
TOPICS_FILE="$ROOT/stack/topics.txt"

_require_libs() {
  [[ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" && -f "$CACHE/kafka-$KAFKA_VERSION/.complete" ]] ||
    die "kafka: jars not found in $KAFKA_LIBS: run scripts/stack/tools.sh first"
}

# Kafka CLI tool in a short-lived, quiet JVM.
_kafka_tool() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J" -Dkafka.root.loglevel=WARN \
    -cp "$KAFKA_LIBS/*" "$@"
}

_render_config() {
  mkdir -p "$KAFKA_DATA"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$KAFKA_DATA|g" \
    "$ROOT/stack/kafka/server.properties" >"$KAFKA_CONFIG.tmp"
  mv -f "$KAFKA_CONFIG.tmp" "$KAFKA_CONFIG"
}

_format_once() {
  if [[ -f "$KAFKA_DATA/meta.properties" ]]; then
    return 0
  fi
  if [[ ! -s "$KAFKA_DIR/cluster-id" ]]; then
    python3 -c 'import base64, uuid; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))' \
      >"$KAFKA_DIR/cluster-id"
  fi
  local cid
  cid="$(cat "$KAFKA_DIR/cluster-id")"
  log "kafka: formatting storage in $KAFKA_DATA (cluster id $cid)"
  _kafka_tool kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_CONFIG" >>"$LOCAL/logs/kafka.log" 2>&1 || {
    log_tail kafka 20
    die "kafka: storage format failed"
  }
}

# Prints the topic list; fails when the broker does not answer.
_list_topics() {
  _kafka_tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --list 2>>"$LOCAL/logs/kafka-tools.log"
}

# Creates the topics of stack/topics.txt that do not exist yet (one JVM for
# the list, one per missing topic: only the first start pays for creation).
_create_topics() {
  local existing="$1" name partitions retention policy rest created=0
  while read -r name partitions retention policy rest || [[ -n "${name:-}" ]]; do
    [[ -z "${name:-}" || "$name" == \#* ]] && continue
    if grep -qxF "$name" <<<"$existing"; then
      continue
    fi
    [[ "$partitions" =~ ^[0-9]+$ && "$retention" =~ ^-?[0-9]+$ ]] ||
      die "kafka: bad line in $TOPICS_FILE: $name $partitions $retention $policy"
    local args=(--bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --create --if-not-exists
      --topic "$name" --partitions "$partitions" --replication-factor 1
      --config "retention.ms=$retention")
    [[ -z "${policy:-}" ]] || args+=(--config "cleanup.policy=$policy")
    log "kafka: creating topic $name (partitions=$partitions retention.ms=$retention${policy:+ cleanup.policy=$policy})"
    _kafka_tool org.apache.kafka.tools.TopicCommand "${args[@]}" >>"$LOCAL/logs/kafka-tools.log" 2>&1 || {
      log_tail kafka-tools 20
      die "kafka: creating topic $name failed"
    }
    created=$((created + 1))
  done <"$TOPICS_FILE"
  if ((created == 0)); then
    log "kafka: all topics of stack/topics.txt exist"
  fi
}

kafka_start() {
  _require_libs
  if is_running kafka; then
    log "kafka: already running (pid $(cat "$LOCAL/pids/kafka.pid"))"
  else
    if port_open "$KAFKA_PORT" || port_open "$KAFKA_CONTROLLER_PORT"; then
      port_owner_hint "$KAFKA_PORT"
      port_owner_hint "$KAFKA_CONTROLLER_PORT"
      die "kafka: port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
    fi
    _render_config
    _format_once
    start_bg kafka java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$KAFKA_LOG4J" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG"
  fi
  WAIT_LOG=kafka WAIT_PID_NAME=kafka wait_until 90 "kafka listening on 127.0.0.1:$KAFKA_PORT" \
    port_open "$KAFKA_PORT" || die "kafka: did not start (log: $LOCAL/logs/kafka.log)"
  # The port opens slightly before the broker serves metadata: retry the list.
  local topics="" deadline=$((SECONDS + 60))
  until topics="$(_list_topics)"; do
    if ((SECONDS >= deadline)) || ! is_running kafka; then
      log_tail kafka 40
      log_tail kafka-tools 10
      die "kafka: broker does not answer on $KAFKA_BOOTSTRAP_SERVERS"
    fi
    sleep 1
  done
  _create_topics "$topics"
  log "kafka: ready on $KAFKA_BOOTSTRAP_SERVERS"
}

kafka_stop() {
  stop_bg kafka
}

kafka_status() {
  print_status kafka starting "bootstrap $KAFKA_BOOTSTRAP_SERVERS" port_open "$KAFKA_PORT"
}

case "${1:-}" in
  start) kafka_start ;;
  stop) kafka_stop ;;
  status) kafka_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
