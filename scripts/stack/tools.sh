#!/usr/bin/env bash
# Prerequisite check and pinned tool installation for the local stack.
#
#   scripts/stack/tools.sh            # check prerequisites, install missing tools
#   . scripts/stack/tools.sh          # (from another script) defines check_prereqs / ensure_tools
#
# Tools are cached under $CACHE (outside the clone) and installed only once:
#   opa   $CACHE/tools/opa-$OPA_VERSION/opa     (go install, ~2.5 min on 2 cores)
#   buf   $CACHE/tools/buf-$BUF_VERSION/buf     (go install, ~2.5 min)
#   helm  $CACHE/tools/helm-$HELM_VERSION/helm   (go install, ~2 min; `make chart`)
#   kafka $CACHE/kafka-$KAFKA_VERSION/libs/*.jar (mvn dependency:copy-dependencies, ~40 s)
#   postgres: Debian's `postgresql` package (apt-get) when no initdb/pg_ctl/postgres is found.
# Exposes OPA_BIN, BUF_BIN, HELM_BIN (ensure_helm), KAFKA_LIBS, PG_BIN.

# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# check_prereqs — java 17+, mvn, go, python3.11, uv. Installs uv with pip when
# it is the only thing missing; otherwise says exactly what is missing and exits 1.
check_prereqs() {
  local missing=() major
  if command -v java >/dev/null 2>&1; then
    major="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | awk -F. '{ if ($1 == "1") print $2; else print $1 }')"
    if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
      missing+=("java 17+ (found: $(java -version 2>&1 | head -n1))")
    fi
  else
    missing+=("java 17+ (e.g. apt-get install openjdk-17-jre-headless)")
  fi
  command -v mvn >/dev/null 2>&1 || missing+=("mvn (Apache Maven 3.8+, e.g. apt-get install maven)")
  command -v go >/dev/null 2>&1 || missing+=("go (Go 1.24+ toolchain, to build opa and buf)")
  command -v python3.11 >/dev/null 2>&1 || missing+=("python3.11")
  if ! command -v uv >/dev/null 2>&1; then
    if command -v python3.11 >/dev/null 2>&1; then
      log "uv not found: installing it with 'python3.11 -m pip install uv'"
      python3.11 -m pip install --quiet uv >&2 || true
      hash -r
    fi
    command -v uv >/dev/null 2>&1 || missing+=("uv (pip install uv)")
  fi
  if ((${#missing[@]} > 0)); then
    log "ERROR: missing prerequisites:"
    local m
    for m in "${missing[@]}"; do
      log "  - $m"
    done
    exit 1
  fi
}

# _go_install NAME MODULE@VERSION DESTDIR [VERSION_ARG] — pinned go install into DESTDIR,
# serialised with a lock; waits for an install of the same module already
# running elsewhere instead of starting a second one.
_go_install() {
  local name="$1" module="$2" dest="$3" version_arg="${4:-version}"
  local bin="$dest/$name" pkg="${2%@*}" tmp lock
  mkdir -p "$CACHE/tools"
  lock="$CACHE/tools/.$name.lock"
  exec {lockfd}>"$lock"
  if ! flock -n "$lockfd"; then
    log "$name: another install holds $lock; waiting for it"
    flock "$lockfd"
  fi
  # Someone else's `go install` of this module (e.g. a build started by hand).
  if pgrep -f "(^|/)go install $pkg" >/dev/null 2>&1; then
    log "$name: a 'go install $pkg' is already running; waiting for it to finish"
    while pgrep -f "(^|/)go install $pkg" >/dev/null 2>&1; do
      sleep 2
    done
  fi
  if [[ -x "$bin" ]] && "$bin" "$version_arg" >/dev/null 2>&1; then
    exec {lockfd}>&-
    return 0
  fi
  log "$name: building $module with go install into $dest (takes a few minutes; once per machine)"
  tmp="$(mktemp -d)"
  local start=$SECONDS
  if ! (cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS=-mod=mod go install "$module") >&2; then
    rm -rf "$tmp"
    exec {lockfd}>&-
    die "$name: 'go install $module' failed (see the output above)"
  fi
  mkdir -p "$dest"
  mv -f "$tmp/bin/$name" "$bin.tmp.$$"
  mv -f "$bin.tmp.$$" "$bin"
  rm -rf "$tmp"
  exec {lockfd}>&-
  log "$name: installed $bin in $((SECONDS - start)) s"
}

ensure_opa() {
  OPA_BIN="$CACHE/tools/opa-$OPA_VERSION/opa"
  if ! { [[ -x "$OPA_BIN" ]] && "$OPA_BIN" version >/dev/null 2>&1; } ||
    pgrep -f "(^|/)go install github.com/open-policy-agent/opa" >/dev/null 2>&1; then
    _go_install opa "github.com/open-policy-agent/opa@$OPA_VERSION" "$(dirname "$OPA_BIN")"
  fi
  export OPA_BIN
}

ensure_buf() {
  BUF_BIN="$CACHE/tools/buf-$BUF_VERSION/buf"
  if ! { [[ -x "$BUF_BIN" ]] && "$BUF_BIN" --version >/dev/null 2>&1; } ||
    pgrep -f "(^|/)go install github.com/bufbuild/buf/cmd/buf" >/dev/null 2>&1; then
    _go_install buf "github.com/bufbuild/buf/cmd/buf@$BUF_VERSION" "$(dirname "$BUF_BIN")" --version
  fi
  export BUF_BIN
}

# ensure_helm — the pinned helm for the chart step (`scripts/test.sh chart`); not part of ensure_tools.
ensure_helm() {
  HELM_VERSION="${HELM_VERSION:-v3.19.2}"
  HELM_BIN="$CACHE/tools/helm-$HELM_VERSION/helm"
  if ! { [[ -x "$HELM_BIN" ]] && "$HELM_BIN" version >/dev/null 2>&1; } ||
    pgrep -f "(^|/)go install helm.sh/helm/v3/cmd/helm" >/dev/null 2>&1; then
    _go_install helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" "$(dirname "$HELM_BIN")"
  fi
  export HELM_VERSION HELM_BIN
}

# ensure_kafka_libs — Kafka broker + tools jars via Maven, stamped when complete.
ensure_kafka_libs() {
  local dir="$CACHE/kafka-$KAFKA_VERSION"
  local stamp="$dir/.complete" pom="$ROOT/stack/kafka/pom.xml"
  KAFKA_LIBS="$dir/libs"
  export KAFKA_LIBS
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$(sha256sum "$pom" | cut -c1-64)" ]]; then
    return 0
  fi
  mkdir -p "$dir"
  exec {kfd}>"$dir/.lock"
  flock "$kfd"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$(sha256sum "$pom" | cut -c1-64)" ]]; then
    exec {kfd}>&-
    return 0
  fi
  log "kafka: resolving Apache Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS (~40 s; once per machine)"
  local start=$SECONDS
  rm -rf "$KAFKA_LIBS" "$stamp"
  if ! mvn -q -B -Dstyle.color=never -f "$pom" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIBS" >&2; then
    exec {kfd}>&-
    die "kafka: 'mvn dependency:copy-dependencies' failed (see the output above)"
  fi
  ls "$KAFKA_LIBS"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 ||
    die "kafka: kafka_2.13-$KAFKA_VERSION.jar missing from $KAFKA_LIBS after mvn"
  sha256sum "$pom" | cut -c1-64 >"$stamp"
  exec {kfd}>&-
  log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - start)) s"
}

# find_pg_bin — print a directory holding initdb, pg_ctl and postgres.
find_pg_bin() {
  local d candidates=()
  if command -v pg_ctl >/dev/null 2>&1; then
    # Resolve symlinks (e.g. /usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl)
    # so PG_BIN also holds psql, pg_isready, createdb, ...
    candidates+=("$(dirname "$(readlink -f "$(command -v pg_ctl)")")")
  fi
  # Newest major version first.
  while IFS= read -r d; do
    candidates+=("$d")
  done < <(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -t/ -k5,5 -rn)
  for d in "${candidates[@]}"; do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      printf '%s\n' "$d"
      return 0
    fi
  done
  return 1
}

# ensure_postgres — Debian's PostgreSQL server binaries; sets PG_BIN.
ensure_postgres() {
  if PG_BIN="$(find_pg_bin)"; then
    export PG_BIN
    return 0
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    die "postgres: initdb/pg_ctl/postgres not found (PATH, /usr/lib/postgresql/*/bin). Install them: sudo apt-get install -y postgresql"
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "postgres: initdb/pg_ctl/postgres not found and apt-get is unavailable: install the PostgreSQL server binaries"
  log "postgres: installing Debian's postgresql package with apt-get (a minute or two; once per machine)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 || die "postgres: apt-get update failed"
  # Do not let the package create and start a default cluster on :5432.
  apt-get install -y -q --no-install-recommends postgresql-common >&2 ||
    die "postgres: apt-get install postgresql-common failed"
  if [[ -f /etc/postgresql-common/createcluster.conf ]] &&
    ! grep -Eq '^[[:space:]]*create_main_cluster' /etc/postgresql-common/createcluster.conf; then
    echo "create_main_cluster = false" >>/etc/postgresql-common/createcluster.conf
  fi
  apt-get install -y -q postgresql >&2 || die "postgres: apt-get install postgresql failed"
  PG_BIN="$(find_pg_bin)" || die "postgres: installed postgresql but still no initdb/pg_ctl/postgres"
  export PG_BIN
}

# ensure_shellcheck — Debian's shellcheck, for `make lint`.
ensure_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return 0
  [[ "$(id -u)" -eq 0 ]] || die "shellcheck not found: sudo apt-get install -y shellcheck"
  log "shellcheck: installing Debian's package (once per machine)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q shellcheck; } >&2 || die "shellcheck: apt-get install failed"
}

# ensure_chromium — Debian's Chromium, driven by Playwright in the workspace's browser tests
# (services/web/tests, `chromium.launch(executable_path="/usr/bin/chromium")`).
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  [[ "$(id -u)" -eq 0 ]] || die "chromium not found: sudo apt-get install -y chromium"
  command -v apt-get >/dev/null 2>&1 ||
    die "chromium: /usr/bin/chromium not found and apt-get is unavailable: install Debian's chromium package"
  log "chromium: installing Debian's chromium package with apt-get (a few minutes; once per machine)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -q && apt-get install -y -q chromium; } >&2 || die "chromium: apt-get install chromium failed"
}

# ensure_tools — everything the stack needs; quick no-op once installed.
ensure_tools() {
  ensure_kafka_libs
  ensure_postgres
  ensure_opa
  ensure_buf
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  check_prereqs
  ensure_tools
  log "tools ready: OPA_BIN=$OPA_BIN BUF_BIN=$BUF_BIN KAFKA_LIBS=$KAFKA_LIBS PG_BIN=$PG_BIN"
fi
