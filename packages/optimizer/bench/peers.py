"""Peer optimizers for bench/peers.ts, driven over stdin/stdout (one JSON object per line).

Benchmark only: never imported by the product or the tests. Run with Debian's /usr/bin/python3
(python3-optuna, python3-sklearn). Protocol, per run:
  in:  {"method": "tpe" | "gpei", "dim": 7, "budget": 30, "seed": 1, "init": [[...], ...]}
  out: {"x": [...], "ms": decision_ms}  then in: {"y": value}    (budget times)
  out: {"done": true}
The first len(init) points are the shared initial design; minimisation.
A twin job fits the textbook scikit-learn GP (the GP-EI's model) once and predicts:
  in:  {"method": "twin", "x": [[...], ...], "y": [...], "test": [[...], ...], "seed": 1}
  out: {"mean": [...]}
"""
import json
import math
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore", message=".*experimental feature.*")


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def recv():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    return json.loads(line)


def run_tpe(dim, budget, seed, init):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(multivariate=True, n_startup_trials=len(init), seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    for p in init:
        study.enqueue_trial({f"x{k}": float(v) for k, v in enumerate(p)})
    for _ in range(budget):
        t0 = time.perf_counter()
        trial = study.ask()
        x = [trial.suggest_float(f"x{k}", 0.0, 1.0) for k in range(dim)]
        ms = 1000 * (time.perf_counter() - t0)
        send({"x": x, "ms": ms})
        study.tell(trial, recv()["y"])


def textbook_gp(dim, seed):
    """ARD Matern-5/2 x constant + white noise, standardized y, ML-II with 2 restarts (scikit-learn's textbook GP)."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(length_scale=np.ones(dim), length_scale_bounds=(1e-2, 1e2), nu=2.5) + WhiteKernel(1e-4, (1e-8, 1e-1))
    return GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=2, random_state=seed)


def run_twin(job):
    x = np.asarray(job["x"], dtype=float)
    gp = textbook_gp(x.shape[1], job["seed"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp.fit(x, np.asarray(job["y"], dtype=float))
    send({"mean": [float(v) for v in gp.predict(np.asarray(job["test"], dtype=float))]})


def run_gpei(dim, budget, seed, init):
    from scipy.optimize import minimize
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for i in range(budget):
        t0 = time.perf_counter()
        if i < len(init):
            x = np.asarray(init[i], dtype=float)
        else:
            gp = textbook_gp(dim, int(rng.integers(1 << 31)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gp.fit(np.asarray(xs), np.asarray(ys))
            best = min(ys)

            def ei(pts):
                mu, sd = gp.predict(np.atleast_2d(pts), return_std=True)
                sd = np.maximum(sd, 1e-12)
                z = (best - mu) / sd
                return (best - mu) * norm.cdf(z) + sd * norm.pdf(z)

            cands = rng.random((2000, dim))
            vals = ei(cands)
            x, fx = cands[int(np.argmax(vals))], float(np.max(vals))
            for start in cands[np.argsort(-vals)[:5]]:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = minimize(lambda p: -ei(p)[0], start, method="L-BFGS-B", bounds=[(0.0, 1.0)] * dim)
                if -r.fun > fx:
                    x, fx = np.clip(r.x, 0.0, 1.0), float(-r.fun)
        ms = 1000 * (time.perf_counter() - t0) if i >= len(init) else 0.0
        send({"x": [float(v) for v in x], "ms": ms})
        xs.append(list(x))
        ys.append(recv()["y"])


def main():
    send({"ready": True})
    while True:
        job = recv()
        if job["method"] == "twin":
            run_twin(job)
            continue
        run = {"tpe": run_tpe, "gpei": run_gpei}[job["method"]]
        run(job["dim"], job["budget"], job["seed"], job["init"])
        send({"done": True})


if __name__ == "__main__":
    main()
