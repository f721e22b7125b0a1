#!/usr/bin/env bash
# Queues a sharded run on Slurm: N array tasks, then the merge once all of them succeeded.
#   deploy/slurm/submit.sh analyze 16 /shared/faces.likeness /shared/shards
#   deploy/slurm/submit.sh synthesize 16 /shared/faces.likeness /shared/shards --edits relight,hair --variants 8
set -euo pipefail
STEP="${1:?usage: submit.sh analyze|synthesize <N> <project.likeness> <shards folder> [synthesize flags...]}"
COUNT="${2:?number of shards}"
PROJECT="${3:?project path}"
SHARDS_DIR="${4:?shards folder}"
shift 4
case "$STEP" in analyze | synthesize) ;; *) echo "submit.sh: step must be analyze or synthesize, got '$STEP'" >&2 && exit 2 ;; esac
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: N must be a positive integer, got '$COUNT'" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$SHARDS_DIR"
array=$(sbatch --parsable --array="0-$((COUNT - 1))" "$here/likeness-worker.sbatch" "$STEP" "$PROJECT" "$SHARDS_DIR" "$@")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" "$here/likeness-merge.sbatch" "$STEP" "$PROJECT" "$SHARDS_DIR" "$COUNT")
echo "queued $STEP: array job $array ($COUNT tasks), merge job $merge after it"
