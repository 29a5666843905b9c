#!/usr/bin/env bash
# Compiles every kernel family (src/main/cuda/*.cu) for the CUDA engine; called by Maven in generate-resources.
#
#   build-ptx.sh SRC_DIR OUT_DIR "ARCHS"     e.g. build-ptx.sh src/main/cuda target/classes/cuda "80 90"
#
# For each NAME.cu it writes into OUT_DIR (packaged in the jar under /cuda/):
#   NAME.fatbin  SASS for every arch (sm_80, sm_90) plus PTX of the lowest and highest (the driver JIT-compiles it
#                for newer GPUs); what dev.agentrt.engine.cuda.KernelModules loads first;
#   NAME.ptx     PTX for the lowest arch: the fallback the driver JIT-compiles, and where the build test looks for
#                the entry points;
# and kernels.list (one family per line). nvcc is $NVCC, else nvcc on the PATH, else $CUDA_HOME/bin/nvcc; without
# one this prints why and exits 0 (the jar then has no kernels and the CUDA engine says so when asked for).
# Up-to-date outputs (newer than the .cu and every .cuh) are kept.
set -euo pipefail
src="${1:?source dir}"
out="${2:?output dir}"
archs="${3:-80 90}"

nvcc_bin=""
if [ -n "${NVCC:-}" ] && [ -x "${NVCC}" ]; then
  nvcc_bin="$NVCC"
elif command -v nvcc >/dev/null 2>&1; then
  nvcc_bin="$(command -v nvcc)"
elif [ -n "${CUDA_HOME:-}" ] && [ -x "$CUDA_HOME/bin/nvcc" ]; then
  nvcc_bin="$CUDA_HOME/bin/nvcc"
fi
if [ -z "$nvcc_bin" ]; then
  echo "[cuda] nvcc not found (\$NVCC, PATH, \$CUDA_HOME/bin) - skipping the kernel build; the CUDA engine will not be available"
  exit 0
fi

mkdir -p "$out"
gencode=()
lowest=""
highest=""
for a in $archs; do
  gencode+=("-gencode" "arch=compute_$a,code=sm_$a")
  [ -z "$lowest" ] && lowest="$a"
  highest="$a"
done
gencode+=("-gencode" "arch=compute_$lowest,code=compute_$lowest")
[ "$highest" != "$lowest" ] && gencode+=("-gencode" "arch=compute_$highest,code=compute_$highest")

flags=(-std=c++17 -O3 -lineinfo -Xptxas=-warn-spills -I "$src")
newest_header=$(ls -t "$src"/*.cuh 2>/dev/null | head -1)
list="$out/kernels.list.tmp"
: > "$list"
built=0
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  echo "$name" >> "$list"
  fatbin="$out/$name.fatbin"
  ptx="$out/$name.ptx"
  if [ -f "$fatbin" ] && [ -f "$ptx" ] && [ "$fatbin" -nt "$cu" ] && [ "$ptx" -nt "$cu" ] \
     && { [ -z "$newest_header" ] || [ "$fatbin" -nt "$newest_header" ]; }; then
    continue
  fi
  "$nvcc_bin" "${flags[@]}" -fatbin "${gencode[@]}" -o "$fatbin.tmp" "$cu"
  "$nvcc_bin" "${flags[@]}" -ptx -arch="compute_$lowest" -o "$ptx.tmp" "$cu"
  mv "$fatbin.tmp" "$fatbin"
  mv "$ptx.tmp" "$ptx"
  built=$((built + 1))
done
mv "$list" "$out/kernels.list"
echo "[cuda] kernels: $(wc -l < "$out/kernels.list") families, $built rebuilt with $("$nvcc_bin" --version | tail -2 | head -1) for sm_${archs// /, sm_} -> $out"
