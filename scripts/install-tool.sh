#!/usr/bin/env bash
# Packs mmsim as a .NET tool and installs it from that local package, then proves it runs from another folder:
# `mmsim designs`, and `mmsim scenarios` listing the scenarios shipped inside the package (the ones `mmsim compare`
# uses with no argument). Usage: scripts/install-tool.sh [PKG_DIR] [TOOL_DIR]   (defaults /tmp/pkgs, /tmp/tools)
set -euo pipefail
pkgs=${1:-/tmp/pkgs}
tools=${2:-/tmp/tools}
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet pack "$root/src/MmSim.Cli" -c Release -o "$pkgs"
# A reinstall of the same version would keep the old files: remove any earlier install first.
dotnet tool uninstall --tool-path "$tools" mmsim >/dev/null 2>&1 || true
dotnet tool install --tool-path "$tools" --add-source "$pkgs" mmsim
cd "$(mktemp -d)"
"$tools/mmsim" designs
"$tools/mmsim" scenarios | grep -q 'default.yaml' || { echo "install-tool: the shipped scenarios are missing from the package" >&2; exit 1; }
echo "install-tool: $tools/mmsim works from $(pwd)"
