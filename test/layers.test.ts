// Layers whose fast form must compute what their plain form does, on the reference backend: the
// stacked linear layers (a U-Net's time-embedding projections, one GEMM) against each layer alone,
// a convolution reading its input through a norm's affine against the affine, then the convolution, and
// a norm taking an input offset (a resnet's time embedding) against the norm of the sum written out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { Conv2d, GroupNorm, Linear, StackedLinear } from '../src/models/layers.js';
import { Params, type WeightSource } from '../src/models/params.js';
import { DenseContext } from '../src/models/step-context.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Random } from '../src/util/random.js';

/** Random weights of any name and shape, the same for a name each time it is read. */
function randomWeights(seed: number): WeightSource {
  const made = new Map<string, Float32Array>();
  return {
    has: () => true,
    read(name, shape) {
      const n = shape.reduce((a, d) => a * d, 1);
      let w = made.get(name);
      if (!w) made.set(name, (w = new Random(seed + made.size).normal(n).map((v) => v * 0.1)));
      assert.equal(w.length, n, `${name} read with another shape`);
      return w;
    },
  };
}

const cpu = new CpuBackend();

describe('StackedLinear', () => {
  it('gives each layer what the layer alone computes, bit for bit, by name', () => {
    const p = new Params(cpu, randomWeights(1));
    const parts = ['a.time_emb_proj', 'b.time_emb_proj', 'c.time_emb_proj'].map((n) => p.at(n));
    const outs = [3, 8, 5];
    const stacked = new StackedLinear(parts, 7, outs);
    assert.deepEqual(stacked.names, ['a.time_emb_proj', 'b.time_emb_proj', 'c.time_emb_proj']);
    const x = cpu.fromHost(new Random(9).normal(2 * 7), [2, 7]);
    const ys = stacked.forward(x);
    parts.forEach((part, i) => {
      const alone = new Linear(part, 7, outs[i]!).forward(x);
      const y = ys.get(part.name)!;
      assert.deepEqual(y.shape, [2, outs[i]]);
      assert.deepEqual(cpu.toHost(y), cpu.toHost(alone), part.name);
    });
  });

  it('declares every tensor it hands out a parameter of the backend (tensor, stacked, convolution weight)', () => {
    const declared = new Set<Tensor>();
    const spy = Object.assign(Object.create(cpu) as CpuBackend, { parameter: (t: Tensor) => (declared.add(t), t) });
    const p = new Params(spy, randomWeights(4));
    const handed = [p.tensor('a.weight', [3, 7]), Params.stacked([p.at('a'), p.at('b')], 'weight', [[3, 7], [4, 7]]), p.convWeight('c.weight', [2, 3, 3, 3])];
    assert.deepEqual([...declared], handed);
  });

  it('refuses modules whose weights do not stack', () => {
    const p = new Params(cpu, randomWeights(2));
    assert.throws(() => Params.stacked([p.at('a'), p.at('b')], 'weight', [[3, 7], [4, 6]]), /Params.stacked/);
    assert.throws(() => Params.stacked([], 'weight', []), /Params.stacked/);
  });

  it('splitChannels refuses widths that do not add up to the channels', () => {
    const x = cpu.fromHost(new Float32Array(12), [2, 6]);
    assert.throws(() => cpu.splitChannels(x, [2, 3]), /splitChannels: widths 2 \+ 3 for 6 channels/);
    assert.throws(() => cpu.splitChannels(x, [6, 0]), /splitChannels/);
  });
});

describe('linear and conv2d', () => {
  it('refuses a weight, input, bias or residual that does not fit, naming which', () => {
    const zeros = (shape: number[]) => cpu.fromHost(new Float32Array(shape.reduce((a, d) => a * d, 1)), shape);
    const x = zeros([2, 3]), w = zeros([4, 3]);
    assert.deepEqual(cpu.linear(x, w, zeros([4]), zeros([2, 4])).shape, [2, 4]);
    assert.throws(() => cpu.linear(x, w, zeros([5])), /linear: bias of 5 values for 4 outputs/);
    assert.throws(() => cpu.linear(x, w, undefined, zeros([2, 3])), /linear: residual \[2, 3\] does not match the output \[2, 4\]/);
    assert.throws(() => cpu.linear(x, zeros([3, 4])), /linear: input has 3 features, weight \[3, 4\] expects 4/);
    assert.throws(() => cpu.linear(x, zeros([4, 3, 1])), /linear: weight \[4, 3, 1\] is not \[outputs, inputs\]/);
  });

  it('conv2d refuses a weight, bias or residual that does not fit, and a kernel larger than its padded input, naming which', () => {
    const zeros = (shape: number[]) => cpu.fromHost(new Float32Array(shape.reduce((a, d) => a * d, 1)), shape);
    const x = zeros([1, 4, 4, 2]), w = cpu.convWeight(new Float32Array(3 * 2 * 9), [3, 2, 3, 3]);
    assert.deepEqual(cpu.conv2d(x, w, zeros([3]), { padding: 1 }, zeros([1, 4, 4, 3])).shape, [1, 4, 4, 3]);
    assert.throws(() => cpu.conv2d(x, w, zeros([2]), { padding: 1 }), /conv2d: bias of 2 values for 3 output channels/);
    assert.throws(() => cpu.conv2d(x, w, undefined, { padding: 1 }, zeros([1, 4, 4, 2])), /conv2d: residual/);
    assert.throws(() => cpu.conv2d(zeros([1, 4, 4, 5]), w, undefined), /conv2d: input has 5 channels, weight expects 2/);
    assert.throws(() => cpu.conv2d(zeros([1, 2, 2, 2]), w, undefined), /conv2d: a 3x3 kernel does not fit a 2x2 input padded by \[0, 0, 0, 0\]/);
  });
});

describe('Conv2d reading its input through a norm', () => {
  it('equals the norm applied first, then the convolution', () => {
    const p = new Params(cpu, randomWeights(3));
    const norm = new GroupNorm(p.at('norm'), 2, 4, 1e-5), conv = new Conv2d(p.at('conv'), 4, 3, 3);
    const x = cpu.fromHost(new Random(5).normal(2 * 5 * 6 * 4), [2, 5, 6, 4]);
    for (const silu of [false, true]) {
      const want = conv.forward(norm.forward(x, silu));
      const got = conv.forward(x, undefined, { affine: norm.affine(x), silu });
      assert.deepEqual(cpu.toHost(got), cpu.toHost(want), `silu ${silu}`);
    }
    assert.deepEqual(cpu.toHost(conv.forward(x, undefined, { affine: undefined, silu: true })), cpu.toHost(conv.forward(cpu.silu(x))), 'SiLU alone');
  });

  it('with an input offset (a resnet\'s time embedding), equals the norm of x + offset, the sum never written; no offset without a norm', () => {
    const p = new Params(cpu, randomWeights(4));
    const norm = new GroupNorm(p.at('norm'), 2, 4, 1e-5), conv = new Conv2d(p.at('conv'), 4, 3, 3);
    const rnd = new Random(6), x = cpu.fromHost(rnd.normal(2 * 5 * 6 * 4), [2, 5, 6, 4]), offset = cpu.fromHost(rnd.normal(8), [2, 4]);
    const xs = cpu.toHost(x), os = cpu.toHost(offset);
    const sum = cpu.fromHost(xs.map((v, i) => v + os[Math.floor(i / 120) * 4 + (i % 4)]!), x.shape);
    const ctx = new DenseContext(cpu);
    const want = cpu.toHost(conv.forward(norm.forward(sum, true))), got = cpu.toHost(ctx.conv(conv, x, norm, true, undefined, offset));
    assert.ok(got.every((v, i) => Math.abs(v - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!))), 'conv(silu(norm(x + offset)))');
    assert.throws(() => ctx.conv(conv, x, undefined, false, undefined, offset), /an input offset without a norm/);
  });
});
