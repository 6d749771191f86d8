# shellcheck shell=bash
# Shared by the real-peer scripts (squid.sh, slapd.sh). Source it:
#   . "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# Brings in scripts/stack/env.sh (ROOT, LOCAL, CACHE, ports, start_bg/stop_bg, wait_until, ...).

# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/../stack/env.sh"

PEERS_DIR="$ROOT/scripts/peers"
export PEERS_DIR
POLICY_RC=/usr/sbin/policy-rc.d
_POLICY_RC_BACKUP=""

_restore_policy_rc() {
  if [[ -n "$_POLICY_RC_BACKUP" ]]; then
    mv -f "$_POLICY_RC_BACKUP" "$POLICY_RC"
  else
    rm -f "$POLICY_RC"
  fi
  _POLICY_RC_BACKUP=""
}

# peer_apt_install WHAT PKG... — install Debian packages with apt-get (root only), with a
# temporary policy-rc.d answering 101 so the packages' own services never start; the previous
# policy-rc.d (if any) is put back afterwards. Serialised with a lock; set PEER_DEBCONF to
# debconf-set-selections lines to preseed.
peer_apt_install() {
  local what="$1"
  shift
  if [[ "$(id -u)" -ne 0 ]]; then
    die "$what: not installed. Install it as root: sudo apt-get install -y --no-install-recommends $*"
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "$what: not installed and apt-get is unavailable: install Debian's $* (or the same programs) yourself"
  mkdir -p "$CACHE"
  local lockfd
  exec {lockfd}>"$CACHE/.peers-apt.lock"
  flock "$lockfd"
  log "$what: installing Debian's $* with apt-get (once per machine; their own services are kept stopped)"
  local start=$SECONDS status=0
  export DEBIAN_FRONTEND=noninteractive
  if [[ -e "$POLICY_RC" ]]; then
    _POLICY_RC_BACKUP="$(mktemp "$POLICY_RC.invigilator.XXXXXX")"
    cp -p "$POLICY_RC" "$_POLICY_RC_BACKUP"
  fi
  trap _restore_policy_rc EXIT
  printf '#!/bin/sh\n# Written by scripts/peers/common.sh during apt-get install: start no services.\nexit 101\n' \
    >"$POLICY_RC"
  chmod 755 "$POLICY_RC"
  if [[ -n "${PEER_DEBCONF:-}" ]]; then
    printf '%s\n' "$PEER_DEBCONF" | debconf-set-selections || status=$?
  fi
  if ((status == 0)); then
    {
      apt-get update -q &&
        apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$@"
    } >&2 || status=$?
  fi
  _restore_policy_rc
  trap - EXIT
  exec {lockfd}>&-
  ((status == 0)) || die "$what: apt-get install $* failed (status $status; see the output above)"
  log "$what: installed $* in $((SECONDS - start)) s"
}

# peer_locked NAME ACTION [ARG...] — run this script's ACTION (with its ARGs) again while holding
# $LOCAL/pids/NAME.lock, so a start never races a stop still shutting the same server down. flock -o:
# the lock stays with flock itself, so the server the script starts does not inherit it. Returns at
# once inside the lock.
peer_locked() {
  [[ -z "${_INVIGILATOR_PEER_LOCKED:-}" ]] || return 0
  exec env _INVIGILATOR_PEER_LOCKED=1 flock -o -w 900 -E 75 "$LOCAL/pids/$1.lock" "$0" "${@:2}"
}

# peer_keep_service_off NAME — after peer_apt_install: the package enabled its own service for the
# next boot; disable it (systemd and sysvinit links), since only our own instance is wanted.
peer_keep_service_off() {
  if command -v deb-systemd-helper >/dev/null 2>&1; then
    deb-systemd-helper disable "$1.service" >/dev/null 2>&1 || true
  fi
  if [[ -x "/etc/init.d/$1" ]] && command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d "$1" disable >/dev/null 2>&1 || true
  fi
}

# peer_owner_prepare USER DIR... — when root, let the unprivileged USER own DIR... and check that
# it can reach them (every parent folder needs o+x).
peer_owner_prepare() {
  local user="$1" dir
  shift
  [[ "$(id -u)" -eq 0 ]] || return 0
  id "$user" >/dev/null 2>&1 || die "system user $user is missing (the Debian package creates it)"
  for dir in "$@"; do
    chown -R "$user:" "$dir"
    runuser -u "$user" -- test -w "$dir" ||
      die "user $user cannot reach $dir: every parent folder of the clone needs o+x (e.g. chmod o+x $(dirname "$ROOT"))"
  done
}
