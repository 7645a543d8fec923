#!/usr/bin/env bash
# Install councilqa and start the chat page on the bundled sample council.
# Usage: scripts/start.sh [--host H] [--port P]   (then open http://127.0.0.1:7860)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec councilqa serve "$@"
