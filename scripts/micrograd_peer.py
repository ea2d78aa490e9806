#!/usr/bin/env python3
"""micrograd itself (Karpathy's package from PyPI) on the golden workload, timed.

The workload is micrograd's demo.ipynb exactly, read from tests/golden/micrograd_demo.json:
the 100 moons points and labels, and the 304 weights MLP(2, [16, 16, 1]) draws under seed
1337, loaded in creation order (biases stay 0). Loss: mean relu(1 - y*score) + 1e-4 * sum of
p*p over all 337 parameters; full-batch SGD, learning rate 1.0 - 0.9*k/100 at step k.

Prints one line per step, in the format of our example (`cargo run --release --example
moons`): `step K loss L accuracy A` (loss and accuracy computed before that step's update,
floats printed with repr so they round-trip exactly), then `time per step: T us`. The time
covers everything the notebook does per step, printing included, as our example's does.

Fails (exit 1) unless the step-0 loss equals the golden 0.8958441028683222 to 1e-9: if it
does not, the weights were not loaded the way micrograd created them and the timing would
be of some other computation.

    python scripts/micrograd_peer.py [--golden FILE] [--steps N]
"""

import argparse
import json
import sys
import time
from pathlib import Path

from micrograd.engine import Value
from micrograd.nn import MLP

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "micrograd_demo.json"
STEP0_LOSS = 0.8958441028683222


def load_model(init_weights):
    """MLP(2, [16, 16, 1]) with micrograd's seed-1337 weights, in creation order (layer by
    layer, neuron by neuron, weight by weight). Neuron.parameters() is w + [b]: every
    parameter but each neuron's last is a weight; the biases stay 0."""
    model = MLP(2, [16, 16, 1])
    weights = [p for layer in model.layers for n in layer.neurons for p in n.parameters()[:-1]]
    if len(weights) != len(init_weights):
        raise SystemExit(f"micrograd_peer: the model has {len(weights)} weights, the golden file {len(init_weights)}")
    for p, w in zip(weights, init_weights):
        p.data = w
    for layer in model.layers:
        for n in layer.neurons:
            n.b.data = 0.0
    return model


def loss(model, X, y):
    """demo.ipynb's loss(), full batch: SVM max-margin loss + L2, and the accuracy."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--golden", default=str(GOLDEN), help="the golden workload (JSON)")
    ap.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    args = ap.parse_args()
    if args.steps < 1:
        raise SystemExit("micrograd_peer: --steps must be at least 1")

    g = json.loads(Path(args.golden).read_text())
    X, y = g["x"], g["y"]
    model = load_model(g["init_weights"])
    # backward() builds its topological order recursively; the demo graph is a few hundred
    # nodes deep, under Python's default limit, but leave room.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))

    start = time.perf_counter()
    for k in range(args.steps):
        total_loss, acc = loss(model, X, y)
        if k == 0 and abs(total_loss.data - STEP0_LOSS) > 1e-9:
            raise SystemExit(
                f"micrograd_peer: FAIL: step-0 loss {total_loss.data!r} is not the golden {STEP0_LOSS!r}: "
                "the weights were not loaded the way micrograd created them"
            )
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        print(f"step {k} loss {total_loss.data!r} accuracy {acc!r}")
    per_step = (time.perf_counter() - start) * 1e6 / args.steps
    print(f"time per step: {per_step:.1f} us")


if __name__ == "__main__":
    main()
