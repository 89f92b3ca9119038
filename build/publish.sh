#!/usr/bin/env bash
# Publishes the silo host, and nothing else, into one folder. The Dockerfile runs exactly this, and so does the
# deployment test run in CI (tests/Buurtzorg.Deployment.Tests), so a green CI means the image's build works.
#
#   build/publish.sh <output folder>
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: build/publish.sh <output folder>" >&2
  exit 2
fi
output="$(realpath -m "$1")"
cd "$(dirname "$0")/.."

# Framework-dependent (the image brings the ASP.NET runtime) and without the native launcher: the image starts it as
# `dotnet Buurtzorg.Silo.dll`.
dotnet publish src/Buurtzorg.Silo/Buurtzorg.Silo.csproj --configuration Release --output "$output" \
  -p:UseAppHost=false --nologo
