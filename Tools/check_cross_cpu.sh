#!/usr/bin/env bash
# Cross-CPU byte-identity check (issue 15): runs `mbench embed` for PCA, t-SNE (Barnes-Hut and
# FFT) and UMAP (exact kNN below 4 096 points, NN-descent above) under every OpenBLAS core type
# this CPU can run, with the SGEMM kernels' narrower instruction sets (MBENCH_KERNEL_ISA), with
# glibc's AVX/AVX2/FMA libm variants masked, and with 1 and 2 threads,
# and compares the output bytes with `cmp`. Any difference fails (exit 1).
#
# A control run first shows that the check can fail: with the pin turned off
# (MBENCH_BLAS_PIN=off) two core types must give different t-SNE or PCA bytes.
#
# Usage: Tools/check_cross_cpu.sh [MBENCH] [embed data options...]
#   default data: --dataset mnist --n 5000 (needs MBENCH_MIRROR or a cached copy)
#   CHECK_ALGORITHMS="pca umap" and CHECK_ENVS="default Haswell 1-thread" restrict the runs.
#   e.g. Tools/check_cross_cpu.sh .build/release/mbench --input X.npy
#        Tools/check_cross_cpu.sh .build/release/mbench --dataset mnist          # all 70 000 (slow)
set -uo pipefail
MBENCH=${1:-.build/release/mbench}
shift || true
DATA=("$@")
[ ${#DATA[@]} -eq 0 ] && DATA=(--dataset mnist --n 5000)
SEED=${SEED:-42}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# name | algorithm | params (space-separated key=value)
ALGORITHMS=(
  "pca|pca|n_components=2"
  "tsne-bh|tsne|negative_gradient_method=bh"
  "tsne-fft|tsne|negative_gradient_method=fft"
  "tsne-exact32|tsne|negative_gradient_method=exact32"
  "umap|umap|"
)
# Environments: label | env assignments (space-separated) | extra mbench options
ENVIRONMENTS=(
  "default||"
  "Prescott|OPENBLAS_CORETYPE=Prescott|"
  "Core2|OPENBLAS_CORETYPE=Core2|"
  "Nehalem|OPENBLAS_CORETYPE=Nehalem|"
  "Sandybridge|OPENBLAS_CORETYPE=Sandybridge|"
  "Haswell|OPENBLAS_CORETYPE=Haswell|"
  "SkylakeX|OPENBLAS_CORETYPE=SkylakeX|"
  "sse2-kernels|MBENCH_KERNEL_ISA=sse2|"
  "avx2-kernels|MBENCH_KERNEL_ISA=avx2|"
  "no-AVX-libm|GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-AVX|"
  "Haswell+no-AVX-libm|OPENBLAS_CORETYPE=Haswell GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-AVX|"
  "1-thread||--threads 1"
)
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
supported() {  # can this CPU run the core type's kernels?
  case $1 in
    Sandybridge) [[ $flags == *" avx "* ]] ;;
    Haswell*|avx2-kernels) [[ $flags == *" avx2 "* && $flags == *" fma "* ]] ;;
    SkylakeX) [[ $flags == *" avx512f "* ]] ;;
    Nehalem) [[ $flags == *" sse4_2 "* ]] ;;
    Core2) [[ $flags == *" ssse3 "* ]] ;;
    *) true ;;
  esac
}

embed() {  # embed OUTFILE ENVSTRING ALG PARAMS EXTRA...
  local out=$1 envs=$2 alg=$3 params=$4; shift 4
  local args=(embed "${DATA[@]}" --algorithm "$alg" --seed "$SEED" --out "$out")
  for p in $params; do args+=(--param "$p"); done
  # shellcheck disable=SC2086
  env $envs "$MBENCH" "${args[@]}" "$@" >"$out.log" 2>&1 || { echo "FAILED: $envs $MBENCH ${args[*]} $*"; cat "$out.log"; return 1; }
}

status=0
echo "data: ${DATA[*]}, seed $SEED"
"$MBENCH" --version

# Control: without the pin, different kernels must give different bytes somewhere.
if supported Haswell && [ -z "${SKIP_CONTROL:-}" ]; then
  differ=0
  for spec in "pca|pca|n_components=2" "tsne-bh|tsne|negative_gradient_method=bh"; do
    IFS='|' read -r name alg params <<<"$spec"
    embed "$OUT/ctl-$name-a.npy" "MBENCH_BLAS_PIN=off OPENBLAS_CORETYPE=Prescott" "$alg" "$params" || status=1
    embed "$OUT/ctl-$name-b.npy" "MBENCH_BLAS_PIN=off OPENBLAS_CORETYPE=Haswell" "$alg" "$params" || status=1
    cmp -s "$OUT/ctl-$name-a.npy" "$OUT/ctl-$name-b.npy" || differ=1
  done
  if [ $differ -eq 1 ]; then echo "control: unpinned Prescott vs Haswell kernels differ (the check can fail)"
  else echo "control: unpinned kernels gave identical bytes on this data (the control shows nothing)"; fi
fi

for spec in "${ALGORITHMS[@]}"; do
  IFS='|' read -r name alg params <<<"$spec"
  [ -n "${CHECK_ALGORITHMS:-}" ] && [[ " $CHECK_ALGORITHMS " != *" $name "* ]] && continue
  ref="$OUT/$name-default.npy"
  for envspec in "${ENVIRONMENTS[@]}"; do
    IFS='|' read -r label envs extra <<<"$envspec"
    [ -n "${CHECK_ENVS:-}" ] && [ "$label" != default ] && [[ " $CHECK_ENVS " != *" $label "* ]] && continue
    supported "$label" || { echo "skip  $name under $label (CPU lacks it)"; continue; }
    file="$OUT/$name-$label.npy"
    # shellcheck disable=SC2086
    embed "$file" "$envs" "$alg" "$params" $extra || { status=1; continue; }
    if [ "$label" = default ]; then
      echo "ref   $name: $(sha256sum "$file" | cut -c1-16) ($(grep -o 'fit [0-9.]* s' "$file.log" | head -1))"
    elif cmp -s "$ref" "$file"; then
      echo "same  $name under $label"
    else
      echo "DIFF  $name under $label: $(cmp "$ref" "$file" | head -1)"; status=1
    fi
  done
done
[ $status -eq 0 ] && echo "cross-CPU check: all identical" || echo "cross-CPU check: FAILED"
exit $status
