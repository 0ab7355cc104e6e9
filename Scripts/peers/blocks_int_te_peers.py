#!/usr/bin/env python3
"""Block-scheme peers for the `te`, `gptq`, `awq` and `llmcompressor` profiles.

Runs each library's own quantizer code on random binary32 tensors (several distributions, with
zeros, tiny and huge values, NaN and Inf for TE), then `octet blocks quantize --scheme S
--profile P --json`, compares every stored quantity (tensor scale, block scales, zero points,
element codes), prints examples of each disagreement, and writes the fixtures of
Tests/Fixtures/block-profiles-te-int/ that BlockProfileTEINTTests replays without python.

    /work/venv-blocks/bin/python Scripts/peers/blocks_int_te_peers.py --octet .build-prof/debug/octet \\
        [--cases 6] [--seed 7] [--fixtures Tests/Fixtures/block-profiles-te-int]

The library functions below are copied verbatim (only imports, decorators and the class
context removed; every other change is marked `# octet:`) from the commits the Swift profiles
name, since TransformerEngine does not build without CUDA, AutoGPTQ/AutoAWQ need CUDA
extensions, and the compressed-tensors release on PyPI (0.20.1) has moved past the commit the
profile transcribes and imports transformers. They are pure torch.
"""
import argparse, collections, json, os, subprocess, sys

import numpy as np
import torch

TE_REV = "NVIDIA/TransformerEngine d0067d0da6cb01811b8072a7d304f0e00344ce2b"
GPTQ_REV = "AutoGPTQ/AutoGPTQ 9f7d37072917ab3a7545835f23e808294a542153"
AWQ_REV = "casper-hansen/AutoAWQ 88e4c76b20755db275574e6a03c83c84ba3bece5"
CT_REV = "neuralmagic/compressed-tensors 52792be02ec09e59f3517104e755a02d0e003fbb"


# ============================================================ TransformerEngine
# transformer_engine/pytorch/custom_recipes/reference_nvfp4.py @ TE_REV
def cast_to_fp4x2(x):
    """Quantize a tensor to FP4 E2M1 and store in a byte tensor"""

    result = torch.zeros_like(x, dtype=torch.uint8)
    result[(x >= 0.0) & (x <= 0.25)] = 0
    result[(x > 0.25) & (x < 0.75)] = 1
    result[(x >= 0.75) & (x <= 1.25)] = 2
    result[(x > 1.25) & (x < 1.75)] = 3
    result[(x >= 1.75) & (x <= 2.5)] = 4
    result[(x > 2.5) & (x < 3.5)] = 5
    result[(x >= 3.5) & (x <= 5.0)] = 6
    result[x > 5.0] = 7

    result[(x >= -0.25) & (x < -0.0)] = 8
    result[(x < -0.25) & (x > -0.75)] = 9
    result[(x <= -0.75) & (x >= -1.25)] = 10
    result[(x < -1.25) & (x > -1.75)] = 11
    result[(x <= -1.75) & (x >= -2.5)] = 12
    result[(x < -2.5) & (x > -3.5)] = 13
    result[(x <= -3.5) & (x >= -5.0)] = 14
    result[x < -5.0] = 15

    return result[:, ::2] + result[:, 1::2] * 16


# reference_nvfp4.py NVFP4QuantizerRef._quantize_blockwise_reference @ TE_REV, the branch
# pow_2_scales=False, row_scaled_nvfp4=False, nvfp4_use_4over6=False
def te_quantize_blockwise_reference(x, global_amax, tile_len_x, tile_len_y):
    using_2d_quantization = tile_len_x == 16 and tile_len_y == 16
    m, n = x.shape
    if using_2d_quantization:
        x_blocks = (
            x.unfold(0, tile_len_y, tile_len_y)
            .unfold(1, tile_len_x, tile_len_x)
            .to(torch.float32)
        )  # (8, 8, 16, 16)
        block_amax = torch.amax(torch.abs(x_blocks), dim=(-1, -2))  # (8, 8)
        vec_max = block_amax.repeat_interleave(tile_len_y, dim=0).unsqueeze(-1)  # (128, 8, 1)
    else:
        x_reshaped = x.view(m, n // tile_len_x, tile_len_x)  # (128, 8, 16)
        vec_max = torch.amax(torch.abs(x_reshaped), dim=-1, keepdim=True).to(
            torch.float32
        )  # (128, 8, 1)
    x = x.view(m, n // tile_len_x, tile_len_x)
    FLOAT4_E2M1_MAX = torch.tensor(6.0, device=x.device, dtype=torch.float32)
    FLOAT8_E4M3_MAX = torch.tensor(448.0, device=x.device, dtype=torch.float32)
    global_scale_e4m3_max = float(448)
    GLOBAL_SCALE_E4M3_MAX = torch.tensor(
        global_scale_e4m3_max, device=x.device, dtype=torch.float32
    )
    decode_scale = torch.div(vec_max, FLOAT4_E2M1_MAX)
    global_encode_scale = torch.div(GLOBAL_SCALE_E4M3_MAX * FLOAT4_E2M1_MAX, global_amax)
    global_encode_scale = torch.min(
        global_encode_scale,
        torch.tensor(
            torch.finfo(torch.float32).max,
            device=global_encode_scale.device,
            dtype=torch.float32,
        ),
    )
    if global_encode_scale.numel() == 1:
        if global_encode_scale == torch.tensor(0.0, device=x.device, dtype=torch.float32):
            global_encode_scale = torch.tensor(1.0, device=x.device, dtype=torch.float32)
    else:
        global_encode_scale = torch.where(
            global_encode_scale == 0.0,
            torch.ones_like(global_encode_scale),
            global_encode_scale,
        )
    global_decode_scale = torch.div(1.0, global_encode_scale)
    global_encode_scale_multiplier = global_encode_scale * torch.reciprocal(FLOAT4_E2M1_MAX)
    decode_scale = vec_max * global_encode_scale_multiplier
    decode_scale = torch.min(
        decode_scale,
        torch.tensor(
            torch.finfo(torch.float32).max,
            device=decode_scale.device,
            dtype=torch.float32,
        ),
    )
    decode_scale = torch.clamp(decode_scale, min=-FLOAT8_E4M3_MAX, max=FLOAT8_E4M3_MAX)
    decode_scale = decode_scale.to(torch.float8_e4m3fn)

    encode_scale = torch.min(
        torch.div(1.0, decode_scale.to(torch.float32) * global_decode_scale),
        torch.tensor(
            torch.finfo(torch.float32).max,
            device=decode_scale.device,
            dtype=torch.float32,
        ),
    )
    scaled_x = x.to(torch.float32) * encode_scale
    clipped_x = torch.clamp(scaled_x, -FLOAT4_E2M1_MAX, FLOAT4_E2M1_MAX).reshape(m, n)
    # octet: also return global_decode_scale (the quantizer's tensor-level decode scale)
    return cast_to_fp4x2(clipped_x), decode_scale.squeeze(-1), global_decode_scale


# reference_nvfp4.py NVFP4QuantizerRef._pad_tensor @ TE_REV
def te_pad_tensor(tensor, row_divisor, col_divisor):
    M, N = tensor.shape
    padding_needed_rows = 0
    padding_needed_cols = 0
    if row_divisor is not None and M % row_divisor != 0:
        padding_needed_rows = row_divisor - (M % row_divisor)
    if col_divisor is not None and N % col_divisor != 0:
        padding_needed_cols = col_divisor - (N % col_divisor)
    if padding_needed_rows == 0 and padding_needed_cols == 0:
        return tensor
    out = torch.nn.functional.pad(
        tensor, (0, padding_needed_cols, 0, padding_needed_rows), mode="constant", value=0.0
    ).contiguous()
    return out


def lib_te_nvfp4(x, scheme):
    """NVFP4QuantizerRef._quantize, rowwise: global amax, pad, _quantize_blockwise_reference."""
    tile = (16, 16) if scheme == "nvfp4_2d" else (1, 16)
    t = torch.from_numpy(x.copy())
    global_amax_row = torch.max(torch.abs(t)).to(torch.float32).view(1)
    xp = te_pad_tensor(t, row_divisor=tile[0], col_divisor=tile[1])
    qx, sx, gds = te_quantize_blockwise_reference(xp, global_amax_row, tile[1], tile[0])
    M, N = x.shape
    p = qx.numpy()
    codes = np.stack([p & 0xF, p >> 4], axis=-1).reshape(p.shape[0], -1)[:M, :N]
    s = sx.view(torch.uint8).numpy()
    if tile[0] == 16:
        s = s[::16]   # one scale per tile (TE repeats it on each of the tile's 16 rows)
    s = s[: (M + tile[0] - 1) // tile[0], : (N + 15) // 16]
    return dict(scales=s.astype(int).tolist(), codes=codes.astype(int).tolist(), zeros=None,
                ts=int(gds.view(torch.int32).item()) & 0xFFFFFFFF)


# tests/pytorch/references/quantize_scale_calc.py @ TE_REV
def scale_from_amax_tensor(x_dtype, amax, quant_dtype, *, eps, pow_2_scales):
    assert amax.dtype == torch.float, "amax must be a float tensor."
    fp8_max = torch.finfo(quant_dtype).max
    # Clamping amax to avoid division by small numbers
    amax = torch.max(amax, torch.tensor(eps))

    # Compute scale factor
    scale = torch.div(fp8_max, amax)
    # Note frexp doesn't give back inf for exponent with an inf input
    # We take care of inf before pow_2_scales
    scale = torch.where(scale == torch.inf, torch.finfo(x_dtype).max, scale)
    if pow_2_scales:
        # Calculate rounded down exponent
        _, exp = torch.frexp(scale)
        exp = exp - 1
        # No subnormals and zero.
        assert (exp > -127).all()
        unity = torch.tensor([1.0], device=exp.device)
        torch.ldexp(unity, exp, out=scale)
        scale = torch.where(amax == float("inf"), 0.0, scale)

    # Handle overflow cases for amax zero causing NaN
    scale = torch.where(amax == 0, 1.0, scale)

    # Compute scale_inv
    scale_inv = torch.reciprocal(scale)

    return scale, scale_inv, amax


# tests/pytorch/references/blockwise_quantizer_reference.py @ TE_REV
# BlockwiseQuantizerReference._quantize_square_block_tiling (return_transpose=False)
def te_quantize_square_block_tiling(x, quant_dtype, tile_len, *, pow_2_scales, eps):
    M, K = x.shape

    pad_m_k = [0, 0]
    if K % tile_len != 0:
        pad_m_k[1] = tile_len - (K % tile_len)
    if M % tile_len != 0:
        pad_m_k[0] = tile_len - (M % tile_len)

    unpadded_m, unpadded_k = M, K
    if pad_m_k[0] != 0 or pad_m_k[1] != 0:
        x = torch.nn.functional.pad(
            x, (0, pad_m_k[1], 0, pad_m_k[0]), mode="constant", value=0
        ).contiguous()
        M, K = x.shape

    x_tiled = x.reshape(M // tile_len, tile_len, K // tile_len, tile_len)
    amax_grid = (
        torch.abs(x_tiled.transpose(-3, -2))
        .reshape(M // tile_len, K // tile_len, tile_len**2)
        .amax(dim=-1)
    ).float()
    dtype_max = torch.finfo(quant_dtype).max

    scale, scale_inv, _ = scale_from_amax_tensor(
        x_dtype=x.dtype,
        amax=amax_grid,
        quant_dtype=quant_dtype,
        pow_2_scales=pow_2_scales,
        eps=eps,
    )
    qx = x_tiled * scale.reshape(M // tile_len, 1, K // tile_len, 1)
    qx = torch.clamp(qx, min=-dtype_max, max=dtype_max)
    qx = qx.to(dtype=quant_dtype)
    qx = qx.reshape(M, K)
    if unpadded_k != K or unpadded_m != M:
        qx = qx[:unpadded_m, :unpadded_k].contiguous()
    return qx, scale_inv


# BlockwiseQuantizerReference._quantize_vectorwise_reference @ TE_REV
def te_quantize_vectorwise_reference(x, quant_dtype, tile_len, *, pow_2_scales, eps):
    M, K = x.shape
    dtype_max = torch.finfo(quant_dtype).max
    x_tiled = x.reshape(M, K // tile_len, tile_len)
    amax_grid = torch.abs(x_tiled).amax(dim=-1).float()
    scale, scale_inv, _ = scale_from_amax_tensor(
        x_dtype=x.dtype,
        amax=amax_grid,
        quant_dtype=quant_dtype,
        pow_2_scales=pow_2_scales,
        eps=eps,
    )
    qx = x_tiled * scale.reshape(M, K // tile_len, 1)
    qx = torch.clamp(qx, min=-dtype_max, max=dtype_max)
    qx = qx.to(dtype=quant_dtype)
    qx = qx.reshape(M, K)
    return qx, scale_inv


# BlockwiseQuantizerReference._quantize_vector_tiling (return_transpose=False) @ TE_REV
def te_quantize_vector_tiling(x, quant_dtype, tile_len, *, pow_2_scales, eps):
    M, K = x.shape
    if K % tile_len == 0:
        qref_input = x
    else:
        pad_amount = tile_len - (K % tile_len)
        pad = (0, pad_amount)
        qref_input = torch.nn.functional.pad(x, pad, mode="constant", value=0)
    qout_padded, scale_inv = te_quantize_vectorwise_reference(
        qref_input, quant_dtype, tile_len=tile_len, pow_2_scales=pow_2_scales, eps=eps)
    if K % tile_len == 0:
        qout = qout_padded
    else:
        qout = qout_padded[:, :K].contiguous()
    return qout, scale_inv


def lib_te_fp8(x, scheme):
    """BlockwiseQuantizerReference.quantize(x, float8_e4m3fn, eps=0.0 (Float8BlockScaling's
    amax_epsilon), pow_2_scales, quant_tile_shape, munge_scale_shapes=False)."""
    pow2 = scheme.endswith("_pow2")
    t = torch.from_numpy(x.copy())
    if scheme.startswith("fp8_1x128"):
        qx, sinv = te_quantize_vector_tiling(t, torch.float8_e4m3fn, 128, pow_2_scales=pow2, eps=0.0)
    else:
        qx, sinv = te_quantize_square_block_tiling(t, torch.float8_e4m3fn, 128, pow_2_scales=pow2, eps=0.0)
    codes = qx.view(torch.uint8).numpy().astype(int)
    si = sinv.numpy().astype(np.float32)
    if pow2:
        # the E8M0 code of the power-of-two scale_inv; +inf → 0xFF (Specs/blocks.md §6)
        m, e = np.frexp(np.where(np.isfinite(si), si, 1).astype(np.float64))
        assert np.all((m == 0.5) | ~np.isfinite(si)), "TE pow2 scale_inv not a power of two"
        scales = np.where(np.isfinite(si), e - 1 + 127, 255).astype(int)
    else:
        scales = si.view(np.uint32).astype(np.int64)
    return dict(scales=scales.tolist(), codes=codes.tolist(), zeros=None, ts=None)


# ============================================================ AutoGPTQ
# auto_gptq/quantization/quantizer.py @ GPTQ_REV
def gptq_quantize(x, scale, zero, maxq):
    if maxq < 0:
        return (x > scale / 2).float() * scale + (x < zero / 2).float() * zero
    q = torch.clamp(torch.round(x / scale) + zero, 0, maxq)
    return scale * (q - zero)


class GPTQQuantizer(torch.nn.Module):
    def __init__(self, shape=1):
        super(GPTQQuantizer, self).__init__()
        self.register_buffer("maxq", torch.tensor(0))
        self.register_buffer("scale", torch.zeros(shape))
        self.register_buffer("zero", torch.zeros(shape))

    def configure(self, bits, perchannel=False, sym=True, mse=False, norm=2.4, grid=100, maxshrink=0.8, trits=False):
        self.maxq = torch.tensor(2**bits - 1)
        self.perchannel = perchannel
        self.sym = sym
        self.mse = mse
        self.norm = norm
        self.grid = grid
        self.maxshrink = maxshrink
        if trits:
            self.maxq = torch.tensor(-1)

    def find_params(self, x, weight=False):
        dev = x.device
        self.maxq = self.maxq.to(dev)

        shape = x.shape
        if self.perchannel:
            if weight:
                x = x.flatten(1)
            else:
                raise NotImplementedError  # octet: only the weight path is used
        else:
            x = x.flatten().unsqueeze(0)

        tmp = torch.zeros(x.shape[0], device=dev)
        xmin = torch.minimum(x.min(1)[0], tmp)
        xmax = torch.maximum(x.max(1)[0], tmp)

        if self.sym:
            xmax = torch.maximum(torch.abs(xmin), xmax)
            tmp = xmin < 0
            if torch.any(tmp):
                xmin[tmp] = -xmax[tmp]
        tmp = (xmin == 0) & (xmax == 0)
        xmin[tmp] = -1
        xmax[tmp] = +1

        if self.maxq < 0:
            self.scale = xmax
            self.zero = xmin
        else:
            self.scale = (xmax - xmin) / self.maxq
            if self.sym:
                self.zero = torch.full_like(self.scale, (self.maxq + 1) / 2)
            else:
                self.zero = torch.round(-xmin / self.scale)
        # octet: mse=False and perchannel=True, so the grid search and repeat are skipped
        if weight:
            shape = [-1] + [1] * (len(shape) - 1)
            self.scale = self.scale.reshape(shape)
            self.zero = self.zero.reshape(shape)
            return


def lib_gptq(x, scheme):
    """GPTQ.fasterquant's group path without the Hessian update: for each group of columns,
    quantizer.find_params(W[:, i:i+g], weight=True), then quantize(); q recovered exactly."""
    bits = 4 if scheme.startswith("int4") else 8
    g = int(scheme.split("_g")[1].split("_")[0])
    sym = not scheme.endswith("_asym")
    W = torch.from_numpy(x.copy())
    scales, zeros, codes = [], [], np.zeros(x.shape, dtype=int)
    for i in range(0, W.shape[1], g):
        qz = GPTQQuantizer()
        qz.configure(bits, perchannel=True, sym=sym, mse=False)
        qz.find_params(W[:, i:i + g], weight=True)
        deq = gptq_quantize(W[:, i:i + g], qz.scale, qz.zero, qz.maxq)
        s = qz.scale.numpy().reshape(-1).astype(np.float32)
        z = qz.zero.numpy().reshape(-1).astype(np.float64)
        # q = deq / scale + zero, exactly an integer after rounding (|q - z| <= maxq)
        q = np.rint(deq.numpy().astype(np.float64) / s[:, None].astype(np.float64) + z[:, None]).astype(int)
        if sym:
            q = (q - (1 << (bits - 1))) & ((1 << bits) - 1)
        codes[:, i:i + g] = q
        scales.append(s.view(np.uint32).astype(np.int64))
        zeros.append(z.astype(int))
    sc = np.stack(scales, axis=1)
    zz = None if sym else np.stack(zeros, axis=1).tolist()
    return dict(scales=sc.tolist(), codes=codes.tolist(), zeros=zz, ts=None)


# ============================================================ AutoAWQ
# awq/quantize/quantizer.py AwqQuantizer.pseudo_quantize_tensor @ AWQ_REV (self.* as arguments)
def awq_pseudo_quantize_tensor(w, group_size, zero_point, w_bit):
    org_w_shape = w.shape
    if group_size > 0:
        assert org_w_shape[-1] % group_size == 0, f"org_w_shape ({org_w_shape[-1]}) must be a multiple of group_size ({group_size})!"
        w = w.reshape(-1, group_size)
    assert w.dim() == 2
    assert torch.isnan(w).sum() == 0

    # zero point quantization
    if zero_point:
        max_val = w.amax(dim=1, keepdim=True)
        min_val = w.amin(dim=1, keepdim=True)
        max_int = 2**w_bit - 1
        min_int = 0
        scales = (max_val - min_val).clamp(min=1e-5) / max_int
        zeros = (-torch.round(min_val / scales)).clamp_(min_int, max_int)
        w = (
            torch.clamp(torch.round(w / scales) + zeros, min_int, max_int) - zeros
        ) * scales
        zeros = zeros.view(org_w_shape[0], -1)
    else:
        max_val = w.abs().amax(dim=1, keepdim=True)
        max_val = max_val.clamp(min=1e-5)
        max_int = 2 ** (w_bit - 1) - 1
        min_int = -(2 ** (w_bit - 1))
        scales = max_val / max_int
        zeros = None
        w = torch.clamp(torch.round(w / scales), min_int, max_int) * scales

    assert torch.isnan(scales).sum() == 0
    assert torch.isnan(w).sum() == 0

    scales = scales.view(org_w_shape[0], -1)
    w = w.reshape(org_w_shape)

    return w, scales, zeros


def lib_awq(x, scheme):
    bits = 4 if scheme.startswith("int4") else 8
    g = int(scheme.split("_g")[1].split("_")[0])
    zp = scheme.endswith("_asym")
    w, s, z = awq_pseudo_quantize_tensor(torch.from_numpy(x.copy()), g, zp, bits)
    s = s.numpy().astype(np.float32)
    srep = np.repeat(s, g, axis=1).astype(np.float64)
    if zp:
        zn = z.numpy().astype(np.float64)
        q = np.rint(w.numpy().astype(np.float64) / srep + np.repeat(zn, g, axis=1)).astype(int)
        zeros = zn.astype(int).tolist()
    else:
        q = np.rint(w.numpy().astype(np.float64) / srep).astype(int) & ((1 << bits) - 1)
        zeros = None
    return dict(scales=s.view(np.uint32).astype(np.int64).tolist(), codes=q.tolist(), zeros=zeros, ts=None)


# ============================================================ compressed-tensors
# src/compressed_tensors/quantization/utils/helpers.py @ CT_REV: calculate_range (INT branch)
# and calculate_qparams (INT branches; global_scale None); lifecycle/forward.py _quantize;
# quant_args.py round_to_quantized_type (INT branch). `args` carries num_bits, symmetric.
def ct_calculate_range(quantization_args, device):
    bit_range = 2**quantization_args.num_bits
    q_max = torch.tensor(bit_range / 2 - 1, device=device)
    q_min = torch.tensor(-bit_range / 2, device=device)
    return q_min, q_max


def ct_calculate_qparams(min_vals, max_vals, quantization_args):
    min_vals = torch.min(min_vals, torch.zeros_like(min_vals))
    max_vals = torch.max(max_vals, torch.zeros_like(max_vals))

    device = min_vals.device

    bit_min, bit_max = ct_calculate_range(quantization_args, device)
    bit_range = bit_max - bit_min
    zp_dtype = torch.int8  # octet: quantization_args.pytorch_dtype() for INT ≤ 8 bits

    if quantization_args.symmetric:
        max_val_pos = torch.max(torch.abs(min_vals), torch.abs(max_vals))
        scales = max_val_pos / (float(bit_range) / 2)
        scales = torch.clamp(scales, min=torch.finfo(torch.float32).eps)
        zero_points = torch.zeros(scales.shape, device=device, dtype=min_vals.dtype)
    else:
        scales = (max_vals - min_vals) / float(bit_range)
        scales = torch.clamp(scales, min=torch.finfo(torch.float32).eps)
        zero_points = bit_min - (min_vals / scales)
        zero_points = torch.clamp(zero_points, bit_min, bit_max)

    # match zero-points to quantized type
    # if casting to int, use round instead of truncate
    zero_points = torch.round(zero_points)
    zero_points = zero_points.to(zp_dtype)

    if scales.ndim == 0:
        scales = scales.reshape(1)
        zero_points = zero_points.reshape(1)

    return scales, zero_points


def ct_quantize(x, scale, zero_point, q_min, q_max, args, dtype=None):
    scaled = x / scale

    if zero_point is not None:
        scaled += zero_point.to(x.dtype)

    # clamp first because cast isn't guaranteed to be saturated (ie for fp8)
    clamped_value = torch.clamp(
        scaled,
        q_min,
        q_max,
    )
    quantized_value = torch.round(clamped_value).to(clamped_value.dtype)  # octet: round_to_quantized_type, INT

    if dtype is not None:
        quantized_value = quantized_value.to(dtype)

    return quantized_value


class CTArgs:
    def __init__(self, num_bits, symmetric):
        self.num_bits, self.symmetric = num_bits, symmetric


def lib_llmcompressor(x, scheme):
    """A MinMax observer per group (torch.amin/amax over each group of g along the row), then
    calculate_qparams and _quantize (strategy group)."""
    bits = 4 if scheme.startswith("int4") else 8
    g = int(scheme.split("_g")[1].split("_")[0])
    sym = not scheme.endswith("_asym")
    args = CTArgs(bits, sym)
    W = torch.from_numpy(x.copy())
    qmin, qmax = ct_calculate_range(args, "cpu")
    scales, zeros, codes = [], [], np.zeros(x.shape, dtype=int)
    off = 1 << (bits - 1)
    for i in range(0, W.shape[1], g):
        grp = W[:, i:i + g]
        s, z = ct_calculate_qparams(torch.amin(grp, dim=1, keepdim=True), torch.amax(grp, dim=1, keepdim=True), args)
        q = ct_quantize(grp, s, z, qmin, qmax, args).numpy().astype(int)
        if sym:
            codes[:, i:i + g] = q & ((1 << bits) - 1)
        else:
            codes[:, i:i + g] = q + off
        scales.append(s.numpy().reshape(-1).astype(np.float32).view(np.uint32).astype(np.int64))
        zeros.append(z.numpy().reshape(-1).astype(int) + off)
    return dict(scales=np.stack(scales, axis=1).tolist(), codes=codes.tolist(),
                zeros=None if sym else np.stack(zeros, axis=1).tolist(), ts=None)


# ============================================================ tensors
def tensors(kind, rng, rows, cols):
    if kind == "normal":
        x = rng.standard_normal((rows, cols)) * 10.0 ** rng.uniform(-3, 3)
    elif kind == "heavy":
        x = rng.standard_t(1.3, (rows, cols)) * 10.0 ** rng.uniform(-2, 2)
        x *= np.where(rng.random((rows, cols)) < 0.02, 10.0 ** rng.uniform(1, 4), 1.0)
    elif kind == "lognormal":
        x = np.exp(rng.normal(0, 4, (rows, cols))) * rng.choice([-1, 1], (rows, cols))
    elif kind == "positive":
        x = np.abs(rng.standard_normal((rows, cols))) * 10.0 ** rng.uniform(-2, 2) + rng.uniform(0, 3)
    elif kind == "grid":
        # multiples of a power of two: exact quotients, ties of x/s at half-integers
        s = 2.0 ** int(rng.integers(-12, 12))
        x = rng.integers(-32, 33, (rows, cols)) * s / 2
    elif kind == "tiny":
        x = rng.standard_normal((rows, cols)) * 2.0 ** rng.uniform(-126, -100)
    elif kind == "huge":
        x = rng.standard_normal((rows, cols)) * 10.0 ** rng.uniform(30, 37.5)
        x = np.clip(x, -3.4e38, 3.4e38)
    elif kind == "zeros":
        x = rng.standard_normal((rows, cols)) * 10.0 ** rng.uniform(-2, 2)
        for r in range(rows):
            for b in range(0, cols, 16):
                if rng.random() < 0.4:
                    x[r, b:b + 16] = 0.0
                    x[r, b:b + 16:3] = -0.0
        if rng.random() < 0.3:
            x[:] = 0.0
            x[:, ::5] = -0.0
        x = np.where(rng.random((rows, cols)) < 0.1, -0.0, x)
    elif kind == "specials":
        x = rng.standard_normal((rows, cols))
        for _ in range(3):
            x[int(rng.integers(0, rows)), int(rng.integers(0, cols))] = rng.choice([np.inf, -np.inf, np.nan, -np.nan])
    else:
        raise ValueError(kind)
    x = np.asarray(x, dtype=np.float32)
    if kind not in ("grid", "zeros", "specials"):
        # nudge half the values by up to 3 ulps
        u = x.view(np.uint32).astype(np.int64)
        nz = (u & 0x7FFFFFFF) != 0
        u = np.where(nz & (rng.random(x.shape) < 0.5), u + rng.integers(-3, 4, x.shape), u)
        x = u.astype(np.uint32).view(np.float32)
    return x


KINDS = ["normal", "heavy", "lognormal", "positive", "grid", "tiny", "huge", "zeros"]


# ============================================================ octet
def octet(path, x, scheme, profile):
    lines = "\n".join(",".join("f32:%08X" % b for b in row.view(np.uint32)) for row in x) + "\n"
    p = subprocess.run([path, "blocks", "quantize", "--scheme", scheme, "--profile", profile, "--json"],
                       input=lines, capture_output=True, text=True)
    if p.returncode != 0:
        return dict(error=p.stderr.strip())
    j = json.loads(p.stdout)
    ts = j.get("tensor_scale_bits")
    rows = j["rows"]
    two_d = scheme in ("nvfp4_2d", "fp8_128x128", "fp8_128x128_pow2")
    step = {"nvfp4_2d": 16}.get(scheme, 128) if two_d else 1
    scales = [[int(s, 16) for s in r["scales"]] for r in rows][::step]
    zeros = None
    if "zero_points" in rows[0]:
        zeros = [[int(z, 16) for z in r["zero_points"]] for r in rows][::step]
    return dict(scales=scales, codes=[[int(c, 16) for c in r["codes"]] for r in rows], zeros=zeros,
                ts=None if ts is None else int(ts, 16))


def compare(a, b):
    d = []
    if a["ts"] != b["ts"]:
        d.append(("tensor scale", 0, 0, a["ts"], b["ts"]))
    for key in ("scales", "zeros", "codes"):
        if (a[key] is None) != (b[key] is None):
            d.append((key, 0, 0, a[key] is None, b[key] is None))
            continue
        if a[key] is None:
            continue
        if len(a[key]) != len(b[key]):
            d.append((key + " shape", 0, 0, len(a[key]), len(b[key])))
            continue
        for r, (p, q) in enumerate(zip(a[key], b[key])):
            if len(p) != len(q):
                d.append((key + " shape", r, 0, len(p), len(q)))
                continue
            for c, (u, v) in enumerate(zip(p, q)):
                if u != v:
                    d.append((key, r, c, u, v))
    return d


def quantities(L):
    n = sum(len(r) for r in L["scales"]) + sum(len(r) for r in L["codes"]) + (1 if L["ts"] is not None else 0)
    if L["zeros"] is not None:
        n += sum(len(r) for r in L["zeros"])
    return n


CONFIGS = [
    ("te", "nvfp4", lib_te_nvfp4, (4, 64), True),
    ("te", "nvfp4_2d", lib_te_nvfp4, (40, 56), True),
    ("te", "fp8_1x128", lib_te_fp8, (3, 320), True),
    ("te", "fp8_1x128_pow2", lib_te_fp8, (3, 320), True),
    ("te", "fp8_128x128", lib_te_fp8, (130, 136), True),
    ("te", "fp8_128x128_pow2", lib_te_fp8, (130, 136), True),
]
for _lib, _fn in (("gptq", lib_gptq), ("awq", lib_awq), ("llmcompressor", lib_llmcompressor)):
    for _s in ("int4_g128", "int4_g128_asym", "int8_g128", "int8_g128_asym", "int4_g32", "int4_g32_asym"):
        CONFIGS.append((_lib, _s, _fn, (4, 256), False))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--octet", default=".build-prof/debug/octet")
    ap.add_argument("--cases", type=int, default=6, help="tensors per distribution per configuration")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--fixtures", default="Tests/Fixtures/block-profiles-te-int")
    ap.add_argument("--fixture-cases", type=int, default=1)
    ap.add_argument("--only", default=None, help="a profile name: run only its configurations")
    args = ap.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(args.seed)
    stats = collections.OrderedDict()
    examples = collections.defaultdict(list)
    fixtures = collections.defaultdict(list)
    for lib, scheme, fn, shape, nan_ok in CONFIGS:
        if args.only and lib != args.only:
            continue
        st = stats.setdefault((lib, scheme), dict(cases=0, quantities=0, disagree=0, refused=0))
        kinds = KINDS + (["specials"] if nan_ok else [])
        for kind in kinds:
            for i in range(args.cases):
                x = tensors(kind, rng, shape[0], shape[1])
                try:
                    L = fn(x, scheme)
                except AssertionError as e:
                    L = dict(error=f"library assertion: {e}")
                P = octet(args.octet, x, scheme, lib)
                st["cases"] += 1
                if "error" in L and "error" in P:
                    st["refused"] += 1
                    examples[(lib, scheme, "refused")].append(f"{kind}: library {L['error']}; octet {P['error']}")
                    continue
                if "error" in L or "error" in P:
                    # one side refuses what the other quantizes: a disagreement, not a refusal
                    st["disagree"] += 1
                    examples[(lib, scheme, "disagree")].append(f"{kind}: library {L.get('error', 'ok')}; octet {P.get('error', 'ok')}")
                    continue
                st["quantities"] += quantities(L)
                d = compare(L, P)
                st["disagree"] += len(d)
                for (w, r, c, lv, pv) in d[:3]:
                    examples[(lib, scheme, "disagree")].append(f"{kind}: {w} row {r} col {c}: library {lv}, octet {pv}")
                if i < args.fixture_cases and (shape[0] * shape[1] <= 4096 or kind in ("normal", "zeros", "specials")):
                    fixtures[lib].append((scheme, kind, x, L))
    os.makedirs(args.fixtures, exist_ok=True)
    revs = dict(te=TE_REV, gptq=GPTQ_REV, awq=AWQ_REV, llmcompressor=CT_REV)
    for lib, cases in fixtures.items():
        with open(os.path.join(args.fixtures, f"{lib}.txt"), "w") as f:
            f.write(f"# {lib} outputs of the library code copied in Scripts/peers/blocks_int_te_peers.py from {revs[lib]} "
                    f"(torch {torch.__version__}), seed {args.seed}\n")
            f.write("# scheme kind | input rows (binary32 hex, 8 digits each, rows split by ';') | tensor scale bits or - "
                    "| scale codes (8 hex digits each; 2-D schemes one row per tile row) | zero-point codes (2 hex digits) or - "
                    "| element codes (2 hex digits)\n")
            f.write(f"# cases: {len(cases)}\n")
            for scheme, kind, x, L in cases:
                rows = ";".join("".join("%08X" % b for b in row.view(np.uint32)) for row in x)
                scales = ";".join("".join("%08X" % s for s in row) for row in L["scales"])
                zeros = "-" if L["zeros"] is None else ";".join("".join("%02X" % z for z in row) for row in L["zeros"])
                codes = ";".join("".join("%02X" % c for c in row) for row in L["codes"])
                ts = "-" if L["ts"] is None else "%08X" % L["ts"]
                f.write(f"{scheme} {kind} | {rows} | {ts} | {scales} | {zeros} | {codes}\n")
    print("| profile | scheme | tensors | refused (both sides) | quantities compared | profile ≠ library |")
    print("| --- | --- | --- | --- | --- | --- |")
    tot = collections.Counter()
    for (lib, scheme), st in stats.items():
        print(f"| {lib} | `{scheme}` | {st['cases']} | {st['refused']} | {st['quantities']} | {st['disagree']} |")
        for k in st:
            tot[(lib, k)] += st[k]
    print()
    for lib in dict.fromkeys(l for l, _ in stats):
        print(f"{lib}: {tot[(lib, 'cases')]} tensors, {tot[(lib, 'quantities')]} quantities, "
              f"{tot[(lib, 'disagree')]} disagreements, {tot[(lib, 'refused')]} refused")
    for k, v in examples.items():
        print(k, len(v), v[:4])


if __name__ == "__main__":
    main()
