#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed. Inputs: config.yml, intents/, the tokenizer (bot/nlu/)
# and the Rasa lock file. Trained models are kept by content hash in a cache outside the checkout,
# so a fresh clone of an unchanged project does not train again.
set -euo pipefail
home=${MADOGUCHI_HOME:-var}
cache=${MADOGUCHI_MODEL_CACHE:-$HOME/.cache/madoguchi/models}
model=$home/models/madoguchi.tar.gz
export RASA_TELEMETRY_ENABLED=false HF_HUB_OFFLINE=1

hash=$(find config.yml intents bot/nlu requirements/rasa.lock -type f \( -name '*.yml' -o -name '*.py' -o -name '*.lock' \) \
         -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
mkdir -p "$home/models" "$cache"
if [ -f "$model" ] && [ "$(cat "$model.hash" 2>/dev/null)" = "$hash" ]; then
  echo "madoguchi train: model is up to date ($hash)"
  exit 0
fi
if [ -f "$cache/$hash.tar.gz" ]; then
  cp "$cache/$hash.tar.gz" "$model"
  echo "$hash" > "$model.hash"
  echo "madoguchi train: reused the cached model for these inputs ($hash)"
  exit 0
fi
echo "madoguchi train: training (inputs $hash) ..."
start=$(date +%s)
PYTHONPATH=$PWD .venv-rasa/bin/rasa train --config config.yml --domain intents/domain --data intents/nlu intents/rules intents/stories \
  --out "$home/models" --fixed-model-name madoguchi --quiet
cp "$model" "$cache/$hash.tar.gz.tmp" && mv "$cache/$hash.tar.gz.tmp" "$cache/$hash.tar.gz"
echo "$hash" > "$model.hash"
echo "madoguchi train: done in $(( $(date +%s) - start )) s"
