#!/usr/bin/env bash
# `make bench-peers`: micrograd itself (Karpathy's package, from PyPI, in a virtualenv under
# target/peer-venv) against this crate's example, on the same golden workload
# (tests/golden/micrograd_demo.json: micrograd's demo.ipynb, 100 steps). Both must log the
# same losses (step 0 and step 99, to 1e-9) or nothing is reported. Then JAX's jit (XLA) against
# the tape on the MLP 2-w-w-1 at widths 8-128 and 10-5,000 points. Prints small tables.
#
#   PEER_STEPS=N   steps for both (default 100; the step-99 check needs at least 100)
#   PYTHON=...     the interpreter that creates the virtualenv (default python3)
#   PEERS=jax      only the JAX comparison (MLP 2-w-w-1 at several sizes), not micrograd's
#   JAX_ROUNDS=N   alternating rounds of the JAX comparison (default 3)
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
# JAX (CPU, pinned) for the scaling comparison, in the same virtualenv.
JAX_PIN=0.10.2
if "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('jax') != '$JAX_PIN')" 2>/dev/null; then
  say "jax $JAX_PIN already in $VENV"
else
  say "installing jax==$JAX_PIN (CPU) from PyPI into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "jax==$JAX_PIN" ||
    die "pip install jax failed"
fi

if [ "${PEERS:-all}" != jax ]; then
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
fi

# 5. JAX's jit (XLA, float64, CPU) against the tape on the MLP 2-w-w-1 at several sizes: the same
# workload (the example dumps its points and weights for the peer), the first losses checked
# equal, the two timed in alternating rounds (process by process) so both meet the same state
# of the machine.
# The scaling tables' sizes (widths 8-128 at 100 points, 10-5,000 points at width 16), and width
# 32 (the page's widest layers) at 1,000 and 5,000 points.
SIZES="8x100 16x100 32x100 64x100 128x100 16x10 16x30 16x300 16x1000 16x5000 32x1000 32x5000"
ROUNDS="${JAX_ROUNDS:-3}"
cargo build --quiet --release --example bench_scaling || die "cargo build --release --example bench_scaling failed"
EX=target/release/examples/bench_scaling
: >"$OUT/jax.jsonl"
: >"$OUT/tape.jsonl"
for r in $(seq "$ROUNDS"); do
  say "JAX against the tape: round $r of $ROUNDS"
  "$VENV/bin/python" scripts/jax_peer.py --example "$EX" $SIZES >>"$OUT/jax.jsonl" || die "the JAX peer failed"
  "$EX" $SIZES >>"$OUT/tape.jsonl" || die "bench_scaling failed"
done
JAX_VERSION="$("$VENV/bin/python" -c 'import jax; print(jax.__version__)')"
"$VENV/bin/python" - "$OUT/jax.jsonl" "$OUT/tape.jsonl" "$JAX_VERSION" <<'PY'
import json, statistics, sys, pathlib, datetime

jax_file, tape_file, version = sys.argv[1:4]
def load(path):
    by = {}
    for line in open(path):
        r = json.loads(line)
        by.setdefault((r["w"], r["n"]), []).append(r)
    return by
jx, tp = load(jax_file), load(tape_file)
rows = []
print()
print(f"MLP 2-w-w-1, hinge + L2, one SGD step (median of rounds): the tape against JAX {version} jit (XLA, CPU, float64)")
print()
print(f"| {'size (w x points)':<18} | {'tape':>10} | {'JAX jit':>10} | {'tape / JAX':>10} |")
print(f"|{'-' * 20}|{'-' * 12}|{'-' * 12}|{'-' * 12}|")
for key in sorted(tp, key=lambda k: (k[1] != 100, k[1], k[0])):
    if key not in jx:
        continue
    a = [r["loss"] for r in tp[key]][0]
    b = [r["loss"] for r in jx[key]][0]
    if abs(a - b) > 1e-9 * (1 + abs(a)):
        sys.exit(f"[bench-peers] FAIL: {key}: the first losses differ: tape {a!r}, JAX {b!r}")
    t = statistics.median(r["us"] for r in tp[key])
    j = statistics.median(r["us"] for r in jx[key])
    rows.append({"w": key[0], "n": key[1], "tape_us": t, "jax_us": j, "ratio": t / j})
    print(f"| {f'{key[0]} x {key[1]}':<18} | {t:>7.1f} us | {j:>7.1f} us | {t / j:>9.2f}x |")
print()
print("first losses equal to 1e-9 at every size; a ratio below 1 means the tape is ahead.")
pathlib.Path("target/bench-peers-jax.json").write_text(json.dumps(
    {"date": f"{datetime.date.today():%Y-%m-%d}", "jax_version": version, "rows": rows}, indent=2) + "\n")
print("written: target/bench-peers-jax.json")
PY
