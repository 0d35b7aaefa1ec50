"""Peer benchmark for `secondself bench train`: PyTorch + PEFT LoRA training on the same GGUF
(transformers dequantizes it with `gguf_file=`), same rank, alpha, dropout, sequence length and
batch as our rows. Times forward + backward + AdamW over random tokens and prints one JSON line.
Usage: python peft_train.py MODEL.gguf THREADS SEQ_LEN RANK STEPS"""
import json
import os
import resource
import sys
import time

model_path, threads, seq_len, rank, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM

torch.set_num_threads(threads)
torch.manual_seed(0)
model = AutoModelForCausalLM.from_pretrained(
    os.path.dirname(model_path), gguf_file=os.path.basename(model_path), torch_dtype=torch.float32
)
config = LoraConfig(
    r=rank, lora_alpha=2 * rank, lora_dropout=0.05, task_type="CAUSAL_LM",
    target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
)
model = get_peft_model(model, config)
model.train()
optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-4, weight_decay=0.01)
vocab = model.config.vocab_size
times = []
for step in range(steps + 1):
    ids = torch.randint(0, vocab, (1, seq_len))
    start = time.perf_counter()
    loss = model(input_ids=ids, labels=ids).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    optimizer.step()
    optimizer.zero_grad()
    if step > 0:
        times.append(time.perf_counter() - start)
times.sort()
median = times[len(times) // 2]
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"tps": seq_len / median, "step_s": median, "peak_mb": peak_mb, "torch": torch.__version__}))
