"""Fine-tunes a Hugging Face model for text classification with the Trainer API.

Under torchrun the Trainer runs DDP across the processes (one per GPU); plain `python` works too:
    torchrun --standalone --nproc_per_node=1 examples/distributed/hf_finetune.py
Params (ANVIL_PARAMS): model (distilbert-base-uncased), dataset (imdb), epochs (1), lr (5e-5),
batch_size (16 per device), max_train_samples (2000; 0 = all), max_eval_samples (1000),
max_length (256 tokens), text_column (text). Rank 0 forwards the Trainer's logs to the run.
"""
import os

import numpy as np
import torch
from datasets import load_dataset
from transformers import (AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer,
                          TrainerCallback, TrainingArguments)

import anvil_log


def anvil_key(key: str) -> str:
    """Trainer log names to Anvil's: eval_accuracy -> val/accuracy, loss -> train/loss."""
    if key.startswith("eval_"):
        return "val/" + key[len("eval_"):]
    if key in ("loss", "learning_rate", "grad_norm", "epoch"):
        return "train/" + key
    return "summary/" + key  # the end-of-training totals: train_loss, train_runtime, ...


class AnvilCallback(TrainerCallback):
    """Sends each `on_log` (every logging_steps, and each evaluation) to the run, from rank 0."""

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and state.is_world_process_zero:
            anvil_log.log({anvil_key(k): v for k, v in logs.items()}, state.global_step)


def subset(ds, n: int):
    # IMDB's splits are sorted by label: shuffle before taking the first n, or all are negative.
    return ds.shuffle(seed=42).select(range(min(n, len(ds)))) if n > 0 else ds


def accuracy(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}


def main() -> None:
    p = anvil_log.params()
    model_name = anvil_log.param(p, "model", "distilbert-base-uncased")
    dataset_name = anvil_log.param(p, "dataset", "imdb")
    text_column = anvil_log.param(p, "text_column", "text")
    max_length = anvil_log.param(p, "max_length", 256)

    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    args = TrainingArguments(
        output_dir="checkpoints",
        num_train_epochs=anvil_log.param(p, "epochs", 1.0),
        learning_rate=anvil_log.param(p, "lr", 5e-5),
        per_device_train_batch_size=anvil_log.param(p, "batch_size", 16),
        per_device_eval_batch_size=anvil_log.param(p, "batch_size", 16) * 2,
        eval_strategy="epoch",
        save_strategy="epoch",
        save_total_limit=1,
        logging_steps=10,
        logging_first_step=True,
        bf16=bf16,
        fp16=cuda and not bf16,
        report_to="none",  # Anvil is the tracker here: no wandb/tensorboard found by chance
        disable_tqdm=True,  # progress bars turn into thousands of lines in a job's log
        ddp_find_unused_parameters=False,
    )

    tokenizer = AutoTokenizer.from_pretrained(model_name)
    # One process per node downloads and tokenizes; the others then read its cache.
    with args.main_process_first(desc="dataset and checkpoint"):
        raw = load_dataset(dataset_name)
        eval_split = "test" if "test" in raw else "validation"
        train = subset(raw["train"], anvil_log.param(p, "max_train_samples", 2000))
        evals = subset(raw[eval_split], anvil_log.param(p, "max_eval_samples", 1000))

        def tokenize(batch):
            return tokenizer(batch[text_column], truncation=True, max_length=max_length)

        train, evals = train.map(tokenize, batched=True), evals.map(tokenize, batched=True)
        resume = anvil_log.resume_file()

    labels = raw["train"].features["label"]
    num_labels = getattr(labels, "num_classes", None) or len(set(raw["train"]["label"]))
    model = AutoModelForSequenceClassification.from_pretrained(model_name, num_labels=num_labels)

    # A Trainer checkpoint directory resumes everything (optimizer, step); a weights file (the
    # model/model.safetensors this script uploads) starts a new fine-tune from those weights.
    resume_dir = resume if resume and os.path.isdir(resume) else None
    if resume and not resume_dir:
        if resume.endswith(".safetensors"):
            from safetensors.torch import load_file
            state = load_file(resume)
        else:
            state = torch.load(resume, map_location="cpu")
        missing, unexpected = model.load_state_dict(state, strict=False)
        if anvil_log.is_rank0():
            print(f"resuming from weights {resume} ({len(missing)} missing, {len(unexpected)} unexpected keys)", flush=True)
    elif resume_dir and anvil_log.is_rank0():
        print(f"resuming from Trainer checkpoint {resume_dir}", flush=True)

    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train,
        eval_dataset=evals,
        data_collator=DataCollatorWithPadding(tokenizer),  # pads each batch to its longest text
        compute_metrics=accuracy,
        callbacks=[AnvilCallback()],
    )
    if anvil_log.is_rank0():
        print(f"fine-tuning {model_name} on {dataset_name}: {len(train)} train / {len(evals)} {eval_split} rows, "
              f"{num_labels} labels, world size {args.world_size}, bf16 {bf16}", flush=True)
    trainer.train(resume_from_checkpoint=resume_dir)

    trainer.save_model("model")  # writes on the main process only
    if trainer.is_world_process_zero() and os.path.exists("model/model.safetensors"):
        anvil_log.upload("model/model.safetensors", "model/model.safetensors")


if __name__ == "__main__":
    main()
