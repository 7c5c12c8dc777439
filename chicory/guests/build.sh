#!/usr/bin/env bash
# Rebuilds the guest .wasm files committed in ../src/test/resources/guests from their C sources.
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 packages:
#   apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32
# Usage: guests/build.sh [OUTPUT_DIR]   (default: ../src/test/resources/guests)
# The build is deterministic: the same toolchain gives byte-identical files, which a test checks.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../src/test/resources/guests}"
mkdir -p "$out"
cc="${CC:-clang}"
common=(--target=wasm32-wasi --sysroot=/usr -O2 -I "$here/../include")

# Guest 1: a reactor whose exported tests the host calls one by one; bulk memory and atomics
# on, so memset/memmove become memory.fill/memory.copy and C11 atomics become wasm atomics.
"$cc" "${common[@]}" -mbulk-memory -matomics -mexec-model=reactor \
    -o "$out/adapter_guest.wasm" "$here/adapter_guest.c"

# Guest 2: a command running PHP's chunk pattern through the linmem imports. Plain MVP
# features: it uses errno, a thread-local in wasi-libc, which clang 14 cannot compile for wasm
# with bulk memory or atomics enabled.
"$cc" "${common[@]}" -o "$out/php_chunks.wasm" "$here/php_chunks.c"

# Guest 3: the memory-heavy loop the Chicory JMH benchmark runs on both memories.
"$cc" "${common[@]}" -mbulk-memory -mexec-model=reactor -o "$out/memory_loop.wasm" "$here/memory_loop.c"

# Guest 1 again, importing its memory (env.memory) instead of defining it, for the host to
# supply a LinearMemory of its own through Chicory's ImportMemory.
"$cc" "${common[@]}" -mbulk-memory -matomics -mexec-model=reactor -Wl,--import-memory \
    -o "$out/adapter_guest_imported.wasm" "$here/adapter_guest.c"
