#!/usr/bin/env bash
# Installs the sdfl edge agent on a Raspberry Pi (Raspberry Pi OS Bookworm, arm64) from this
# checkout. Idempotent: run it again after `git pull` to upgrade; it never overwrites
# /etc/sdfl/edge.yaml or the udev rule you edited. Needs root; --dry-run prints what it would do.
#
#   sudo infra/edge/install.sh [--dry-run]
#
# What it does: Node 20 (NodeSource apt repo, only if `node -v` is not 20.x) and build tools;
# user sdfl in dialout, gpio, spi; udev rule for /dev/sdfl-pump-<id>; checkout -> /opt/sdfl and
# `npm ci --omit=dev`; /usr/local/bin/sdfl-edge; /etc/sdfl/edge.yaml; sdfl-edge.service enabled.
set -euo pipefail

readonly PREFIX=/opt/sdfl
readonly CONF_DIR=/etc/sdfl
readonly UNIT=/etc/systemd/system/sdfl-edge.service
readonly UDEV_RULE=/etc/udev/rules.d/99-sdfl-serial.rules
readonly WRAPPER=/usr/local/bin/sdfl-edge
readonly NODE_MAJOR=20
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
readonly HERE SRC

DRY_RUN=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    -h | --help) sed -n '2,/^set /s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# Runs a command, or prints it under --dry-run.
run() {
  if ((DRY_RUN)); then printf '  would run:'; printf ' %q' "$@"; printf '\n'; else "$@"; fi
}
# Writes stdin to a file with mode and owner, or prints where under --dry-run.
write_file() { # path mode owner:group
  if ((DRY_RUN)); then printf '  would write %s (%s %s)\n' "$1" "$2" "$3"; cat >/dev/null; return; fi
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  chmod "$2" "$tmp"
  chown "$3" "$tmp"
  mv -f "$tmp" "$1"
}

if ((EUID != 0)); then
  ((DRY_RUN)) || die "run as root: sudo $0"
  log "not root: dry run only"
fi
[[ -f "$SRC/package-lock.json" && -f "$SRC/apps/edge/src/config.ts" ]] || die "$SRC is not an sdfl checkout"

# shellcheck source=/dev/null
. /etc/os-release
arch=$(dpkg --print-architecture)
if [[ "${VERSION_CODENAME:-}" != bookworm || "$arch" != arm64 ]]; then
  log "warning: made for Raspberry Pi OS Bookworm arm64; this is ${PRETTY_NAME:-unknown} $arch"
fi

# --- system packages ---------------------------------------------------------------------------
# Native modules (better-sqlite3, serialport, onoff/epoll) build with build-essential/python3;
# socat: `sdfl-edge --sim` runs its pump emulators on socat pseudo-terminals.
apt_updated=0
apt_install() {
  local missing=() p
  for p in "$@"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == 'install ok installed' ]] || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "apt: installing ${missing[*]}"
  if ((!apt_updated)); then run apt-get update; apt_updated=1; fi
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}
apt_install ca-certificates curl gnupg build-essential python3 make g++ rsync socat

# --- Node 20 -------------------------------------------------------------------------------------
# Bookworm's own nodejs is 18, so Node 20 comes from NodeSource's apt repository, pinned above
# Debian's. Left alone when `node -v` already says 20.x. The unit runs /usr/bin/node: that one counts.
node_version=$(/usr/bin/node -v 2>/dev/null || true)
if [[ "$node_version" != v${NODE_MAJOR}.* ]]; then
  log "Node ${NODE_MAJOR}: found '${node_version:-none}', installing nodejs ${NODE_MAJOR}.x from deb.nodesource.com"
  run install -d -m 0755 /etc/apt/keyrings
  if ((DRY_RUN)); then
    printf '  would run: curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor -o /etc/apt/keyrings/nodesource.gpg\n'
  else
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --batch --yes --dearmor -o /etc/apt/keyrings/nodesource.gpg
  fi
  write_file /etc/apt/sources.list.d/nodesource.list 0644 root:root <<EOF
deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main
EOF
  write_file /etc/apt/preferences.d/nodesource 0644 root:root <<'EOF'
Package: nodejs
Pin: origin deb.nodesource.com
Pin-Priority: 600
EOF
  run apt-get update
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs
  if ((!DRY_RUN)); then
    node_version=$(/usr/bin/node -v)
    [[ "$node_version" == v${NODE_MAJOR}.* ]] || die "node -v says $node_version after the install"
  fi
fi
if ((!DRY_RUN)); then
  command -v npm >/dev/null || die "npm is missing (NodeSource's nodejs package ships it)"
fi

# --- user and groups -----------------------------------------------------------------------------
# gpio and spi exist on Raspberry Pi OS (its udev rules give them /sys/class/gpio, /dev/gpiochip*,
# /dev/spidev*); created here only so the user can be made on another Debian.
for g in dialout gpio spi; do
  getent group "$g" >/dev/null || run groupadd --system "$g"
done
if id sdfl >/dev/null 2>&1; then
  run usermod --append --groups dialout,gpio,spi sdfl
else
  log "creating system user sdfl"
  group_opt=--user-group
  getent group sdfl >/dev/null && group_opt=--gid=sdfl
  run useradd --system "$group_opt" --groups dialout,gpio,spi --home-dir /var/lib/sdfl --no-create-home \
    --shell /usr/sbin/nologin --comment 'sdfl edge agent' sdfl
fi

# --- udev rule for the pumps' serial adapters ------------------------------------------------------
if [[ -e "$UDEV_RULE" ]]; then
  log "$UDEV_RULE exists: kept (reference: $PREFIX/infra/edge/99-sdfl-serial.rules)"
else
  log "installing $UDEV_RULE (placeholders: edit the serial numbers)"
  write_file "$UDEV_RULE" 0644 root:root <"$HERE/99-sdfl-serial.rules"
  run udevadm control --reload-rules
  run udevadm trigger --subsystem-match=tty
fi

# --- code ------------------------------------------------------------------------------------------
# Root-owned and read-only to the agent. node_modules is rebuilt by npm ci, not copied (native
# modules are built for this Pi).
if [[ "$SRC" != "$PREFIX" ]]; then
  log "copying $SRC -> $PREFIX"
  run install -d -m 0755 -o root -g root "$PREFIX"
  run rsync -a --delete --chown=root:root --exclude=/.git --exclude=node_modules --exclude=.data \
    --exclude=coverage --exclude=.scratch "$SRC/" "$PREFIX/"
fi
# npm ci only when the lock file, Node or the CPU changed since the last install.
stamp_file=$PREFIX/node_modules/.sdfl-install-stamp
stamp="$(sha256sum "$SRC/package-lock.json" | cut -d' ' -f1) node-${node_version:-none} $(uname -m)"
if [[ -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
  log "dependencies up to date ($stamp_file)"
else
  # better-sqlite3 compiles from source when no prebuilt binary is available (~60 s on a fast
  # machine, several minutes on a Pi 4); serialport and onoff (epoll) build native code too.
  log "npm ci --omit=dev in $PREFIX (native modules may compile for several minutes)"
  run env -C "$PREFIX" npm ci --omit=dev --no-audit --no-fund
  if ((DRY_RUN)); then printf '  would write %s\n' "$stamp_file"; else printf '%s\n' "$stamp" >"$stamp_file"; fi
fi

# `sdfl-edge ...` for operators. An absolute tsx loader path, so it works from any directory
# (a bare `--import tsx` resolves from the working directory; the unit sets /opt/sdfl).
write_file "$WRAPPER" 0755 root:root <<EOF
#!/bin/sh
# sdfl edge agent CLI (installed by $PREFIX/infra/edge/install.sh). See $PREFIX/infra/edge/OPERATOR.md.
exec /usr/bin/node --import $PREFIX/node_modules/tsx/dist/loader.mjs $PREFIX/apps/edge/src/cli.ts "\$@"
EOF

# --- configuration ---------------------------------------------------------------------------------
run install -d -m 0755 -o root -g root "$CONF_DIR"
write_file "$CONF_DIR/edge.example.yaml" 0644 root:root <"$HERE/edge.example.yaml"
if [[ -e "$CONF_DIR/edge.yaml" ]]; then
  log "$CONF_DIR/edge.yaml exists: kept (compare with $CONF_DIR/edge.example.yaml)"
else
  log "installing $CONF_DIR/edge.yaml from the example (edit it before starting)"
  write_file "$CONF_DIR/edge.yaml" 0640 root:sdfl <"$HERE/edge.example.yaml"
fi

# --- systemd unit ----------------------------------------------------------------------------------
log "installing $UNIT"
write_file "$UNIT" 0644 root:root <"$HERE/sdfl-edge.service"
run systemctl daemon-reload
run systemctl enable sdfl-edge.service

restart_hint=""
if systemctl is-active --quiet sdfl-edge.service 2>/dev/null; then
  restart_hint="
  The agent is running the previous code. Restart when no experiment is running (it re-enters SAFE):
     sudo systemctl restart sdfl-edge"
fi

cat <<EOF

sdfl-edge installed (node ${node_version:-${NODE_MAJOR}.x}, $PREFIX). Next steps (details: $PREFIX/infra/edge/OPERATOR.md):
  1. Wiring and the hardware over-temperature cutoff as in OPERATOR.md. MAX31855 via the kernel
     IIO driver: add dtoverlay=maxtherm,spidev=0,type=k to /boot/firmware/config.txt and reboot
  2. Pump adapters: put their serial numbers into $UDEV_RULE, then
     sudo udevadm control --reload-rules && sudo udevadm trigger --subsystem-match=tty && ls -l /dev/sdfl-pump-*
  3. Edit $CONF_DIR/edge.yaml (platformId, broker, spectrometers, pins), then check it:
     sudo -u sdfl sdfl-edge --check-config --config $CONF_DIR/edge.yaml
  4. Optional, no hardware needed: cd "\$(mktemp -d)" && sdfl-edge --sim
  5. sudo systemctl start sdfl-edge && journalctl -u sdfl-edge -f
     It starts in SAFE; nothing pumps or heats until a clearSafe command (OPERATOR.md).$restart_hint
EOF
