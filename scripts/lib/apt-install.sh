# Sourced by the ensure-*.sh scripts: installs one Debian package non-interactively (CI=true, no
# standard input), as root or through passwordless sudo. On failure it prints why, with the end of
# apt-get's output, and exits 1.
#   apt_install <script name> <package> <what to do instead, for people>
apt_install() {
  local who="$1" package="$2" instead="$3" sudo=() log
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "$who: cannot install Debian's '$package': not running as root and passwordless sudo is unavailable." >&2
      echo "  $instead" >&2
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: cannot install '$package': apt-get is unavailable. $instead" >&2
    exit 1
  fi
  log="$(mktemp -t "$who.XXXXXX.log")"
  if ! {
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update &&
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$package"
  } </dev/null >"$log" 2>&1; then
    echo "$who: installing the '$package' package failed; apt-get output follows:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  rm -f "$log"
}
