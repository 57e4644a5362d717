// run.sh of the exported folder: verl's own entry point with the RePro plugin (loaded through
// custom_reward_function.path, which also registers the estimators) and this folder's config.
import { CONFIG_NAME } from './overrides.ts';

export function runScript(): string {
  return `#!/usr/bin/env bash
# RePro on verl: run from this folder on the cluster's head node (see README.md).
#   REPRO_PLAYGROUND=/path/to/repro-playground ./run.sh [extra Hydra overrides, e.g. trainer.nnodes=2]
# Several nodes: REPRO_PLAYGROUND must be the same path, with repro_rl installed (pip install -e python/),
# on EVERY node: verl loads custom_reward_function.path (the RePro plugin) inside its TaskRunner, and
# Ray may start the TaskRunner on any node. The check below only covers this (head) node.
set -euo pipefail
HERE="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
: "\${REPRO_PLAYGROUND:?set REPRO_PLAYGROUND to your clone of repro-playground (pip install -e \\$REPRO_PLAYGROUND/python)}"
python3 -c "import verl, repro_rl" || { echo "install verl 0.5.x and repro_rl (pip install -e \\$REPRO_PLAYGROUND/python) first" >&2; exit 1; }
cd "$HERE"
python3 -m verl.trainer.main_ppo \\
  --config-path="$HERE" --config-name=${CONFIG_NAME} \\
  data.train_files="$HERE/data/train.parquet" \\
  data.val_files="$HERE/data/val.parquet" \\
  custom_reward_function.path="$REPRO_PLAYGROUND/python/repro_rl/verl/reward.py" \\
  "$@"
`;
}
