#!/usr/bin/env bash
# Regenerates redis-7.0.15-commands.json, the command metadata (COMMAND INFO + COMMAND DOCS) the node reports, from a
# real redis-server 7.0.15: CommandDataGenerator starts one on a free loopback port, dumps, and stops it by PID.
# Usage: generate.sh [path/to/redis-server]   (needs JDK 17+; CommandDataIT checks the committed file is current)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
generator="$here/../../../test/java/dev/chorus/node/command/meta/CommandDataGenerator.java"
exec java "$generator" "$here/redis-7.0.15-commands.json" "${1:-redis-server}"
