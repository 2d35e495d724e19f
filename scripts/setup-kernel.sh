#!/usr/bin/env bash
# Jupyter for the notebooks, idempotent and fast when already done (< 1 s):
#   1. Debian's jupyter-nbconvert + jupyter-client when missing (platform-notes F6; PyPI is unreachable),
#   2. the tslab kernel registered project-locally in .jupyter/ (platform-notes F7),
#   3. node_modules/il2kit -> .. so notebooks can `import … from 'il2kit'` (tslab type-checks with
#      node10 resolution, which ignores package self-reference).
# Use the kernel interactively with: export JUPYTER_PATH="$PWD/.jupyter/share/jupyter"
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

# 1. Jupyter from Debian. We test for the Debian binaries (not whatever `jupyter` a pyenv shim offers):
#    tslab registers against /usr/bin/python3, which must have jupyter_client.
if [ ! -x /usr/bin/jupyter-nbconvert ] || ! /usr/bin/python3 -c 'import jupyter_client' 2>/dev/null; then
  echo "il2kit setup: installing Jupyter (Debian jupyter-nbconvert, jupyter-client)…"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  pkgs=(jupyter-nbconvert jupyter-client python3-nbclient python3-nbformat)
  install() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -qq "${pkgs[@]}" >/dev/null; }
  # apt-get update only when the package lists do not know the packages yet, or when they are stale.
  if ! apt-cache show jupyter-nbconvert >/dev/null 2>&1; then $SUDO apt-get update -qq; fi
  install || { $SUDO apt-get update -qq && install; }
fi

# 2. The tslab kernel, project-local. Re-register when missing or when it points at another checkout.
KERNEL_JSON="$ROOT/.jupyter/share/jupyter/kernels/tslab/kernel.json"
TSLAB_BIN="$ROOT/node_modules/.bin/tslab"
if [ ! -f "$KERNEL_JSON" ] || ! grep -qF "\"$TSLAB_BIN\"" "$KERNEL_JSON"; then
  echo "il2kit setup: registering the tslab kernel in .jupyter/"
  # Exactly what `tslab install --prefix "$ROOT/.jupyter"` writes (F7), without its IPython dependency:
  # tslab's install.py imports IPython only for a temporary directory.
  mkdir -p "$(dirname "$KERNEL_JSON")"
  node -e 'const [file, bin] = process.argv.slice(1);
    const spec = { argv: [bin, "kernel", "--config-path", "{connection_file}"], display_name: "TypeScript", language: "typescript" };
    require("fs").writeFileSync(file, JSON.stringify(spec) + "\n");' "$KERNEL_JSON" "$TSLAB_BIN"
fi

# 3. The library under its own name for tslab (npm ci wipes node_modules, so recreate every time).
if [ "$(readlink node_modules/il2kit 2>/dev/null || true)" != ".." ]; then
  rm -rf node_modules/il2kit
  ln -s .. node_modules/il2kit
fi
