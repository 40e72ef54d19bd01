# Installs, when missing, what building and testing Livret needs. Sourced by .ci/demo,
# .ci/test and .ci/run; every step is idempotent and skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION="0.3.11"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\n== %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The pinned Rust (rust-toolchain.toml) with the WASM target, clippy and rustfmt.
ensure_toolchain() {
  if ! rustup run "$(toolchain_channel)" rustc --version >/dev/null 2>&1; then
    say "Installing the Rust toolchain of rust-toolchain.toml"
    rustup toolchain install
  fi
}

toolchain_channel() {
  sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml
}

# cargo-leptos, and wasm-bindgen-cli at exactly the version in Cargo.lock (cargo-leptos would
# otherwise try to download it from GitHub).
ensure_build_tools() {
  ensure_toolchain
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 11 minutes)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi
  local wanted
  wanted="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wanted" ]; then
    say "Installing wasm-bindgen-cli $wanted"
    cargo install wasm-bindgen-cli --version "$wanted"
  fi
}

# Debian's Chromium, xmllint, and the npm packages of the browser tests (playwright-core, axe-core, and
# binaryen, whose wasm-opt cargo-leptos uses for release builds).
ensure_test_tools() {
  if ! command -v chromium >/dev/null 2>&1; then
    say "Installing Chromium"
    as_root apt-get update
    as_root apt-get install -y chromium
  fi
  # xmllint checks the LSU export against the official schema.
  if ! command -v xmllint >/dev/null 2>&1; then
    say "Installing xmllint (libxml2-utils)"
    as_root apt-get update
    as_root apt-get install -y libxml2-utils
  fi
  if [ ! -d end2end/node_modules/playwright-core ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "Installing the npm packages of end2end/"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}


# A PostgreSQL server on the loopback (Debian's package), with a role that may create the
# per-test databases. Prints the URL the database tests use.
ensure_postgres() {
  if ! command -v pg_lsclusters >/dev/null 2>&1; then
    say "Installing PostgreSQL"
    as_root apt-get update >&2
    as_root apt-get install -y postgresql >&2
  fi
  if ! pg_isready -q -h 127.0.0.1; then
    say "Starting PostgreSQL"
    local cluster
    cluster="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1, $2 }')"
    if [ -z "$cluster" ]; then
      as_root pg_createcluster "$(ls /usr/lib/postgresql | sort -n | tail -1)" main >&2
      cluster="$(pg_lsclusters --no-header | awk 'NR == 1 { print $1, $2 }')"
    fi
    # shellcheck disable=SC2086 # "version name" are two arguments
    as_root pg_ctlcluster $cluster start >&2
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  fi
  local psql=(as_root su postgres -c)
  if ! "${psql[@]}" "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'livret_test'\"" | grep -q 1; then
    "${psql[@]}" "psql -qc \"CREATE ROLE livret_test LOGIN CREATEDB PASSWORD 'livret_test'\""
  fi
  # Databases left by earlier runs.
  "${psql[@]}" "psql -tAc \"SELECT datname FROM pg_database WHERE datname LIKE 'livret_test_%'\"" |
    while read -r name; do
      [ -n "$name" ] && "${psql[@]}" "psql -qc 'DROP DATABASE \"$name\"'"
    done
  "${psql[@]}" "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'livret_test'\"" | grep -q 1 ||
    "${psql[@]}" "psql -qc 'CREATE DATABASE livret_test OWNER livret_test'"
  echo "postgres://livret_test:livret_test@127.0.0.1:5432/livret_test"
}
