#!/bin/bash
# Installs every Debian package kensho needs to build, test and run, and
# nothing when they are all there already (safe to re-run).
set -euo pipefail

PACKAGES=(
  bazel-bootstrap bazel-rules-java bazel-skylib
  g++ python3 openssl ca-certificates procps iproute2
  libgrpc++-dev libgrpc-dev libc-ares-dev libre2-dev zlib1g-dev
  protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libssl-dev libabsl-dev librocksdb-dev libbenchmark-dev libgtest-dev libgmock-dev
  prometheus-cpp-dev libcurl4-openssl-dev libyaml-cpp-dev libgoogle-perftools-dev
  prometheus
  chromium
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
