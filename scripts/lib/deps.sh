# Sourced by scripts/emu (before its first build), scripts/test and .ci/run: makes sure the
# Debian packages emu builds and runs with are installed. As root it installs what is missing
# with apt-get; otherwise it names the command to run and stops.
# libunicorn-dev: the headers the native hooks compile against, and the fallback engine (2.0.1 on
# Debian 12) when the Unicorn 2.1.4 wheel below cannot be fetched; python3-pip fetches the wheel.
EMU_DEBIAN_PACKAGES=(libunicorn-dev python3-pip gcc make musl-tools libc6-dev linux-libc-dev maven qemu-user gdb time busybox-static)
# The libbpf programs (userspace-images/libbpf): clang-compiled BPF objects, skeletons, static libbpf.
EMU_DEBIAN_PACKAGES+=(clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool strace)
# The flame graph test (ProfileTest): headless Chromium renders emu run --profile's SVG.
EMU_DEBIAN_PACKAGES+=(chromium)
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

# Unicorn 2.1.4, the engine emu is tuned for (docs/performance.md, "Guest stores"): the manylinux
# wheel `unicorn==2.1.4` from PyPI, pinned by sha256, fetched once per machine into
# ${XDG_CACHE_HOME:-~/.cache}/emu/unicorn-2.1.4/. emu_ensure_unicorn exports EMU_UNICORN_LIB
# (which the JVM reads, see Unicorn.java) unless it is already set; when the wheel cannot be
# fetched, emu falls back to the system's libunicorn.so.2 and says so when it runs.
EMU_UNICORN_VERSION=2.1.4
EMU_UNICORN_WHEEL=unicorn-2.1.4-cp37-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
EMU_UNICORN_WHEEL_SHA256=9d6e6dea140560de4ebd8446661f7ef84a357d428c14a3ef09dacd306ec8c239
EMU_UNICORN_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/emu/unicorn-$EMU_UNICORN_VERSION"
emu_ensure_unicorn() {
  if [ -n "${EMU_UNICORN_LIB:-}" ]; then export EMU_UNICORN_LIB; return 0; fi
  local lib="$EMU_UNICORN_DIR/libunicorn.so.2"
  if [ ! -f "$lib" ]; then
    local tmp
    tmp="$(mktemp -d)"
    echo "emu: fetching Unicorn $EMU_UNICORN_VERSION (the unicorn==$EMU_UNICORN_VERSION wheel, once per machine)..." >&2
    if python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
          --python-version 3.11 --timeout 10 --retries 1 -d "$tmp" "unicorn==$EMU_UNICORN_VERSION" >/dev/null 2>"$tmp/pip.log" \
        && [ -f "$tmp/$EMU_UNICORN_WHEEL" ] \
        && echo "$EMU_UNICORN_WHEEL_SHA256  $tmp/$EMU_UNICORN_WHEEL" | sha256sum --check --quiet >/dev/null 2>&1 \
        && mkdir -p "$EMU_UNICORN_DIR" \
        && python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("unicorn/lib/libunicorn.so.2"))' \
             "$tmp/$EMU_UNICORN_WHEEL" "$lib.$$" \
        && mv -f "$lib.$$" "$lib"; then
      :
    else
      echo "emu: could not fetch the Unicorn $EMU_UNICORN_VERSION wheel (pip: $(tail -n 1 "$tmp/pip.log" 2>/dev/null)); using the system's libunicorn" >&2
      rm -f "$lib.$$"
    fi
    rm -rf "$tmp"
  fi
  if [ -f "$lib" ]; then export EMU_UNICORN_LIB="$lib"; fi
  return 0
}
