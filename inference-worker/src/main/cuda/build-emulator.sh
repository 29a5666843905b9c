#!/usr/bin/env bash
# Builds the CPU emulator of the kernels (see emulator/emu.h): every src/main/cuda/*.cu compiled with g++ against
# the emulator runtime into one shared library, loaded by the tests (dev.agentrt.engine.cuda.EmulatedGpu) when
# there is no GPU. Maven calls it in generate-test-resources.
#
#   build-emulator.sh SRC_DIR OUT_DIR      -> OUT_DIR/libagentrt_cuda_emu.so
#
# Without g++ (or on anything but x86-64 Linux) it prints why and exits 0; the emulated tests then skip.
set -euo pipefail
src="${1:?source dir}"
out="${2:?output dir}"
cxx="${CXX:-g++}"
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "[cuda] $cxx not found - skipping the kernel emulator (the emulated kernel tests will be skipped)"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "[cuda] the kernel emulator needs x86-64 Linux - skipping it"
  exit 0
fi
lib="$out/libagentrt_cuda_emu.so"
mkdir -p "$out/obj"
stale=0
[ -f "$lib" ] || stale=1
for f in "$src"/*.cu "$src"/*.cuh "$src"/emulator/*; do
  [ "$f" -nt "$lib" ] && stale=1
done
if [ "$stale" = 0 ]; then
  echo "[cuda] kernel emulator up to date: $lib"
  exit 0
fi
flags=(-std=c++17 -O2 -fPIC -g -Wall -Wno-unknown-pragmas -Wno-unused-function -Wno-unused-variable -I "$src")
objs=()
pids=()
for cu in "$src"/*.cu; do
  o="$out/obj/$(basename "$cu" .cu).o"
  "$cxx" "${flags[@]}" -x c++ -c "$cu" -o "$o" &
  pids+=($!)
  objs+=("$o")
done
"$cxx" "${flags[@]}" -c "$src/emulator/emu.cpp" -o "$out/obj/emu.o" &
pids+=($!)
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ "$failed" = 0 ] || { echo "[cuda] the kernel emulator did not compile (see above)" >&2; exit 1; }
"$cxx" -shared -o "$lib.tmp" "${objs[@]}" "$out/obj/emu.o"
mv "$lib.tmp" "$lib"
echo "[cuda] kernel emulator: $lib"
