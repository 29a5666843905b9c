#!/bin/sh
# Installs what tools-sandbox needs to build and to run its tests: bubblewrap (tier A launcher),
# libseccomp-dev (build-time seccomp filter generation), gcc (native helper), Debian's python3.
# Idempotent and quiet when everything is already there.
set -eu
missing=""
for pkg in bubblewrap libseccomp-dev gcc libc6-dev python3; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $pkg"
  fi
done
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
