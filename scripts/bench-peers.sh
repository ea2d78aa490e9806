#!/usr/bin/env bash
# `make bench-peers`: micrograd itself (Karpathy's package, from PyPI, in a virtualenv under
# target/peer-venv) against this crate's example, on the same golden workload
# (tests/golden/micrograd_demo.json: micrograd's demo.ipynb, 100 steps). Both must log the
# same losses (step 0 and step 99, to 1e-9) or nothing is reported. Prints a small table.
#
#   PEER_STEPS=N   steps for both (default 100; the step-99 check needs at least 100)
#   PYTHON=...     the interpreter that creates the virtualenv (default python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"

GOLDEN=tests/golden/micrograd_demo.json
VENV=target/peer-venv
STEPS="${PEER_STEPS:-100}"
PYTHON="${PYTHON:-python3}"
OUT=target/bench-peers
mkdir -p "$OUT"

say() { printf '[bench-peers] %s\n' "$*" >&2; }
die() { printf '[bench-peers] FAIL: %s\n' "$*" >&2; exit 1; }

# 1. The virtualenv with micrograd (skipped when it already imports).
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import micrograd.nn' 2>/dev/null; then
  say "micrograd already in $VENV"
else
  say "creating $VENV and installing micrograd from PyPI"
  "$PYTHON" -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install -y python3-venv)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check micrograd ||
    die "pip install micrograd failed"
fi
MG_VERSION="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("micrograd"))')"

# 2. micrograd on the golden workload (it checks its own step-0 loss against the golden one).
say "micrograd $MG_VERSION: $STEPS steps (about a few seconds per step: this takes minutes)"
"$VENV/bin/python" scripts/micrograd_peer.py --golden "$GOLDEN" --steps "$STEPS" >"$OUT/micrograd.txt" ||
  die "micrograd run failed (see $OUT/micrograd.txt)"

# 3. Ours: the example, release build, same workload.
# Another build running beside it would disturb the timing: wait for it (up to 15 minutes).
for i in $(seq 180); do
  pgrep -f 'cargo |rustc' >/dev/null || break
  [ "$i" = 1 ] && say "another cargo/rustc is running; waiting for it to finish"
  sleep 5
done
say "ours: cargo run --release --example moons"
cargo build --quiet --release --example moons || die "cargo build --release --example moons failed"
cargo run --quiet --release --example moons -- --golden "$GOLDEN" --steps "$STEPS" >"$OUT/ours.txt" ||
  die "our example failed (see $OUT/ours.txt)"

# 4. Compare and report.
"$VENV/bin/python" - "$OUT/micrograd.txt" "$OUT/ours.txt" "$STEPS" "$MG_VERSION" <<'PY'
import re, subprocess, sys, datetime, platform

mg_file, ours_file, steps, mg_version = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def parse(path):
    losses, per_step = {}, None
    for line in open(path):
        m = re.match(r"step (\d+) loss (\S+) accuracy (\S+)", line)
        if m:
            losses[int(m.group(1))] = float(m.group(2))
        m = re.match(r"time per step: ([0-9.eE+-]+) us", line)
        if m:
            per_step = float(m.group(1))
    if per_step is None:
        sys.exit(f"[bench-peers] FAIL: no 'time per step' line in {path}")
    return losses, per_step

mg, mg_us = parse(mg_file)
ours, ours_us = parse(ours_file)
checks = sorted({0, min(99, steps - 1)})
for k in checks:
    if k not in mg or k not in ours:
        sys.exit(f"[bench-peers] FAIL: step {k} missing from a log")
    if abs(mg[k] - ours[k]) > 1e-9:
        sys.exit(f"[bench-peers] FAIL: step {k} loss differs: micrograd {mg[k]!r}, ours {ours[k]!r}")
worst = max(abs(mg[k] - ours[k]) for k in mg if k in ours)

cpu = "unknown"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
machine = subprocess.run(["uname", "-m"], capture_output=True, text=True).stdout.strip()

def fmt(us):
    return f"{us / 1000:,.1f} ms" if us >= 1000 else f"{us:,.1f} us"

print()
print(f"micrograd demo workload (MLP 2-16-16-1, 100 points, full batch), {steps} steps")
print(f"date {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {machine}, CPU {cpu}, "
      f"Python {platform.python_version()}")
print()
print(f"| {'engine':<34} | {'time/step':>12} | {'speed-up':>9} |")
print(f"|{'-' * 36}|{'-' * 14}|{'-' * 11}|")
print(f"| {'micrograd ' + mg_version + ' (Python, PyPI)':<34} | {fmt(mg_us):>12} | {'1x':>9} |")
print(f"| {'micrograd-playground (Rust, tape)':<34} | {fmt(ours_us):>12} | {mg_us / ours_us:>8,.0f}x |")
print()
print("losses agree: " + ", ".join(f"step {k} {ours[k]!r}" for k in checks)
      + f" (largest difference over all {len(mg)} steps: {worst:.1e})")
print("both times include printing one line per step, as both programs do.")

import json, pathlib
last = max(checks)
pathlib.Path("target/bench-peers.json").write_text(json.dumps({
    "date": f"{datetime.date.today():%Y-%m-%d}", "machine": machine, "cpu": cpu,
    "python": platform.python_version(), "micrograd_version": mg_version, "steps": steps,
    "micrograd_us": mg_us, "ours_us": ours_us, "speedup": mg_us / ours_us,
    "loss_step0": ours[0], "last_step": last, "loss_last": ours[last],
    "max_loss_difference": worst,
}, indent=2) + "\n")
print("written: target/bench-peers.json")
PY
