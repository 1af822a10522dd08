#!/usr/bin/env bash
# Makes Debian's SciPy importable next to libboost1.81-dev, and prints the python to use.
#
# On Debian bookworm python3-scipy depends on python3-pythran, which depends on libboost1.74-dev,
# and libboost1.74-dev conflicts with libboost1.81-dev, the Boost this project builds with. SciPy
# does not need pythran or Boost at run time, so we install SciPy's run-time dependencies with apt
# and unpack the python3-scipy package itself into a private prefix (no system Boost is touched).
#
# Usage: PY=$(bash scripts/scipy-env.sh) && "$PY" script.py     (PYTHONPATH is set by the wrapper)
set -euo pipefail
prefix=${CRM_SCIPY_PREFIX:-/opt/crm-scipy}
if [ ! -d "$prefix/usr/lib/python3/dist-packages/scipy" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2 || true
  $SUDO apt-get install -y -qq --no-install-recommends python3 python3-numpy python3-decorator \
    liblbfgsb0 libgfortran5 libblas3 liblapack3 >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download python3-scipy >&2)
  $SUDO mkdir -p "$prefix"
  $SUDO dpkg -x "$tmp"/python3-scipy_*.deb "$prefix"
  rm -rf "$tmp"
fi
wrapper="$prefix/python3"
if [ ! -x "$wrapper" ]; then
  printf '#!/bin/sh\nPYTHONPATH="%s/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}" exec /usr/bin/python3 "$@"\n' "$prefix" > "$wrapper"
  chmod +x "$wrapper"
fi
echo "$wrapper"
