#!/usr/bin/env bash
# Build the one-folder desktop app: dist/verify-bench/ (run it as dist/verify-bench/verify-bench).
#
#   packaging/build.sh            # on a fresh machine: makes build/venv with '.[packaging]', then builds
#   PYTHON=/path/to/python packaging/build.sh   # use an environment that already has the project and PyInstaller
#   VB_WINDOWED=1 packaging/build.sh            # no console window (Windows) / a .app bundle (macOS)
#
# Then: dist/verify-bench/verify-bench --smoke   (starts offscreen, opens the sample case, imports, verifies)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

if [ -z "${PYTHON:-}" ]; then
    if [ ! -x build/venv/bin/python ]; then
        python3 -m venv build/venv
    fi
    PYTHON=build/venv/bin/python
    "$PYTHON" -m pip install --quiet --upgrade pip
    "$PYTHON" -m pip install --quiet ".[packaging]"
fi
"$PYTHON" -m PyInstaller --version >/dev/null 2>&1 || {
    echo "PyInstaller is missing: $PYTHON -m pip install '.[packaging]'" >&2; exit 2; }

# The licences of exactly what gets bundled: the environment we build from.
"$PYTHON" scripts/third_party_licenses.py --output THIRD-PARTY-LICENSES

"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/verify-bench.spec

APP="$ROOT/dist/verify-bench"
"$APP/verify-bench" --version
echo "built $APP ($(du -sh "$APP" | cut -f1))"
