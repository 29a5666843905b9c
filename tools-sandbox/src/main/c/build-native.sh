#!/bin/sh
# Builds the sandbox's native pieces into $1 (target/classes/native): the helper binary and the
# seccomp filter, generated here with libseccomp so the runtime needs neither gcc nor libseccomp.
set -eu
src_dir=$(cd "$(dirname "$0")" && pwd)
out_dir=$1
work_dir=$2
if ! command -v gcc >/dev/null 2>&1; then
  echo "ERROR: gcc is required to build tools-sandbox's native helper; run tools-sandbox/install-prereqs.sh" >&2
  exit 1
fi
if [ ! -f /usr/include/seccomp.h ]; then
  echo "ERROR: libseccomp-dev is required to generate the seccomp filter; run tools-sandbox/install-prereqs.sh" >&2
  exit 1
fi
arch=$(uname -m)
if [ "$arch" != x86_64 ]; then
  echo "ERROR: the seccomp filter is generated for x86_64 only (this machine: $arch)" >&2
  exit 1
fi
mkdir -p "$out_dir" "$work_dir"
cflags="-O2 -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2 -fstack-protector-strong"
gcc $cflags -o "$work_dir/gen-seccomp" "$src_dir/gen-seccomp.c" -lseccomp
"$work_dir/gen-seccomp" "$out_dir/seccomp-x86_64.bpf"
# Static, so the helper also runs where only the guest's runtime is mounted.
gcc $cflags -static -o "$out_dir/agentrt-sandbox-helper" "$src_dir/sandbox-helper.c"
chmod 0755 "$out_dir/agentrt-sandbox-helper"
