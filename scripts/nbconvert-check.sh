#!/usr/bin/env bash
# Executes notebooks with Debian's `jupyter nbconvert --to notebook --execute` on the project-local tslab
# kernel (the second way to run them; the first is `il2kit notebooks run`). Run by the test suite
# (test/notebooks/nbconvert.test.ts) and usable by hand:
#   bash scripts/nbconvert-check.sh [notebook.ipynb …]     (default: every notebook in notebooks/)
# Executed copies go to out/nbconvert/. Needs `bash scripts/setup.sh` first (build, Jupyter, kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
export JUPYTER_PATH="$PWD/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
JUPYTER=/usr/bin/jupyter
[ -x "$JUPYTER" ] || JUPYTER=jupyter
out="${NBCONVERT_OUT:-out/nbconvert}"
mkdir -p "$out"
if [ $# -eq 0 ]; then set -- notebooks/*.ipynb; fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
quiet() { grep -v -e MissingIDFieldWarning -e 'validate(nb)' -e 'Native kernel (python3) is not available' "$log" >&2 || true; }
for nb in "$@"; do
  echo "nbconvert: executing $nb"
  if ! "$JUPYTER" nbconvert --to notebook --execute \
      --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=120 \
      --output-dir "$out" "$nb" >"$log" 2>&1; then
    quiet
    echo "nbconvert: $nb FAILED" >&2
    exit 1
  fi
  quiet
done
echo "nbconvert: ok ($# notebook(s)) → $out"
