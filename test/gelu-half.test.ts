// The cuda backend's GELU in half storage (kernels/storage.cuh, gelu_f under FISEDIT_HALF) is a
// polynomial and an exp2, not erff. Its constants are read from the kernel source and the formula
// evaluated here in float32 arithmetic over every finite half gate, against the exact GELU: the
// accuracy its comment states, checked without a GPU.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { erfc } from '../src/backend/cpu/cpu.js';
import { KERNEL_DIR } from '../src/backend/cuda/kernels.js';
import { floatToHalf, halfToFloat } from '../src/tensor/dtype.js';

const f32 = Math.fround;

/** The half build's gelu_f body: its clamp of u and its polynomial's coefficients, highest degree first. */
function halfGelu(): { clamp: number; coefficients: number[] } {
  const source = readFileSync(join(KERNEL_DIR, 'storage.cuh'), 'utf8');
  const body = /#ifdef FISEDIT_HALF[\s\S]*?float gelu_f\(float v\) \{([\s\S]*?)\n\}/.exec(source)?.[1];
  assert.ok(body, 'storage.cuh: no gelu_f in the FISEDIT_HALF build');
  const clamp = /fminf\(fabsf\(v\) \* 0\.70710678118654752f, ([-0-9.e]+)f\)/.exec(body)?.[1];
  const first = /float p = ([-0-9.e]+)f;/.exec(body)?.[1];
  assert.ok(clamp && first, 'gelu_f: its clamp or first coefficient not found');
  const rest = [...body.matchAll(/p = fmaf\(p, u, ([-0-9.e]+)f\);/g)].map((m) => Number(m[1]));
  return { clamp: Number(clamp), coefficients: [Number(first), ...rest] };
}

/** gelu_f as the GPU computes it, in float32 (an FMA as one rounding; ex2.approx as exact). */
function gpuGelu(v: number, clamp: number, coefficients: number[]): number {
  const u = f32(Math.min(f32(Math.abs(v) * f32(Math.SQRT1_2)), clamp));
  let p = f32(coefficients[0]!);
  for (const c of coefficients.slice(1)) p = f32(p * u + f32(c));
  const h = f32(2 ** p);
  return f32(v * (v >= 0 ? f32(1 - h) : h));
}

const exactGelu = (v: number) => 0.5 * v * erfc(-v * Math.SQRT1_2);

describe('the GELU of half storage (cuda)', () => {
  it('is within 6e-6 of the exact GELU over every finite half gate, and rounds to its half for 99.8% of them', () => {
    const { clamp, coefficients } = halfGelu();
    assert.equal(coefficients.length, 8, 'a polynomial of degree 7');
    let worst = 0, worstAt = 0, counted = 0, sameHalf = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = halfToFloat(bits);
      if (!Number.isFinite(v)) continue;
      const exact = exactGelu(v), ours = gpuGelu(v, clamp, coefficients);
      if (Math.abs(exact) < 2 ** -24) continue; // below the smallest half
      counted++;
      const rel = Math.abs(ours - exact) / Math.abs(exact);
      if (rel > worst) [worst, worstAt] = [rel, v];
      if (floatToHalf(ours) === floatToHalf(exact)) sameHalf++;
    }
    assert.ok(counted > 40000, `${counted} gates counted`);
    assert.ok(worst <= 6e-6, `relative error ${worst.toExponential(2)} at gate ${worstAt}`);
    assert.ok(sameHalf / counted >= 0.998, `${((100 * sameHalf) / counted).toFixed(2)}% round to the exact GELU's half`);
  });

  it('gives 0 at 0, the gate itself for large gates and 0 for very negative ones', () => {
    const { clamp, coefficients } = halfGelu();
    assert.equal(gpuGelu(0, clamp, coefficients), 0);
    assert.equal(gpuGelu(65504, clamp, coefficients), 65504);
    assert.equal(floatToHalf(gpuGelu(-20, clamp, coefficients)) & 0x7fff, 0);
  });
});
