"""Gradient-boosted trees on scikit-learn's breast-cancer data with Ray Train, data-parallel.

    python examples/distributed/gbdt_train.py xgboost|lightgbm

Runs as a Ray Job's driver: Ray Train starts ANVIL_NUM_WORKERS workers of
ANVIL_CPUS_PER_WORKER CPUs each, every one training on its shard of the rows. Params
(ANVIL_PARAMS): num_boost_round, and max_depth, eta (xgboost) or num_leaves, learning_rate
(lightgbm). The final train/valid metrics go to the Anvil run.
"""
import inspect
import os
import sys

import ray
import ray.data
import ray.train
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import anvil_log

LABEL = "target"


def datasets() -> dict:
    df = load_breast_cancer(as_frame=True).frame
    # Feature names like "mean radius": underscores keep both libraries' name checks quiet.
    df.columns = [c.replace(" ", "_") for c in df.columns]
    train, valid = train_test_split(df, test_size=0.25, random_state=42, stratify=df[LABEL])
    # Fresh indexes: a shuffled pandas index would otherwise travel along as an extra column.
    return {name: ray.data.from_pandas(df.reset_index(drop=True)) for name, df in (("train", train), ("valid", valid))}


def xgboost_worker(config: dict) -> None:
    """One worker's loop (newer Ray): Ray Train has already joined the workers' XGBoost collective."""
    import xgboost
    shards = {name: ray.train.get_dataset_shard(name).materialize().to_pandas() for name in ("train", "valid")}
    evals = [(xgboost.DMatrix(df.drop(columns=[LABEL]), label=df[LABEL]), name) for name, df in shards.items()]
    history: dict = {}
    xgboost.train(config["params"], evals[0][0], num_boost_round=config["rounds"], evals=evals, evals_result=history)
    ray.train.report({f"{ds}-{metric}": values[-1] for ds, per in history.items() for metric, values in per.items()})


def lightgbm_worker(config: dict) -> None:
    """One worker's loop (newer Ray): the network params join this worker to the others."""
    import lightgbm
    from ray.train.lightgbm import get_network_params
    shards = {name: ray.train.get_dataset_shard(name).materialize().to_pandas() for name in ("train", "valid")}
    sets = {name: lightgbm.Dataset(df.drop(columns=[LABEL]), label=df[LABEL]) for name, df in shards.items()}
    params = {**config["params"], "tree_learner": "data_parallel", "pre_partition": True, **get_network_params()}
    history: dict = {}
    lightgbm.train(params, sets["train"], num_boost_round=config["rounds"], valid_sets=list(sets.values()),
                   valid_names=list(sets), callbacks=[lightgbm.record_evaluation(history)])
    ray.train.report({f"{ds}-{metric}": values[-1] for ds, per in history.items() for metric, values in per.items()})


def to_anvil(metrics: dict) -> dict:
    """{"valid-binary_error": 0.03, ...} -> {"valid/error": 0.03, "valid/accuracy": 0.97, ...}"""
    out = {}
    for key, value in metrics.items():
        ds, sep, metric = key.partition("-")
        if sep and ds in ("train", "valid") and isinstance(value, (int, float)):
            out[f"{ds}/{metric.replace('binary_', '')}"] = value
    for ds in ("train", "valid"):
        if f"{ds}/error" in out:
            out[f"{ds}/accuracy"] = 1.0 - out[f"{ds}/error"]
    return out


def main() -> int:
    framework = sys.argv[1] if len(sys.argv) > 1 else ""
    if framework not in ("xgboost", "lightgbm"):
        print(__doc__, file=sys.stderr)
        return 2
    p = anvil_log.params()
    rounds = anvil_log.param(p, "num_boost_round", 100)
    if framework == "xgboost":
        from ray.train.xgboost import XGBoostTrainer as Trainer
        worker = xgboost_worker
        params = {"objective": "binary:logistic", "eval_metric": ["logloss", "error"], "tree_method": "hist",
                  "max_depth": anvil_log.param(p, "max_depth", 6), "eta": anvil_log.param(p, "eta", 0.1)}
    else:
        from ray.train.lightgbm import LightGBMTrainer as Trainer
        worker = lightgbm_worker
        params = {"objective": "binary", "metric": ["binary_logloss", "binary_error"], "verbose": -1,
                  "num_leaves": anvil_log.param(p, "num_leaves", 31), "learning_rate": anvil_log.param(p, "learning_rate", 0.1)}

    workers = max(1, int(float(os.environ.get("ANVIL_NUM_WORKERS") or 2)))
    cpus = max(1, int(float(os.environ.get("ANVIL_CPUS_PER_WORKER") or 1)))
    scaling = ray.train.ScalingConfig(num_workers=workers, use_gpu=False, resources_per_worker={"CPU": cpus})
    # A storage_path param (s3://…, an NFS mount) is where Ray Train keeps its results; Ray
    # needs shared storage for checkpoints across nodes, which the new-API path never writes.
    run_config = ray.train.RunConfig(storage_path=p["storage_path"]) if p.get("storage_path") else None
    print(f"{framework}: {workers} worker(s) x {cpus} CPU, {rounds} rounds, params {params}", flush=True)

    # Ray since early 2025 (about 2.43) takes a per-worker training function, and Ray Train v2
    # (the default from Ray 2.51) refuses the older label_column/params form. Older Ray (2.9 on)
    # knows only that older form: use whichever this Ray's trainer accepts.
    if "train_loop_per_worker" in inspect.signature(Trainer).parameters:
        trainer = Trainer(worker, train_loop_config={"params": params, "rounds": rounds},
                          scaling_config=scaling, run_config=run_config, datasets=datasets())
    else:
        trainer = Trainer(scaling_config=scaling, run_config=run_config, label_column=LABEL, params=params,
                          num_boost_round=rounds, datasets=datasets())
    result = trainer.fit()

    metrics = to_anvil(result.metrics or {})
    anvil_log.log(metrics, rounds)
    return 0 if metrics else 1


if __name__ == "__main__":
    sys.exit(main())
