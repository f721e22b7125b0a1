#!/usr/bin/env bash
# CUDA against the CPU, in one go, on a Linux machine with an NVIDIA GPU:
#   bench/gpu.sh [--photos <ImageFolder>] [--variants 2]
# Installs onnxruntime-node's CUDA provider libraries if they are missing (CUDA 12 and cuDNN 9 must be
# installed), then times analysis and synthesis through the CLI's own code path with LIKENESS_EP set to
# cpu and to each GPU provider that can run (cuda, webgpu) at inference batch 1, 8 and 32, prints the
# ratios and writes bench/results/gpu.json. A later --providers overrides the list.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "bench/gpu.sh: $*" >&2
  exit 2
}

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "needs Linux x86_64 with an NVIDIA GPU (onnxruntime-node ships CUDA for linux-x64 only); this is $(uname -s)-$(uname -m)"
smi="${NVIDIA_SMI:-nvidia-smi}"
if ! command -v "$smi" >/dev/null 2>&1; then
  fail "no NVIDIA GPU here: '$smi' is not installed, so there is no NVIDIA driver to run CUDA on. Run this on a GPU node (deploy/README.md); the CPU figures are in bench/results/*.json"
fi
gpus="$("$smi" -L 2>/dev/null || true)"
[ -n "$gpus" ] || fail "no NVIDIA GPU here: '$smi -L' lists none (driver not loaded, or no device visible to this container: run it with --gpus all / nvidia.com/gpu)"
echo "gpu: ${gpus%%$'\n'*}"

# Each GPU provider onnxruntime-node can use is timed if it can run here, and the ones left out say why:
# CUDA needs its provider libraries (downloaded from NuGet by the package's installer, which
# allowScripts skips), WebGPU is bundled and reaches the GPU through Vulkan (libvulkan1 + the
# NVIDIA driver's Vulkan ICD).
accelerators=()
binding="node_modules/onnxruntime-node/bin/napi-v6/linux/x64"
if [ ! -f "$binding/libonnxruntime_providers_cuda.so" ]; then
  echo "gpu: installing onnxruntime-node's CUDA 12 provider libraries (its installer, which allowScripts skips by default)"
  ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js >&2 ||
    echo "gpu: cuda not timed: could not install the CUDA provider libraries into $binding (they download from NuGet; on an offline node build the image with --build-arg ORT_CUDA=cuda12, deploy/README.md)" >&2
fi
[ -f "$binding/libonnxruntime_providers_cuda.so" ] && accelerators+=(cuda)
if ldconfig -p 2>/dev/null | grep 'libvulkan\.so\.1' >/dev/null; then  # not -q: an early exit would SIGPIPE ldconfig and fail the pipe
  accelerators+=(webgpu)
else
  echo "gpu: webgpu not timed: no Vulkan loader (libvulkan.so.1; apt-get install libvulkan1)" >&2
fi
[ "${#accelerators[@]}" -gt 0 ] || fail "neither CUDA nor WebGPU can run here (reasons above)"

providers="cpu"
for name in "${accelerators[@]}"; do providers="$providers,$name"; done
export LIKENESS_GPU="${gpus%%$'\n'*}"
exec node --import tsx bench/gpu-bench.ts --providers "$providers" "$@"
