# Sourced by scripts/emu (before its first build), scripts/test and .ci/run: makes sure the
# Debian packages emu builds and runs with are installed. As root it installs what is missing
# with apt-get; otherwise it names the command to run and stops.
EMU_DEBIAN_PACKAGES=(libunicorn-dev gcc make musl-tools libc6-dev linux-libc-dev maven qemu-user gdb busybox-static)
emu_ensure_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0 # not Debian: the build says what is missing
  local missing=() p
  for p in "${EMU_DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "emu: installing ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "emu: missing Debian packages: ${missing[*]}" >&2
    echo "emu: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}
