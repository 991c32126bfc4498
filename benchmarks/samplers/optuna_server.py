#!/usr/bin/python3
"""Optuna's side of benchmarks/samplers: an ask/tell server speaking JSON lines on stdin/stdout.

The C# driver owns the test functions and their noise, so both sides optimise exactly the same
problems; this process only proposes parameters with Optuna's samplers and times Optuna's ask.
Runs with Debian's /usr/bin/python3 and python3-optuna (3.1); never imported by the product.
"""
import json
import sys
import time
import warnings

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

optuna.logging.set_verbosity(optuna.logging.ERROR)
warnings.filterwarnings("ignore")


def make_sampler(kind, seed):
    if kind == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if kind == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if kind == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed)
    if kind == "motpe":
        return optuna.samplers.MOTPESampler(seed=seed)
    raise ValueError(f"Optuna {optuna.__version__} has no sampler for kind '{kind}' in this benchmark")


def make_pruner(spec):
    # Multi-fidelity benchmark (benchmarks/multifidelity): the pruner Optuna pairs with TPE there.
    if spec is None:
        return None
    if spec["kind"] == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=spec["min_resource"], max_resource=spec["max_resource"],
                                              reduction_factor=spec["reduction_factor"])
    raise ValueError(f"no pruner '{spec['kind']}' in this benchmark")


def make_distributions(space):
    dists = {}
    for p in space:
        if p["type"] == "float":
            dists[p["name"]] = FloatDistribution(p["low"], p["high"], log=p.get("log", False), step=p.get("step"))
        elif p["type"] == "int":
            dists[p["name"]] = IntDistribution(p["low"], p["high"], log=p.get("log", False), step=p.get("step", 1))
        else:
            dists[p["name"]] = CategoricalDistribution(p["choices"])
    return dists


def directions(msg):
    # Every objective is minimised: the driver negates what it maximises.
    return ["minimize"] * msg.get("objectives", 1)


def main():
    study = None
    dists = None
    pending = {}
    out = sys.stdout
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg["cmd"]
        if cmd == "study":
            # A fixed name: Optuna's Hyperband assigns brackets from a hash of the study name and the
            # trial number, so an auto-generated (random) name would make runs differ for a given seed.
            study = optuna.create_study(sampler=make_sampler(msg["sampler"], msg["seed"]), directions=directions(msg),
                                        pruner=make_pruner(msg.get("pruner")), study_name=f"seed-{msg['seed']}")
            dists = make_distributions(msg["space"])
            pending = {}
            reply = {"ok": True}
        elif cmd == "ask":
            trial = study.ask(fixed_distributions=dists)
            pending[trial.number] = trial
            reply = {"number": trial.number, "params": trial.params}
        elif cmd == "tell":
            if msg.get("state") == "pruned":
                study.tell(pending.pop(msg["number"]), state=optuna.trial.TrialState.PRUNED)
            else:
                study.tell(pending.pop(msg["number"]), msg["values"] if "values" in msg else msg["value"])
            reply = {"ok": True}
        elif cmd == "report":
            # An intermediate value, and the pruner's verdict on it (Optuna's report/should_prune).
            trial = pending[msg["number"]]
            trial.report(msg["value"], msg["step"])
            reply = {"prune": trial.should_prune()}
        elif cmd == "latency":
            # Ask latency with N finished trials already in the study: Optuna samples inside
            # ask(fixed_distributions=...), so the timed call includes every parameter's sampling.
            study = optuna.create_study(sampler=make_sampler(msg["sampler"], msg["seed"]), directions=directions(msg))
            dists = make_distributions(msg["space"])
            study.add_trials([
                optuna.trial.create_trial(params=t["params"], distributions=dists, values=t["values"])
                if "values" in t else
                optuna.trial.create_trial(params=t["params"], distributions=dists, value=t["value"])
                for t in msg["trials"]
            ])
            times = []
            for value in msg["tell_values"]:
                start = time.perf_counter()
                trial = study.ask(fixed_distributions=dists)
                times.append(time.perf_counter() - start)
                study.tell(trial, value)
            reply = {"seconds": times}
        elif cmd == "version":
            reply = {"optuna": optuna.__version__, "python": sys.version.split()[0]}
        else:
            reply = {"error": f"unknown command {cmd}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
