#!/usr/bin/env bash
# A real Kafka producer (Debian's `kcat`) standing in for a Beats shipper: Winlogbeat's Kafka output
# writes one ECS JSON document per record, which is what `kcat -P -l FILE` does with a JSON-lines
# file (one record per line). ingest-endpoint's Kafka input reads them from raw.winlogbeat.v1; the
# school is inside each document (`fields.school`, Beats' `fields:` option, or `labels.school`).
#
#   scripts/peers/kcat.sh ensure                 # installs kcat when missing, prints its path
#   scripts/peers/kcat.sh produce FILE [TOPIC]   # every line of FILE → one record on TOPIC
#   scripts/peers/kcat.sh command FILE [TOPIC]   # prints that command line instead of running it
#
# TOPIC defaults to raw.winlogbeat.v1; the broker is $KAFKA_BOOTSTRAP_SERVERS of scripts/stack/env.sh
# (127.0.0.1:19092). The command line another program can run itself:
#
#   kcat -P -b 127.0.0.1:19092 -t raw.winlogbeat.v1 -l FILE
#
# (add `-K '\t'` for keyed lines `key<TAB>document`; kcat waits for every delivery before it exits and
# exits non-zero when one failed). `ensure` installs the package with apt-get only as root.
set -euo pipefail
# shellcheck source=scripts/peers/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KCAT_TOPIC_DEFAULT="raw.winlogbeat.v1"
KCAT_BIN=""

_find_kcat() {
  KCAT_BIN="$(command -v kcat 2>/dev/null || true)"
  [[ -n "$KCAT_BIN" ]] || { [[ -x /usr/bin/kcat ]] && KCAT_BIN=/usr/bin/kcat; }
  [[ -n "$KCAT_BIN" ]]
}

kcat_ensure() {
  if ! _find_kcat; then
    peer_apt_install kcat kcat
    _find_kcat || die "kcat: installed the package but still no kcat binary"
  fi
  printf '%s\n' "$KCAT_BIN"
}

# The producer command line for FILE and TOPIC, one word per line (for "$(...)" into an array).
_produce_args() {
  local file="$1" topic="$2"
  printf '%s\n' "$KCAT_BIN" -P -b "$KAFKA_BOOTSTRAP_SERVERS" -t "$topic" -l "$file"
}

kcat_produce() {
  local file="${1:-}" topic="${2:-$KCAT_TOPIC_DEFAULT}"
  [[ -n "$file" ]] || die "usage: $0 produce FILE [TOPIC]"
  [[ -r "$file" ]] || die "kcat: cannot read $file"
  kcat_ensure >/dev/null
  local args lines
  mapfile -t args < <(_produce_args "$file" "$topic")
  lines="$(grep -c . "$file" || true)"
  log "kcat: producing $lines line(s) of $file to $topic on $KAFKA_BOOTSTRAP_SERVERS"
  "${args[@]}" || die "kcat: producing $file to $topic failed"
}

kcat_command() {
  local file="${1:-}" topic="${2:-$KCAT_TOPIC_DEFAULT}"
  [[ -n "$file" ]] || die "usage: $0 command FILE [TOPIC]"
  _find_kcat || KCAT_BIN=kcat
  local args
  mapfile -t args < <(_produce_args "$file" "$topic")
  printf '%q ' "${args[@]}" | sed 's/ $//'
  printf '\n'
}

case "${1:-}" in
  ensure) kcat_ensure ;;
  produce)
    shift
    kcat_produce "$@"
    ;;
  command)
    shift
    kcat_command "$@"
    ;;
  *)
    echo "usage: $0 ensure | produce FILE [TOPIC] | command FILE [TOPIC]" >&2
    exit 2
    ;;
esac
