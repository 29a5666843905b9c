#!/usr/bin/python3
"""Trains the agentrt demo model: a small model of the exact gpt-oss architecture (gpt-oss-model.md §6-7).

Reads the transcripts written by dev.agentrt.demomodel.TranscriptGenerator, trains on the assistant's tokens only,
ends with MXFP4 quantization-aware fine-tuning, and exports the `original/` checkpoint layout (config.json with the
16 keys, model.safetensors with the §3 names and dtypes: BF16, MXFP4 expert blocks/scales as U8) with the full
201,088-row embedding and unembedding. Also writes the parity fixture the Java tests compare against.

Vocabulary: training uses a working vocabulary W (every id in the data plus every 1-3 digit number token). The
exported embedding and unembedding rows of the other ids are zero, so their logits are exactly 0; the training
softmax therefore includes one extra term exp(0) * (201088 - |W|), so that the trained objective is the exported
model's full-vocabulary distribution.

Runs on CPU with Debian's python3-torch (1.13); no other dependency. Deterministic for a given seed, thread count and
library build.
"""
import argparse
import hashlib
import json
import math
import os
import random
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 201088
SWIGLU_LIMIT = 7.0
SWIGLU_ALPHA = 1.702
EPS = 1e-5
FP4_VALUES = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


# ----------------------------------------------------------------------------------------------------------------
# Data

def load_split(path):
    """Groups of {prefix: [ids], seqs: [(tokens, loss_from)], kinds: [...]} in file order."""
    groups = {}
    order = []
    with open(path) as f:
        for line in f:
            j = json.loads(line)
            if "prefix" in j:
                groups[j["group"]] = {"prefix": j["prefix"], "seqs": [], "samples": []}
                order.append(j["group"])
            else:
                g = groups[j["group"]]
                seqs = [(s["tokens"], s["loss_from"]) for s in j["seqs"]]
                g["samples"].append({"id": j["id"], "kind": j["kind"], "first": len(g["seqs"]), "n": len(seqs)})
                g["seqs"].extend(seqs)
    return [groups[k] for k in order]


def working_vocab(splits, extra):
    ids = set(extra)
    for groups in splits:
        for g in groups:
            ids.update(g["prefix"])
            for toks, _ in g["seqs"]:
                ids.update(toks)
    return sorted(ids)


# ----------------------------------------------------------------------------------------------------------------
# Quantization helpers (exactly what is exported)

def bf16_round(t):
    return t.to(torch.bfloat16).to(torch.float32)


def mxfp4_quantize(w):
    """w [..., in] float32 -> (nibbles uint8 [..., in], scales uint8 [..., in/32], dequantized float32).

    Per group of 32 along the input dimension: the E8M0 scale 2^e is the smallest power of two with
    max|w| / 2^e <= 6, then each element rounds to the nearest E2M1 value (ties to the even mantissa, like
    round-half-even on the grid). Dequantization is exact (spec §5)."""
    shape = w.shape
    g = w.reshape(*shape[:-1], shape[-1] // 32, 32)
    amax = g.abs().amax(dim=-1, keepdim=True)
    e = torch.ceil(torch.log2(torch.clamp(amax, min=1e-30) / 6.0))
    e = torch.clamp(e, min=-127, max=127)
    # fix rounding of log2: make sure amax / 2^e <= 6 and amax / 2^(e-1) > 6
    scale = torch.pow(2.0, e)
    over = (amax / scale) > 6.0
    e = torch.where(over, e + 1, e)
    scale = torch.pow(2.0, e)
    x = g / scale
    grid = torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0], dtype=torch.float32)
    ax = x.abs()
    # nearest grid point; ties -> the point with the even index (even mantissa)
    d = (ax.unsqueeze(-1) - grid).abs()
    best = d.argmin(dim=-1)
    dmin = d.gather(-1, best.unsqueeze(-1)).squeeze(-1)
    nxt = torch.clamp(best + 1, max=7)
    tie = (d.gather(-1, nxt.unsqueeze(-1)).squeeze(-1) == dmin) & (nxt != best) & (best % 2 == 1)
    best = torch.where(tie, nxt, best)
    mag = grid[best]
    neg = (x < 0) & (mag > 0)
    nib = best + torch.where(neg, 8, 0)
    deq = torch.where(neg, -mag, mag) * scale
    scales = (e.squeeze(-1) + 127).to(torch.uint8)
    return nib.to(torch.uint8).reshape(shape), scales, deq.reshape(shape)


def fake_mxfp4(w):
    with torch.no_grad():
        deq = mxfp4_quantize(w.detach())[2]
    return w + (deq - w).detach()


def fake_bf16(w):
    return w + (bf16_round(w.detach()) - w).detach()


# ----------------------------------------------------------------------------------------------------------------
# Model (gpt-oss-model.md §6-7)

class Config:
    def __init__(self, **kw):
        self.num_hidden_layers = kw.get("num_hidden_layers", 4)
        self.num_experts = kw.get("num_experts", 8)
        self.experts_per_token = kw.get("experts_per_token", 2)
        self.vocab_size = VOCAB
        self.hidden_size = kw.get("hidden_size", 128)
        self.intermediate_size = kw.get("intermediate_size", 128)
        self.swiglu_limit = SWIGLU_LIMIT
        self.head_dim = kw.get("head_dim", 64)
        self.num_attention_heads = kw.get("num_attention_heads", 4)
        self.num_key_value_heads = kw.get("num_key_value_heads", 2)
        self.sliding_window = 128
        self.initial_context_length = 4096
        self.rope_theta = 150000.0
        self.rope_scaling_factor = 32.0
        self.rope_ntk_alpha = 1.0
        self.rope_ntk_beta = 32.0

    def to_json(self):
        keys = ["num_hidden_layers", "num_experts", "experts_per_token", "vocab_size", "hidden_size",
                "intermediate_size", "swiglu_limit", "head_dim", "num_attention_heads", "num_key_value_heads",
                "sliding_window", "initial_context_length", "rope_theta", "rope_scaling_factor", "rope_ntk_alpha",
                "rope_ntk_beta"]
        return {k: getattr(self, k) for k in keys}


def rope_tables(cfg, positions, dtype=torch.float32):
    """cos, sin [len(positions), d/2], scaled by the YaRN concentration, computed in float32 like the reference."""
    d = cfg.head_dim
    base = torch.tensor(cfg.rope_theta, dtype=torch.float32)
    freq = base ** (torch.arange(0, d, 2, dtype=torch.float32) / d)
    concentration = 0.1 * math.log(cfg.rope_scaling_factor) + 1.0
    low = d / 2 * math.log(cfg.initial_context_length / (cfg.rope_ntk_beta * 2 * math.pi)) / math.log(cfg.rope_theta)
    high = d / 2 * math.log(cfg.initial_context_length / (cfg.rope_ntk_alpha * 2 * math.pi)) / math.log(cfg.rope_theta)
    assert 0 < low < high < d / 2 - 1
    interpolation = 1.0 / (cfg.rope_scaling_factor * freq)
    extrapolation = 1.0 / freq
    ramp = (torch.arange(d // 2, dtype=torch.float32) - low) / (high - low)
    mask = 1 - ramp.clamp(0, 1)
    inv_freq = interpolation * (1 - mask) + extrapolation * mask
    angles = positions.to(torch.float32)[:, None] * inv_freq[None, :]
    return (torch.cos(angles) * concentration).to(dtype), (torch.sin(angles) * concentration).to(dtype)


def rotate(x, cos, sin):
    """x [..., T, H, d]; cos/sin [T, d/2]: half-split (NeoX) rotation."""
    x1, x2 = x.chunk(2, dim=-1)
    c = cos[:, None, :]
    s = sin[:, None, :]
    return torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], dim=-1)


def rms_norm(x, scale):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * scale


class Block(nn.Module):
    def __init__(self, cfg, index):
        super().__init__()
        D, d, Hq, Hkv, E, I = (cfg.hidden_size, cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads,
                               cfg.num_experts, cfg.intermediate_size)
        self.cfg = cfg
        self.sliding = index % 2 == 0
        self.attn_norm = nn.Parameter(torch.ones(D))
        self.qkv_w = nn.Parameter(torch.randn(d * (Hq + 2 * Hkv), D) * 0.02)
        self.qkv_b = nn.Parameter(torch.zeros(d * (Hq + 2 * Hkv)))
        self.sinks = nn.Parameter(torch.zeros(Hq))
        scale_out = 0.02 / math.sqrt(2 * cfg.num_hidden_layers)
        self.out_w = nn.Parameter(torch.randn(D, d * Hq) * scale_out)
        self.out_b = nn.Parameter(torch.zeros(D))
        self.mlp_norm = nn.Parameter(torch.ones(D))
        self.gate_w = nn.Parameter(torch.randn(E, D) * 0.02)
        self.gate_b = nn.Parameter(torch.zeros(E))
        self.mlp1_w = nn.Parameter(torch.randn(E, 2 * I, D) * 0.02)
        self.mlp1_b = nn.Parameter(torch.zeros(E, 2 * I))
        self.mlp2_w = nn.Parameter(torch.randn(E, D, I) * scale_out)
        self.mlp2_b = nn.Parameter(torch.zeros(E, D))
        self.quant = False

    def w(self, name):
        p = getattr(self, name)
        if not self.quant:
            return p
        if name in ("mlp1_w", "mlp2_w"):
            return fake_mxfp4(p)
        return fake_bf16(p)

    def qkv(self, x, pos):
        cfg = self.cfg
        d, Hq, Hkv = cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads
        t = rms_norm(x, self.w("attn_norm"))
        qkv = F.linear(t, self.w("qkv_w"), self.w("qkv_b"))
        B, T = x.shape[0], x.shape[1]
        q = qkv[..., : d * Hq].reshape(B, T, Hq, d)
        k = qkv[..., d * Hq: d * (Hq + Hkv)].reshape(B, T, Hkv, d)
        v = qkv[..., d * (Hq + Hkv):].reshape(B, T, Hkv, d)
        cos, sin = rope_tables(cfg, pos, x.dtype)
        return rotate(q, cos, sin), rotate(k, cos, sin), v

    def attention(self, x, pos, past=None):
        """x [B, T, D] at absolute positions pos [T]; past = (k, v, pos) of a shared prefix ([1, P, Hkv, d])."""
        cfg = self.cfg
        d, Hq, Hkv = cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads
        G = Hq // Hkv
        B, T = x.shape[0], x.shape[1]
        q, k, v = self.qkv(x, pos)
        kpos = pos
        if past is not None:
            pk, pv, ppos = past
            if self.sliding:
                # keys older than the window of the first query are masked for every query: skip them
                keep = int((ppos > pos[0] - cfg.sliding_window).sum())
                pk, pv, ppos = pk[:, -keep:] if keep else pk[:, :0], pv[:, -keep:] if keep else pv[:, :0], ppos[-keep:] if keep else ppos[:0]
            k = torch.cat([pk.expand(B, -1, -1, -1), k], dim=1)
            v = torch.cat([pv.expand(B, -1, -1, -1), v], dim=1)
            kpos = torch.cat([ppos, pos])
        # Grouped queries: query head h = g*G + j uses kv head g; scores [B, Hkv, G*T, S]
        S = k.shape[1]
        qh = (q * (1.0 / math.sqrt(d))).permute(0, 2, 1, 3).reshape(B, Hkv, G * T, d)
        kh = k.permute(0, 2, 3, 1)                                   # [B, Hkv, d, S]
        vh = torch.cat([v, v.new_zeros(B, 1, Hkv, d)], dim=1).permute(0, 2, 1, 3)  # [B, Hkv, S+1, d]; the sink's value is 0
        allowed = kpos[None, :] <= pos[:, None]
        if self.sliding:
            allowed = allowed & ((pos[:, None] - kpos[None, :]) < cfg.sliding_window)
        bias = torch.zeros(T, S + 1).masked_fill(~torch.cat([allowed, allowed.new_ones(T, 1)], 1), float("-inf"))
        scores = torch.matmul(qh, kh)                                 # [B, Hkv, G*T, S]
        sink = self.w("sinks").reshape(1, Hkv, G, 1, 1).expand(B, Hkv, G, T, 1).reshape(B, Hkv, G * T, 1)
        scores = torch.cat([scores, sink.to(scores.dtype)], dim=-1)
        scores = (scores.view(B, Hkv, G, T, S + 1) + bias).view(B, Hkv, G * T, S + 1)
        probs = torch.softmax(scores, dim=-1)
        o = torch.matmul(probs, vh).reshape(B, Hkv, G, T, d).permute(0, 3, 1, 2, 4).reshape(B, T, Hq * d)
        return F.linear(o, self.w("out_w"), self.w("out_b"))

    def moe(self, x):
        cfg = self.cfg
        E, K = cfg.num_experts, cfg.experts_per_token
        shape = x.shape
        t = rms_norm(x, self.w("mlp_norm")).reshape(-1, shape[-1])
        logits = F.linear(t, self.w("gate_w"), self.w("gate_b"))
        top_v, top_i = torch.topk(logits, K, dim=-1, sorted=True)
        weights = torch.softmax(top_v, dim=-1)
        w1, w2 = self.w("mlp1_w"), self.w("mlp2_w")
        b1, b2 = self.w("mlp1_b"), self.w("mlp2_b")
        out = torch.zeros_like(t)
        for e in range(E):
            rows, slot = torch.nonzero(top_i == e, as_tuple=True)
            if rows.numel() == 0:
                continue
            te = t.index_select(0, rows)
            h = F.linear(te, w1[e], b1[e])
            glu = h[:, 0::2].clamp(max=SWIGLU_LIMIT)
            lin = h[:, 1::2].clamp(min=-SWIGLU_LIMIT, max=SWIGLU_LIMIT)
            a = glu * torch.sigmoid(SWIGLU_ALPHA * glu) * (lin + 1)
            y = F.linear(a, w2[e], b2[e])
            out.index_add_(0, rows, y * weights[rows, slot].unsqueeze(-1))
        # Switch-style load balancing statistics
        probs = torch.softmax(logits, dim=-1)
        frac = torch.zeros(E).index_add_(0, top_i.reshape(-1), torch.ones(top_i.numel())) / top_i.numel()
        self.aux = E * (frac.detach() * probs.mean(0)).sum()
        return out.reshape(shape)


class GptOss(nn.Module):
    def __init__(self, cfg, vocab_ids, tied=False):
        super().__init__()
        self.cfg = cfg
        self.vocab_ids = vocab_ids  # working vocabulary: compact index -> real id
        W = len(vocab_ids)
        self.embedding = nn.Parameter(torch.randn(W, cfg.hidden_size) * 0.02)
        self.blocks = nn.ModuleList([Block(cfg, i) for i in range(cfg.num_hidden_layers)])
        self.norm = nn.Parameter(torch.ones(cfg.hidden_size))
        # Tied during training (copying a number is then the identity from input to output vectors); exported as
        # two tensors with equal values, as the architecture keeps them separate.
        self.tied = tied
        if not tied:
            self.unembedding = nn.Parameter(torch.randn(W, cfg.hidden_size) * 0.02)
        self.log_unused = math.log(VOCAB - W)
        self.quant = False

    def set_quant(self, on):
        self.quant = on
        for b in self.blocks:
            b.quant = on

    def p(self, name):
        if name == "unembedding" and self.tied:
            name = "embedding"
        t = getattr(self, name)
        return fake_bf16(t) if self.quant else t

    def prefix_kv(self, prefix):
        """K/V of every layer for a shared prefix [P] (compact ids)."""
        x = F.embedding(prefix[None, :], self.p("embedding"))
        pos = torch.arange(prefix.shape[0])
        kvs = []
        for i, b in enumerate(self.blocks):
            _, k, v = b.qkv(x, pos)
            kvs.append((k, v, pos))
            if i + 1 < len(self.blocks):
                x = x + b.attention(x, pos)
                x = x + b.moe(x)
        return kvs

    def hidden(self, tokens, start, kvs=None):
        """tokens [B, T] (compact ids) at positions start.. ; returns the final-normed hidden states [B, T, D]."""
        x = F.embedding(tokens, self.p("embedding"))
        pos = torch.arange(start, start + tokens.shape[1])
        for i, b in enumerate(self.blocks):
            x = x + b.attention(x, pos, None if kvs is None else kvs[i])
            x = x + b.moe(x)
        return rms_norm(x, self.p("norm"))

    def loss_terms(self, h, targets):
        """h [M, D], targets [M] compact ids -> per-token loss and argmax-correct flags (full-vocab semantics)."""
        logits = F.linear(h, self.p("unembedding"))
        extra = torch.full((logits.shape[0], 1), self.log_unused, dtype=logits.dtype)
        lse = torch.logsumexp(torch.cat([logits, extra], dim=-1), dim=-1)
        nll = lse - logits.gather(1, targets[:, None]).squeeze(1)
        best = logits.max(dim=-1)
        # an unused id (logit exactly 0) wins if every working logit is below 0
        correct = (best.indices == targets) & (best.values > 0)
        return nll, correct

    def aux_loss(self):
        return sum(b.aux for b in self.blocks) / len(self.blocks)


# ----------------------------------------------------------------------------------------------------------------
# A hand-built copying circuit as the starting point (then trained like every other weight)
#
# A small model trained for minutes does not discover induction heads (attend to the token after an earlier
# occurrence of the current token, and copy it) on its own, and copying numbers is most of this task. So the
# initial weights contain one, built from the architecture's own parts:
#   residual dims [0, 64): input code a_t of the token (embedding rows), [64, 96): output code (what the unembedding
#   reads: u_t = s_u * Q a_t), [96, 128): "previous token" code;
#   layer 0, KV head 0 (query heads 0-1): positional attention to the previous position (query and key are biases
#   whose RoPE phases peak at distance 1), value P a, written to [96, 128);
#   layer 1, KV head 0 (query heads 0-1): key = the previous-token code, query = P a of the current token, both in the
#   head's slow RoPE dimensions (content matching), value = a; head 0 writes gamma * Q a to [64, 96): the logit of
#   the token that followed the earlier occurrence. Its sink sits between a match and a non-match.

def positional_query_key(cfg, target=1, window=128, pairs=9):
    """RoPE pair weights w (sum 1) maximizing min over distances != target of score(target) - score(distance)."""
    cos, sin = rope_tables(cfg, torch.arange(2))
    th = torch.atan2(sin[1], cos[1]).double()[:pairs]
    dist = torch.tensor([x for x in range(window) if x != target], dtype=torch.double)
    G = 1 - torch.cos(th[None, :] * (dist[:, None] - target))
    a = torch.zeros(pairs, dtype=torch.double, requires_grad=True)
    opt = torch.optim.Adam([a], lr=0.05)
    for _ in range(1500) if torch.is_grad_enabled() else ():
        w = torch.softmax(a, 0)
        loss = torch.logsumexp(-(G @ w) * 200, 0) / 200
        opt.zero_grad()
        loss.backward()
        opt.step()
    w = torch.softmax(a, 0).detach()
    return th.detach(), w, float((G @ w).min())


def init_copy_circuit(model, gen, kappa=3.0, gamma=2.0, s_u=0.5, sink=20.0, amp=12.0):
    cfg = model.cfg
    D, d, Hq = cfg.hidden_size, cfg.head_dim, cfg.num_attention_heads
    assert D == 128 and d == 64 and cfg.num_key_value_heads >= 1 and cfg.num_hidden_layers >= 2
    half = d // 2
    W = model.embedding.shape[0]

    def orthonormal(rows, cols):
        m = torch.randn(cols, rows, generator=gen)
        q, _ = torch.linalg.qr(m)
        return q.T.contiguous()  # [rows, cols], orthonormal rows

    P = orthonormal(32, 64)
    Q = orthonormal(32, 64)
    th, w, margin = positional_query_key(cfg)
    with torch.no_grad():
        a = torch.randn(W, 64, generator=gen)
        model.embedding.zero_()
        model.embedding[:, :64] = a
        model.unembedding.zero_()
        model.unembedding[:, 64:96] = s_u * a @ Q.T
        # layer 0: previous-token head
        b0 = model.blocks[0]
        qb = torch.zeros(d)
        kb = torch.zeros(d)
        for f in range(len(w)):
            kb[f] = amp
            qb[f] = amp * float(w[f]) * math.cos(float(th[f]))
            qb[f + half] = -amp * float(w[f]) * math.sin(float(th[f]))
        ko, vo = Hq * d, Hq * d + cfg.num_key_value_heads * d
        b0.qkv_w[ko: ko + d] = 0
        b0.qkv_b[ko: ko + d] = kb
        for h in (0, 1):
            b0.qkv_w[h * d: (h + 1) * d] = 0
            b0.qkv_b[h * d: (h + 1) * d] = qb
        b0.qkv_w[vo: vo + d] = 0
        b0.qkv_w[vo: vo + 32, :64] = P
        b0.qkv_b[vo: vo + d] = 0
        b0.out_w[:, 0: 2 * d] = 0
        b0.out_w[96:128, 0:32] = torch.eye(32)
        # layer 1: induction head, content matching in the slow RoPE dims
        b1 = model.blocks[1]
        slow = list(range(half - 17, half)) + list(range(d - 17, d))   # pairs 15..31 for d = 64
        slow = slow[:32]
        b1.qkv_w[ko: ko + d] = 0
        b1.qkv_b[ko: ko + d] = 0
        for r, dim in enumerate(slow):
            b1.qkv_w[ko + dim, 96 + r] = kappa
        for h in (0, 1):
            b1.qkv_w[h * d: (h + 1) * d] = 0
            b1.qkv_b[h * d: (h + 1) * d] = 0
            for r, dim in enumerate(slow):
                b1.qkv_w[h * d + dim, :64] = kappa * P[r]
        b1.qkv_w[vo: vo + d] = 0
        b1.qkv_w[vo: vo + d, :64] = torch.eye(64)
        b1.qkv_b[vo: vo + d] = 0
        b1.out_w[:, 0: 2 * d] = 0
        b1.out_w[64:96, 0:64] = gamma * Q
        b1.sinks[0] = sink
        b1.sinks[1] = sink
    return margin


# ----------------------------------------------------------------------------------------------------------------
# Batching

class Batcher:
    def __init__(self, groups, index_of, max_seqs=64):
        self.groups = groups
        self.index_of = index_of
        self.max_seqs = max_seqs

    def compact(self, ids):
        return torch.tensor([self.index_of[i] for i in ids], dtype=torch.long)

    def batch(self, g):
        """(prefix [P], list of sub-batches (tokens [B, T], loss rows, loss cols, targets))."""
        prefix = self.compact(g["prefix"])
        seqs = sorted(g["seqs"], key=lambda s: len(s[0]))
        subs = []
        # two sub-batches by length (first turns are short, second turns long) to limit padding
        half = [seqs[: len(seqs) // 2], seqs[len(seqs) // 2:]] if len(seqs) > 3 else [seqs]
        for part in half:
            if not part:
                continue
            T = max(len(s[0]) for s in part)
            tok = torch.zeros(len(part), T, dtype=torch.long)
            rows, cols, tgt = [], [], []
            for b, (ids, lf) in enumerate(part):
                tok[b, : len(ids)] = self.compact(ids)
                for j in range(lf, len(ids)):
                    rows.append(b)
                    cols.append(j - 1)
                    tgt.append(self.index_of[ids[j]])
            subs.append((tok, torch.tensor(rows), torch.tensor(cols), torch.tensor(tgt)))
        return prefix, subs


def group_loss(model, batcher, g, with_stats=False, short=False):
    """Loss of one chunk. short: without the shared prefix (the curriculum's first phase: the same sequences from
    the user message on, at positions 0..; attention learns to copy before it has to look past ~330 prefix tokens)."""
    prefix, subs = batcher.batch(g)
    if short:
        kvs, P = None, 0
    else:
        kvs = model.prefix_kv(prefix)
        P = prefix.shape[0]
    nll_all, corr_all = [], []
    aux = 0.0
    for tok, rows, cols, tgt in subs:
        h = model.hidden(tok, P, kvs)
        aux = aux + model.aux_loss()
        nll, corr = model.loss_terms(h[rows, cols], tgt)
        nll_all.append(nll)
        corr_all.append(corr)
    nll = torch.cat(nll_all)
    if not with_stats:
        return nll.mean(), aux / len(subs)
    return nll, torch.cat(corr_all), subs


def evaluate(model, batcher, groups):
    """Mean loss per assistant token, token accuracy, and the share of sequences whose every assistant token is the
    greedy choice (teacher-forced: what greedy decoding would produce, turn by turn)."""
    model.eval()
    tot_nll, tot_tok, tot_ok, seq_ok, seq_n = 0.0, 0, 0, 0, 0
    with torch.no_grad():
        for g in groups:
            nll, corr, subs = group_loss(model, batcher, g, with_stats=True)
            tot_nll += nll.sum().item()
            tot_tok += nll.numel()
            tot_ok += corr.sum().item()
            off = 0
            for tok, rows, cols, tgt in subs:
                n = rows.numel()
                c = corr[off: off + n]
                for b in range(tok.shape[0]):
                    seq_ok += int(bool(c[rows == b].all()))
                    seq_n += 1
                off += n
    model.train()
    return tot_nll / tot_tok, tot_ok / tot_tok, seq_ok / max(1, seq_n)


# ----------------------------------------------------------------------------------------------------------------
# Export

def bf16_bytes(t):
    b = t.detach().to(torch.float32).contiguous().to(torch.bfloat16)
    return b.view(torch.int16).numpy().tobytes()


def export_tensors(model):
    """name -> (dtype, shape, bytes) in the original layout, plus the float32 values the export represents."""
    cfg = model.cfg
    ids = torch.tensor(model.vocab_ids, dtype=torch.long)
    out = {}
    values = {}

    def put_bf16(name, t):
        t = t.detach().to(torch.float32)
        out[name] = ("BF16", list(t.shape), bf16_bytes(t))
        values[name] = bf16_round(t)

    emb = torch.zeros(VOCAB, cfg.hidden_size)
    emb[ids] = model.embedding.detach()
    unemb = torch.zeros(VOCAB, cfg.hidden_size)
    unemb[ids] = model.p("unembedding").detach()
    put_bf16("embedding.weight", emb)
    put_bf16("unembedding.weight", unemb)
    put_bf16("norm.scale", model.norm)
    for n, b in enumerate(model.blocks):
        pre = "block.%d." % n
        put_bf16(pre + "attn.norm.scale", b.attn_norm)
        put_bf16(pre + "attn.qkv.weight", b.qkv_w)
        put_bf16(pre + "attn.qkv.bias", b.qkv_b)
        put_bf16(pre + "attn.sinks", b.sinks)
        put_bf16(pre + "attn.out.weight", b.out_w)
        put_bf16(pre + "attn.out.bias", b.out_b)
        put_bf16(pre + "mlp.norm.scale", b.mlp_norm)
        put_bf16(pre + "mlp.gate.weight", b.gate_w)
        put_bf16(pre + "mlp.gate.bias", b.gate_b)
        put_bf16(pre + "mlp.mlp1_bias", b.mlp1_b)
        put_bf16(pre + "mlp.mlp2_bias", b.mlp2_b)
        for which, w in (("mlp1_weight", b.mlp1_w), ("mlp2_weight", b.mlp2_w)):
            nib, scales, deq = mxfp4_quantize(w.detach().to(torch.float32))
            packed = (nib[..., 0::2] | (nib[..., 1::2] << 4)).to(torch.uint8)  # low nibble = even element
            blocks = packed.reshape(*w.shape[:-1], w.shape[-1] // 32, 16)
            out[pre + "mlp.%s.blocks" % which] = ("U8", list(blocks.shape), blocks.contiguous().numpy().tobytes())
            out[pre + "mlp.%s.scales" % which] = ("U8", list(scales.shape), scales.contiguous().numpy().tobytes())
            values[pre + "mlp.%s" % which] = deq
    return out, values


def load_exported(model, directory):
    """Sets the model's parameters to an exported checkpoint's values (the inverse of export_tensors)."""
    with open(os.path.join(directory, "config.json")) as f:
        if json.load(f) != model.cfg.to_json():
            raise SystemExit("--init: %s has another model configuration" % directory)
    W = read_safetensors(os.path.join(directory, "model.safetensors"))
    ids = torch.tensor(model.vocab_ids, dtype=torch.long)
    with torch.no_grad():
        model.embedding.copy_(W["embedding.weight"][ids])
        if model.tied:
            if not torch.equal(W["embedding.weight"], W["unembedding.weight"]):
                raise SystemExit("--init with --tied: the checkpoint's embedding and unembedding differ")
        else:
            model.unembedding.copy_(W["unembedding.weight"][ids])
        model.norm.copy_(W["norm.scale"])
        for n, b in enumerate(model.blocks):
            pre = "block.%d." % n
            for attr, name in (("attn_norm", "attn.norm.scale"), ("qkv_w", "attn.qkv.weight"),
                               ("qkv_b", "attn.qkv.bias"), ("sinks", "attn.sinks"), ("out_w", "attn.out.weight"),
                               ("out_b", "attn.out.bias"), ("mlp_norm", "mlp.norm.scale"),
                               ("gate_w", "mlp.gate.weight"), ("gate_b", "mlp.gate.bias"),
                               ("mlp1_b", "mlp.mlp1_bias"), ("mlp2_b", "mlp.mlp2_bias"),
                               ("mlp1_w", "mlp.mlp1_weight"), ("mlp2_w", "mlp.mlp2_weight")):
                getattr(b, attr).copy_(W[pre + name])


def write_safetensors(path, tensors):
    names = sorted(tensors)
    header = {}
    offset = 0
    for n in names:
        dtype, shape, data = tensors[n]
        header[n] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":")).encode()
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for n in names:
            f.write(tensors[n][2])


def read_safetensors(path):
    """name -> float32 tensor (BF16 decoded; MXFP4 blocks+scales decoded per spec §5 into name without suffix)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        raw = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            b, e = info["data_offsets"]
            f.seek(base + b)
            buf = bytearray(f.read(e - b))
            if info["dtype"] == "BF16":
                t = torch.frombuffer(buf, dtype=torch.int16).to(torch.int32) << 16
                raw[name] = t.view(torch.float32).reshape(info["shape"]).clone()
            else:
                raw[name] = torch.frombuffer(buf, dtype=torch.uint8).reshape(info["shape"]).clone()
    lut = torch.tensor(FP4_VALUES, dtype=torch.float32)
    out = {}
    for name, t in raw.items():
        if name.endswith(".blocks"):
            stem = name[: -len(".blocks")]
            scales = raw[stem + ".scales"].to(torch.int32) - 127
            lo = lut[(t & 0x0F).long()]
            hi = lut[(t >> 4).long()]
            vals = torch.stack([lo, hi], dim=-1).reshape(*t.shape[:-1], 32)
            vals = vals * torch.pow(2.0, scales.to(torch.float32)).unsqueeze(-1)
            out[stem] = vals.reshape(*t.shape[:-2], t.shape[-2] * 32)
        elif name.endswith(".scales"):
            continue
        else:
            out[name] = t
    return out


def reference_logits(cfg, W, tokens, dtype=torch.float64):
    """Full-vocabulary logits of the last position for `tokens` (real ids), straight from the spec equations, on the
    exported (decoded) weights: the oracle for the Java engine."""
    D, d, Hq, Hkv, K = cfg.hidden_size, cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads, \
        cfg.experts_per_token
    G = Hq // Hkv
    T = len(tokens)
    w = W if all(v.dtype == dtype for v in W.values()) else {k: v.to(dtype) for k, v in W.items()}
    x = w["embedding.weight"][torch.tensor(tokens)]
    pos = torch.arange(T)
    cos, sin = rope_tables(cfg, pos, torch.float32)
    cos, sin = cos.to(dtype), sin.to(dtype)

    def norm(v, s):
        return v / torch.sqrt((v * v).mean(-1, keepdim=True) + EPS) * s

    for n in range(cfg.num_hidden_layers):
        p = "block.%d." % n
        t = norm(x, w[p + "attn.norm.scale"])
        qkv = t @ w[p + "attn.qkv.weight"].T + w[p + "attn.qkv.bias"]
        q = rotate(qkv[:, : Hq * d].reshape(T, Hq, d), cos, sin)
        k = rotate(qkv[:, Hq * d: (Hq + Hkv) * d].reshape(T, Hkv, d), cos, sin)
        v = qkv[:, (Hq + Hkv) * d:].reshape(T, Hkv, d)
        o = torch.zeros(T, Hq, d, dtype=dtype)
        for h in range(Hq):
            g = h // G
            s = (q[:, h, :] @ k[:, g, :].T) / math.sqrt(d)
            allowed = pos[None, :] <= pos[:, None]
            if n % 2 == 0:
                allowed = allowed & ((pos[:, None] - pos[None, :]) < cfg.sliding_window)
            s = s.masked_fill(~allowed, float("-inf"))
            sink = w[p + "attn.sinks"][h].expand(T, 1)
            pr = torch.softmax(torch.cat([s, sink], dim=1), dim=1)[:, :-1]
            o[:, h, :] = pr @ v[:, g, :]
        x = x + o.reshape(T, Hq * d) @ w[p + "attn.out.weight"].T + w[p + "attn.out.bias"]
        t = norm(x, w[p + "mlp.norm.scale"])
        logits = t @ w[p + "mlp.gate.weight"].T + w[p + "mlp.gate.bias"]
        top_v, top_i = torch.topk(logits, K, dim=-1, sorted=True)
        wts = torch.softmax(top_v, dim=-1)
        y = torch.zeros_like(x)
        for j in range(K):
            e = top_i[:, j]
            hh = torch.einsum("rod,rd->ro", w[p + "mlp.mlp1_weight"][e], t) + w[p + "mlp.mlp1_bias"][e]
            glu = hh[:, 0::2].clamp(max=SWIGLU_LIMIT)
            lin = hh[:, 1::2].clamp(min=-SWIGLU_LIMIT, max=SWIGLU_LIMIT)
            a = glu * torch.sigmoid(SWIGLU_ALPHA * glu) * (lin + 1)
            y += wts[:, j:j + 1] * (torch.einsum("rdi,ri->rd", w[p + "mlp.mlp2_weight"][e], a)
                                    + w[p + "mlp.mlp2_bias"][e])
        x = x + y
    x = norm(x[-1:], w["norm.scale"])
    return x @ w["unembedding.weight"].T


def write_fixture(path, cfg, weights, prompt, steps, weights_sha256, stops=(200002, 200012)):
    """Logits of the prompt's last position (selected ids) and the greedy continuation, from reference_logits."""
    weights = {k: v.to(torch.float64) for k, v in weights.items()}
    logits = reference_logits(cfg, weights, prompt)[-1]
    top = torch.topk(logits, 20)
    ids = [int(i) for i in top.indices] + [0, 1, 220, 12345, 199999, 200000, 201087]
    greedy = []
    seq = list(prompt)
    for _ in range(steps):
        nxt = int(torch.argmax(reference_logits(cfg, weights, seq)[-1]))
        greedy.append(nxt)
        seq.append(nxt)
        if nxt in stops:
            break
    sorted_l = torch.sort(logits, descending=True).values
    fixture = {
        "weights_sha256": weights_sha256,
        "prompt": prompt,
        "logits": {str(i): float(logits[i]) for i in ids},
        "max": float(logits.max()),
        "logsumexp": float(torch.logsumexp(logits, 0)),
        "top2_margin": float(sorted_l[0] - sorted_l[1]),
        "greedy": greedy,
    }
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
    return fixture


# ----------------------------------------------------------------------------------------------------------------

def fixture_prompt(test):
    """The parity prompt: the first test sample's first-turn prompt (real ids)."""
    g = test[0]
    toks, lf = g["seqs"][0]
    return g["prefix"] + toks[:lf]


def fixture_only(args):
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.out, "config.json")) as f:
        cfg = Config(**json.load(f))
    decoded = read_safetensors(os.path.join(args.out, "model.safetensors"))
    with open(os.path.join(args.out, "model.safetensors"), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    prompt = fixture_prompt(load_split(os.path.join(args.data, "test.jsonl")))
    fx = write_fixture(args.fixture, cfg, decoded, prompt, 64, sha)
    log("fixture %s: %d prompt tokens, greedy %s, top-2 margin %.3f"
        % (args.fixture, len(prompt), fx["greedy"], fx["top2_margin"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True, help="checkpoint directory to write (original layout)")
    ap.add_argument("--fixture", help="parity fixture JSON to write")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--max-steps", type=int, default=5000, help="stop after this many steps (0: the epochs)")
    ap.add_argument("--qat-steps", type=int, default=200)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup", type=int, default=150)
    ap.add_argument("--aux", type=float, default=0.01)
    ap.add_argument("--step-samples", type=int, default=6, help="samples per optimizer step (from one group)")
    ap.add_argument("--eval-every", type=int, default=1000)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--head-dim", type=int, default=64)
    ap.add_argument("--experts", type=int, default=8)
    ap.add_argument("--top-k", type=int, default=2)
    ap.add_argument("--intermediate", type=int, default=128)
    ap.add_argument("--short-steps", type=int, default=1500,
                    help="curriculum: the first N steps train without the system/developer prefix")
    ap.add_argument("--tied", action="store_true", help="one matrix for embedding and unembedding while training")
    ap.add_argument("--no-copy-init", action="store_true", help="random initial weights, without the copy circuit")
    ap.add_argument("--save", help="also save the float32 training state (torch.save) here")
    ap.add_argument("--init", help="start from this exported checkpoint directory (a second training stage) "
                                   "instead of random weights")
    ap.add_argument("--fixture-only", action="store_true",
                    help="no training: write --fixture for the checkpoint already in --out")
    args = ap.parse_args()
    if args.fixture_only:
        fixture_only(args)
        return

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    t_start = time.time()

    train = load_split(os.path.join(args.data, "train.jsonl"))
    test = load_split(os.path.join(args.data, "test.jsonl"))
    with open(os.path.join(args.data, "vocab-extra.json")) as f:
        extra = json.load(f)["number_tokens"]
    vocab_ids = working_vocab([train, test], extra)
    index_of = {t: i for i, t in enumerate(vocab_ids)}
    n_train = sum(len(g["samples"]) for g in train)
    log("data: %d train groups (%d samples), %d test groups; working vocabulary %d ids"
        % (len(train), n_train, len(test), len(vocab_ids)))
    if any(len(set(g["prefix"])) == 0 for g in train):
        raise SystemExit("empty prefix")

    cfg = Config(num_hidden_layers=args.layers, num_experts=args.experts, experts_per_token=args.top_k,
                 hidden_size=args.hidden, intermediate_size=args.intermediate, head_dim=args.head_dim,
                 num_attention_heads=args.heads, num_key_value_heads=args.kv_heads)
    model = GptOss(cfg, vocab_ids, tied=args.tied)
    if args.init:
        load_exported(model, args.init)
        log("initialized from %s" % args.init)
    elif not args.no_copy_init:
        margin = init_copy_circuit(model, torch.Generator().manual_seed(args.seed))
        log("copy circuit installed (previous-token margin %.3f per unit amplitude)" % margin)
    n_params = sum(p.numel() for p in model.parameters())
    log("model: %s; %d trainable parameters" % (json.dumps(cfg.to_json()), n_params))

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    # One step = one chunk of --step-samples samples of a group: they share the prefix, computed once.
    chunks = []
    for g in train:
        ss = g["samples"]
        for i in range(0, len(ss), args.step_samples):
            part = ss[i: i + args.step_samples]
            chunks.append({"prefix": g["prefix"],
                           "seqs": [q for smp in part for q in g["seqs"][smp["first"]: smp["first"] + smp["n"]]]})
    train = chunks
    batcher = Batcher(train, index_of)
    test_batcher = Batcher(test, index_of)

    steps = int(len(train) * args.epochs)
    if args.max_steps:
        steps = min(steps, args.max_steps)
    total = steps + args.qat_steps
    order = []
    rng = random.Random(args.seed)
    while len(order) < total:
        perm = list(range(len(train)))
        rng.shuffle(perm)
        order.extend(perm)

    def lr_at(step):
        if step < steps:
            if step < args.warmup:
                return args.lr * (step + 1) / args.warmup
            progress = (step - args.warmup) / max(1, steps - args.warmup)
            return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))
        # QAT: a short, low constant rate then decay
        q = (step - steps) / max(1, args.qat_steps)
        return args.lr * 0.05 * (1 - 0.9 * q)

    t0 = time.time()
    ema = None
    for step in range(total):
        if step == steps:
            l, a, s = evaluate(model, test_batcher, test)
            log("before QAT: test loss %.4f, token acc %.4f, sequence acc %.4f" % (l, a, s))
            model.set_quant(True)
            l, a, s = evaluate(model, test_batcher, test)
            log("QAT on (quantized forward, no training yet): test loss %.4f, token acc %.4f, sequence acc %.4f"
                % (l, a, s))
        for pg in opt.param_groups:
            pg["lr"] = lr_at(step)
        loss, aux = group_loss(model, batcher, train[order[step]], short=step < args.short_steps)
        (loss + args.aux * aux).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step + 1 == args.short_steps:
            log("curriculum: prefix on from step %d" % (step + 1))
        if (step + 1) % 50 == 0:
            el = time.time() - t0
            log("step %d/%d loss %.4f (ema %.4f) aux %.3f lr %.2e  %.2f s/step, eta %.1f min"
                % (step + 1, total, loss.item(), ema, float(aux), lr_at(step), el / (step + 1),
                   el / (step + 1) * (total - step - 1) / 60))
        if (step + 1) % args.eval_every == 0 and step + 1 < total:
            l, a, s = evaluate(model, test_batcher, test)
            log("eval step %d: test loss %.4f, token acc %.4f, sequence acc %.4f" % (step + 1, l, a, s))
    if not model.quant:
        model.set_quant(True)
    l, a, s = evaluate(model, test_batcher, test)
    log("final (quantized forward = the export): test loss %.4f, token acc %.4f, sequence acc %.4f" % (l, a, s))
    train_seconds = time.time() - t_start

    if args.save:
        torch.save({"state": model.state_dict(), "vocab_ids": vocab_ids, "config": cfg.to_json()}, args.save)

    os.makedirs(args.out, exist_ok=True)
    tensors, values = export_tensors(model)
    write_safetensors(os.path.join(args.out, "model.safetensors"), tensors)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg.to_json(), f, indent=2)
    dtypes = {}
    for n, (dt, _, _) in tensors.items():
        dtypes[n] = "BF16" if dt == "BF16" else ("FP4" if n.endswith(".blocks") else "UE8")
    with open(os.path.join(args.out, "dtypes.json"), "w") as f:
        json.dump(dict(sorted(dtypes.items())), f, indent=2)
    log("exported %s (%d tensors)" % (args.out, len(tensors)))

    # The export must be exactly what was evaluated: decode the file and compare with the quantized training forward
    decoded = read_safetensors(os.path.join(args.out, "model.safetensors"))
    for name, v in values.items():
        if not torch.equal(decoded[name], v):
            raise SystemExit("export mismatch in " + name)
    prompt = fixture_prompt(test)
    ref = reference_logits(cfg, decoded, prompt, torch.float32)[-1]
    with torch.no_grad():
        model.eval()
        h = model.hidden(batcher.compact(prompt)[None, :], 0)[0, -1]
        mine = F.linear(h, model.p("unembedding"))
    full = torch.zeros(VOCAB)
    full[torch.tensor(vocab_ids)] = mine
    log("export check: decoded file == quantized weights; max |logit diff| training forward vs spec reference %.2e"
        % float((full - ref).abs().max()))

    if args.fixture:
        with open(os.path.join(args.out, "model.safetensors"), "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        fx = write_fixture(args.fixture, cfg, decoded, prompt, 64, sha)
        log("fixture %s: %d prompt tokens, greedy %s, top-2 margin %.3f"
            % (args.fixture, len(prompt), fx["greedy"], fx["top2_margin"]))
    log("done: training %.1f min, total %.1f min" % (train_seconds / 60, (time.time() - t_start) / 60))


if __name__ == "__main__":
    main()
