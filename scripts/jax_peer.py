"""JAX's side of `make bench-peers`: the same MLP step as examples/bench_scaling.rs (2-w-w-1,
ReLU, hinge loss + L2, full-batch SGD), compiled with `jax.jit` for the CPU in float64, on the
very workload the Rust example dumps (its points and initial weights). For each size WxN given,
it checks that its first loss equals the tape's (to 1e-9) and prints one JSON line
{"w", "n", "us", "loss"}: microseconds per step, the median of 7 rounds of about 50 ms.

    python scripts/jax_peer.py --example target/release/examples/bench_scaling 16x100 16x5000
"""

import argparse
import json
import subprocess
import sys
import time

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")
import jax.numpy as jnp  # noqa: E402  (after the float64 switch)


def loss_fn(layers, x, y, alpha):
    """micrograd's demo loss: mean hinge relu(1 - y * score) plus alpha * sum of squares."""
    h = x
    for w, b in layers[:-1]:
        h = jnp.maximum(h @ w + b, 0.0)
    w, b = layers[-1]
    score = (h @ w + b)[:, 0]
    data = jnp.mean(jnp.maximum(1.0 - y * score, 0.0))
    reg = sum(jnp.sum(w * w) + jnp.sum(b * b) for w, b in layers)
    return data + alpha * reg


@jax.jit
def step(layers, x, y, alpha, lr):
    """One SGD step; the learning rate is an argument, so XLA cannot fold the update away."""
    loss, grads = jax.value_and_grad(loss_fn)(layers, x, y, alpha)
    layers = jax.tree_util.tree_map(lambda p, g: p - lr * g, layers, grads)
    return layers, loss


def run(example, size):
    dump = json.loads(subprocess.run([example, "--dump", size], check=True, capture_output=True, text=True).stdout)
    x = jnp.asarray(dump["x"], dtype=jnp.float64)
    y = jnp.asarray(dump["y"], dtype=jnp.float64)
    layers = [(jnp.asarray(l["w"], dtype=jnp.float64), jnp.asarray(l["b"], dtype=jnp.float64)) for l in dump["layers"]]
    alpha, lr = jnp.float64(dump["alpha"]), jnp.float64(0.0)
    layers, loss = step(layers, x, y, alpha, lr)  # compiles
    loss = float(loss)
    t0 = time.perf_counter()
    jax.block_until_ready(step(layers, x, y, alpha, lr))
    one = time.perf_counter() - t0
    steps = max(1, min(100_000, int(0.05 / max(one, 1e-7))))
    rounds = []
    for _ in range(7):
        t0 = time.perf_counter()
        out = None
        for _ in range(steps):
            out = step(layers, x, y, alpha, lr)
        jax.block_until_ready(out)
        rounds.append((time.perf_counter() - t0) * 1e6 / steps)
    rounds.sort()
    w, n = size.split("x")
    return {"w": int(w), "n": int(n), "us": rounds[len(rounds) // 2], "loss": loss}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--example", required=True, help="the built examples/bench_scaling binary")
    ap.add_argument("sizes", nargs="+", help="WxN: width and points")
    args = ap.parse_args()
    for size in args.sizes:
        print(json.dumps(run(args.example, size)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
