"""ResNet-18 on CIFAR-10 with DistributedDataParallel, or DeepSpeed ZeRO with --deepspeed.

Started by torchrun, one process per GPU (torchrun sets RANK, LOCAL_RANK, WORLD_SIZE, MASTER_*):
    torchrun --standalone --nproc_per_node=2 examples/distributed/ddp_train.py [--deepspeed]
Params (ANVIL_PARAMS): epochs, lr, batch_size (per process), zero_stage (DeepSpeed, default 2),
checkpoint_every (epochs, default 1). Rank 0 logs train/loss, train/accuracy and val/accuracy
each epoch and saves checkpoints/epoch-NNNN.pt (also uploaded to the run, to resume from).
"""
import argparse
import os
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torchvision
import torchvision.transforms as T
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, DistributedSampler

import anvil_log

MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)


def cifar_resnet18() -> nn.Module:
    # ImageNet's stem (7x7 stride-2 conv, then max-pool) would shrink 32x32 images to 8x8 at
    # once; the usual CIFAR variant keeps the resolution with a 3x3 stride-1 conv, no pooling.
    model = torchvision.models.resnet18(num_classes=10)
    model.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


def make_loaders(batch_size: int, rank: int, world: int, local_rank: int, workers: int):
    root = os.environ.get("CIFAR10_DIR", "data")
    # Every node needs its own copy: one process per node downloads while the others wait.
    if local_rank == 0:
        torchvision.datasets.CIFAR10(root, train=True, download=True)
        torchvision.datasets.CIFAR10(root, train=False, download=True)
    dist.barrier()
    augment = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(MEAN, STD)])
    plain = T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)])
    train = torchvision.datasets.CIFAR10(root, train=True, transform=augment)
    val = torchvision.datasets.CIFAR10(root, train=False, transform=plain)
    # Each process sees its own 1/world of the data. The validation sampler repeats a few
    # images so that every shard has the same size: val/accuracy is exact to within those.
    train_sampler = DistributedSampler(train, num_replicas=world, rank=rank, shuffle=True)
    val_sampler = DistributedSampler(val, num_replicas=world, rank=rank, shuffle=False)
    kw = dict(batch_size=batch_size, num_workers=workers, pin_memory=torch.cuda.is_available(), persistent_workers=workers > 0)
    return DataLoader(train, sampler=train_sampler, drop_last=True, **kw), DataLoader(val, sampler=val_sampler, **kw), train_sampler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deepspeed", action="store_true", help="train under DeepSpeed ZeRO instead of DDP")
    args, _ = parser.parse_known_args()  # launchers may append e.g. --local_rank
    p = anvil_log.params()
    epochs, lr = anvil_log.param(p, "epochs", 10), anvil_log.param(p, "lr", 0.1)
    batch_size, zero_stage = anvil_log.param(p, "batch_size", 128), anvil_log.param(p, "zero_stage", 2)
    checkpoint_every = max(1, anvil_log.param(p, "checkpoint_every", 1))

    # Started with plain `python` instead of torchrun: be a world of one.
    for key, value in {"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "1", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}.items():
        os.environ.setdefault(key, value)
    local_rank = int(os.environ["LOCAL_RANK"])
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.set_device(local_rank)  # before NCCL starts, so each process owns one GPU
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    # DataLoader workers: this node's CPUs shared by its processes, one CPU left to each process.
    node_cpus = int(float(os.environ.get("ANVIL_CPUS_PER_WORKER") or os.cpu_count() or 2))
    workers = max(0, min(4, node_cpus // int(os.environ.get("LOCAL_WORLD_SIZE", "1")) - 1))
    train_loader, val_loader, train_sampler = make_loaders(batch_size, rank, world, local_rank, workers)

    model = cifar_resnet18().to(device)
    if args.deepspeed:  # AdamW from torch, not DeepSpeed's fused Adam: that one compiles CUDA code at start
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=5e-4)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4, nesterov=True)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)

    # Resume before wrapping: DDP then starts every replica from the same weights. All ranks
    # load the optimizer too, or their momentum buffers (and so their weights) would diverge.
    start = 1
    if local_rank == 0:
        anvil_log.resume_file()  # downloads the run's copy once per node
    dist.barrier()
    resume = anvil_log.resume_file()
    if resume:
        ckpt = torch.load(resume, map_location="cpu")
        model.load_state_dict(ckpt["model"])
        if "optimizer" in ckpt and not args.deepspeed:
            optimizer.load_state_dict(ckpt["optimizer"])
        scheduler.load_state_dict(ckpt["scheduler"])
        start = ckpt["epoch"] + 1
        if rank == 0:
            print(f"resuming from {resume}: epoch {ckpt['epoch']} done, continuing at epoch {start}", flush=True)

    bf16 = args.deepspeed and cuda and torch.cuda.is_bf16_supported()
    if args.deepspeed:
        import deepspeed
        config = {
            "train_micro_batch_size_per_gpu": batch_size,
            "gradient_accumulation_steps": 1,
            "zero_optimization": {"stage": zero_stage},
            "bf16": {"enabled": bf16},
            "zero_allow_untested_optimizer": True,  # a plain torch optimizer is fine for ZeRO-1/2
            "steps_per_print": 10**9,  # the per-epoch line below says enough
        }
        net, _, _, _ = deepspeed.initialize(model=model, optimizer=optimizer, config=config)
    else:
        net = DDP(model, device_ids=[local_rank] if cuda else None)
    in_dtype = torch.bfloat16 if bf16 else torch.float32  # a bf16 engine wants bf16 inputs
    loss_fn = nn.CrossEntropyLoss()

    if rank == 0:
        print(f"{'deepspeed zero-' + str(zero_stage) if args.deepspeed else 'ddp'}: {world} process(es), "
              f"epochs {start}..{epochs}, lr {lr}, batch {batch_size}/process, bf16 {bf16}", flush=True)
    for epoch in range(start, epochs + 1):
        began = time.time()
        train_sampler.set_epoch(epoch)  # a different shuffle each epoch, the same on every rank
        net.train()
        totals = torch.zeros(3, device=device)  # loss sum, correct, seen
        for x, y in train_loader:
            x, y = x.to(device, in_dtype, non_blocking=True), y.to(device, non_blocking=True)
            out = net(x)
            loss = loss_fn(out.float(), y)
            if args.deepspeed:
                net.backward(loss)
                net.step()
            else:
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            totals += torch.stack([loss.detach().float() * len(y), (out.argmax(1) == y).sum().float(), torch.tensor(float(len(y)), device=device)])
        scheduler.step()

        net.eval()
        val = torch.zeros(2, device=device)  # correct, seen
        with torch.no_grad():
            for x, y in val_loader:
                x, y = x.to(device, in_dtype, non_blocking=True), y.to(device, non_blocking=True)
                val += torch.stack([(net(x).argmax(1) == y).sum().float(), torch.tensor(float(len(y)), device=device)])
        dist.all_reduce(totals)  # sums over all processes: metrics of the whole dataset
        dist.all_reduce(val)
        anvil_log.log({"train/loss": (totals[0] / totals[2]).item(), "train/accuracy": (totals[1] / totals[2]).item(),
                       "val/accuracy": (val[0] / val[1]).item(), "train/lr": scheduler.get_last_lr()[0],
                       "time/epoch_seconds": time.time() - began}, epoch)

        if rank == 0 and (epoch % checkpoint_every == 0 or epoch == epochs):
            # `model` is the unwrapped network (no "module." prefix). Under ZeRO each rank holds
            # a shard of the optimizer state, so a DeepSpeed checkpoint keeps the weights only.
            state = {"epoch": epoch, "model": model.state_dict(), "scheduler": scheduler.state_dict()}
            if not args.deepspeed:
                state["optimizer"] = optimizer.state_dict()
            os.makedirs("checkpoints", exist_ok=True)
            path = f"checkpoints/epoch-{epoch:04d}.pt"
            torch.save(state, path)
            anvil_log.upload(path, path)

    if start > epochs and rank == 0:
        print(f"nothing to train: the checkpoint is at epoch {start - 1} of {epochs}", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
