// The cuda backend's work beside the ops: the sampling loop's latents and the automatic mask on the
// device, replayable calls as CUDA graphs (snapshots and asides on branches), transfers to and from the host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CudaBackend } from '../../src/backend/cuda/cuda.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { floatToHalf, halfToFloat } from '../../src/tensor/dtype.js';
import { Random } from '../../src/util/random.js';
import { maxAbsDiff } from '../../src/verify/compare.js';
import { automaticMask } from '../../src/edit/mask.js';
import { MATHS, copyOf, cpu, opChecks } from './op-checks.js';

const rnd = new Random(8765);

for (const math of MATHS) {
const { gpu, close } = opChecks(math, rnd);

describe(`cuda device work vs cpu (${gpu.description})`, () => {
  it('latents: float32 on the device, each op as the host computes it (combine, clamp, where, absolute differences, sample, guidance)', () => {
    const host = cpu.latents, dev = gpu.latents;
    const n = 4 * 37; // 37 pixels of 4 channels
    const vs = [0, 1, 2, 3].map(() => rnd.normal(n));
    const d = vs.map((v) => dev.fromHost(v));
    const near = (what: string, want: Float32Array, got: Float32Array, tol = 2e-6) => {
      assert.equal(got.length, want.length, what);
      const diff = maxAbsDiff(want, got), bound = tol * Math.max(1, ...want.map(Math.abs));
      assert.ok(diff <= bound, `${what}: max abs difference ${diff} (bound ${bound})`);
    };
    assert.deepEqual(dev.toHost(d[0]!), vs[0], 'latents go up and come back bit for bit');
    for (let terms = 1; terms <= 4; terms++) {
      const t = vs.slice(0, terms).map((v, i) => [0.5 - i * 0.7, v] as const);
      near(`combine of ${terms}`, host.toHost(host.combine(t)), dev.toHost(dev.combine(t.map(([c], i) => [c, d[i]!] as const))));
    }
    assert.throws(() => dev.combine([]), /0 terms/);
    near('clamp', host.toHost(host.clamp(vs[0]!, 0.5)), dev.toHost(dev.clamp(d[0]!, 0.5)), 0);
    const mask = Uint8Array.from({ length: 37 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    assert.deepEqual(dev.toHost(dev.where(mask, d[0]!, d[1]!)), host.toHost(host.where(mask, vs[0]!, vs[1]!)), 'where picks values bit for bit');
    near('channelAbsDiff', host.toHost(host.channelAbsDiff(vs[0]!, vs[1]!, 4)), dev.toHost(dev.channelAbsDiff(d[0]!, d[1]!, 4)));
    // the U-Net's sample (in storage) and the guided output (from storage)
    const scale = 0.8;
    const sample = gpu.latents.sample(d[0]!, [37, 1, 4], 2, scale);
    assert.deepEqual(sample.shape, [2, 37, 1, 4]);
    close('sample', cpu.latents.sample(vs[0]!, [37, 1, 4], 2, scale), sample);
    const yg = gpu.fromHost(rnd.normal(2 * n), [2, 37, 1, 4]), yc = cpu.fromHost(gpu.toHost(yg), yg.shape); // the same stored values
    near('guide', host.toHost(host.guide(yc, 7.5)), dev.toHost(dev.guide(yg, 7.5)));
    near('guide, one item', host.toHost(host.guide(cpu.sliceBatch(yc, 0), 7.5)), dev.toHost(dev.guide(gpu.sliceBatch(yg, 0), 7.5)), 0);
    assert.throws(() => dev.where(new Uint8Array(5), d[0]!, d[1]!), /mask of 5 pixels/);
    assert.throws(() => dev.combine([[1, vs[0]!]]), /does not belong to the cuda backend/);
  });

  it('automatic mask where the maps are: the host recipe bit for bit (levels, counts, opened mask)', () => {
    const host = cpu.latents, dev = gpu.latents;
    const r = new Random(11); // its own numbers: the other tests' inputs stay as they were
    for (const [h, w] of [[96, 96], [7, 13], [128, 40]] as const) {
      // ten difference maps of uneven scales over a changed block, one constant (normalised to zeros)
      const inBlock = (p: number) => Math.floor(p / w) >= h / 4 && Math.floor(p / w) < h / 2 && p % w >= w / 4 && p % w < w / 2;
      const maps = Array.from({ length: 10 }, (_, i) =>
        i === 4 ? new Float32Array(h * w).fill(3) : r.normal(h * w).map((v, p) => (Math.abs(v) + (inBlock(p) ? 6 : 0)) * (i + 1) ** 2));
      const levelsHost = host.differenceLevels(maps), levelsDev = dev.differenceLevels(maps.map((m) => dev.fromHost(m)));
      assert.deepEqual(dev.toHost(levelsDev), host.toHost(levelsHost), `levels ${h}x${w}`);
      const counts = host.levelCounts(levelsHost);
      assert.deepEqual(dev.levelCounts(levelsDev), counts, `counts ${h}x${w}`);
      for (const threshold of ['otsu', { targetSize: 0.05 }, { targetSize: 0.3 }] as const) {
        const want = automaticMask(host, maps, h, w, threshold);
        const got = automaticMask(dev, maps.map((m) => dev.fromHost(m)), h, w, threshold);
        assert.deepEqual(got, want, `mask ${h}x${w} ${JSON.stringify(threshold)}`);
        if (threshold === 'otsu') assert.ok(want.some((v) => v === 1) && want.some((v) => v === 0), `the block found ${h}x${w}`);
      }
    }
    assert.throws(() => dev.differenceLevels([]), /no difference maps/);
    assert.throws(() => dev.openedMask(dev.fromHost(new Float32Array(6)), new Uint8Array(256), 2, 2), /openedMask: 6 levels for a 2x2 mask/);
  });

  it('replayable: a call captured as a CUDA graph replays with new inputs as it runs eagerly', () => {
    // with one convolution method the replay is bit for bit the eager call ('auto' uses cuDNN in graphs)
    for (const convolution of ['cudnn', 'gemm'] as const) replayMatchesEager(new CudaBackend({ math, convolution }));
  });

  it('snapshot: eagerly the tensor itself; in a replayable call a copy made on a branch of its graph as soon as the tensor is final, in buffers of its own at each replay, as the eager call computes', () => {
    for (const convolution of ['cudnn', 'gemm'] as const) snapshotsMatchEager(new CudaBackend({ math, convolution }));
  });

  it('aside: eagerly in line; in a replayable call on a branch of its graph, its reads kept from the work recorded after it, as the eager call computes', () => {
    asideMatchesEager(gpu);
  });

  /** n float32s of page-locked host memory (hostBuffer's), as StableDiffusion.imageBuffer makes an image's. */
  const pinnedFloats = (n: number) => {
    const bytes = gpu.hostBuffer(n * 4);
    return new Float32Array(bytes.buffer, bytes.byteOffset, n);
  };

  it('toHost into a given array: the values a fresh one gets, below and above the page-locked staging size, and into page-locked memory; a wrong length refused', () => {
    const pinned = (n: number) => pinnedFloats(n).fill(7);
    for (const [n, make] of [[1000, undefined], [600 * 1024, undefined], [600 * 1024, pinned]] as const) { // 4 KB; 2.4 MB through the staging memory, or straight into page-locked memory
      const values = rnd.normal(n), t = gpu.fromHost(values, [n]), into = make ? make(n) : new Float32Array(n).fill(7);
      assert.equal(gpu.toHost(t, into), into);
      // the values as stored (fp16 rounds them), not another download's
      assert.deepEqual(into, math === 'fp16' ? values.map((v) => halfToFloat(floatToHalf(v))) : values, `${n} values`);
      assert.deepEqual(into, gpu.toHost(t), `${n} values, as a fresh array gets them`);
    }
    assert.throws(() => gpu.toHost(gpu.fromHost(new Float32Array(4), [2, 2]), new Float32Array(3)), /toHost: 3 values for shape \[2, 2\]/);
  });

  it('toHost keeping values outside a region: from the device into page-locked memory (both arrays there), else on the host, the same values', () => {
    const rnd2 = new Random(11);
    const positions = 700 * 500, c = 3, n = positions * c; // 4.2 MB of values: above the staging size
    const values = Float32Array.from({ length: n }, () => Math.round(rnd2.uniform() * 64) / 64); // exact in fp16
    const t = gpu.fromHost(values, [positions, c]);
    const region = Uint8Array.from({ length: positions }, () => (rnd2.uniform() < 0.4 ? 1 : 0));
    const base = Float32Array.from({ length: n }, (_, i) => -1 - (i % 97) / 7); // not fp16's: the kept values must not pass through storage
    const want = Float32Array.from({ length: n }, (_, i) => (region[Math.floor(i / c)] ? values[i]! : base[i]!));
    for (const [intoPinned, basePinned] of [[true, true], [true, false], [false, true], [false, false]]) {
      const into = intoPinned ? pinnedFloats(n).fill(7) : new Float32Array(n).fill(7);
      const kept = basePinned ? pinnedFloats(n) : new Float32Array(n);
      kept.set(base);
      const how = `into ${intoPinned ? 'page-locked' : 'pageable'}, base ${basePinned ? 'page-locked' : 'pageable'}`;
      gpu.profileStart(1); // which kernels ran: the device's pass where both arrays are page-locked, else the host's
      assert.equal(gpu.toHost(t, into, { region, values: kept }), into);
      const ops = gpu.profileEnd().ops.map((o) => o.op);
      assert.equal(ops.includes('k_to_host_keeping'), intoPinned && basePinned, `${how}: ${ops.join(', ')}`);
      assert.ok(into.every((v, i) => v === want[i]), how);
      assert.ok(kept.every((v, i) => v === base[i]), 'the base left as it was');
    }
    // 11 positions do not divide 1,050,000 values (7, in session 65's call 6, did: no error, the assertion failed)
    assert.throws(() => gpu.toHost(t, pinnedFloats(n), { region: new Uint8Array(11), values: pinnedFloats(n) }), /toHost: 1050000 values, 1050000 to keep outside the region, for a region of 11 positions/);
  });

  it('prefetch: from page-locked memory on a copy stream, after the work queued before, before the work after ready()', () => {
    const shape = [4, 256, 256, 32], n = 4 * 256 * 256 * 32;
    const values = rnd.normal(n), other = rnd.normal(n);
    const host = gpu.hostBuffer(n * gpu.elementBytes);
    gpu.toBytes(gpu.fromHost(values, shape), host);
    // a block released while queued work still reads it may be the prefetch's destination
    const a = gpu.fromHost(other, shape);
    let b = a;
    for (let i = 0; i < 20; i++) b = gpu.add(b, a);
    gpu.dispose(a);
    const p = gpu.prefetch([{ bytes: host, shape }, { bytes: host.slice(), shape }]); // the second from pageable memory
    p.ready();
    const [c, d] = p.tensors.map((t) => gpu.toHost(gpu.scale(t!, 2)));
    const want = gpu.toHost(gpu.scale(gpu.fromHost(values, shape), 2));
    assert.deepEqual(c, want, 'page-locked copy');
    assert.deepEqual(d, want, 'pageable copy');
    // odd sizes at unaligned places (one value apart), into and out of page-locked memory
    const sizes = [1, 7, 8, 4095, 4096, 16384, 16389, 70001];
    const pinned = gpu.hostBuffer(sizes.reduce((a, n) => a + (n + 1) * gpu.elementBytes, 0));
    let at = 0;
    const odd = sizes.map((n) => {
      const want = gpu.fromHost(rnd.normal(n), [n]);
      const bytes = gpu.toBytes(want, pinned.subarray(at, at + n * gpu.elementBytes));
      at += (n + 1) * gpu.elementBytes;
      return { want: gpu.toHost(want), item: { bytes, shape: [n] } };
    });
    const q = gpu.prefetch(odd.map((o) => o.item));
    q.ready();
    q.tensors.forEach((t, i) => assert.deepEqual(gpu.toHost(t!), odd[i]!.want, `prefetch of ${sizes[i]} values`));
    const expected = gpu.toHost(gpu.scale(gpu.fromHost(other, shape), 21));
    assert.ok(maxAbsDiff(gpu.toHost(b), expected) <= (math === 'fp16' ? 0.05 * 21 * 5 : 1e-3), 'the work queued before read its input, not the prefetched data');
  });

  /** Random tensors of a shape on `gpu` (normal values, times `scale`): the replay cases' inputs and weights. */
  const randomOn = (gpu: CudaBackend) => (shape: number[], scale = 1) => gpu.fromHost(rnd.normal(shape.reduce((a, b) => a * b, 1)).map((v) => v * scale), shape);

  function snapshotsMatchEager(gpu: CudaBackend): void {
    const rand = randomOn(gpu);
    const wc = gpu.convWeight(rnd.normal(8 * 8 * 9).map((v) => v * 0.2), [8, 8, 3, 3]);
    const gamma = rand([8]), beta = rand([8]);
    // a library's output (the convolution) and one of ours (the sum), each read by work after its snapshot
    const f = (x: Tensor) => {
      const y = gpu.conv2d(x, wc, beta, { padding: 1 });
      const s1 = gpu.snapshot(y);
      const z = gpu.add(y, x);
      const s2 = gpu.snapshot(z);
      return [gpu.channelAffine(z, gpu.groupNormAffine(z, 2, gamma, beta, 1e-5), true), s1, s2];
    };
    const x0 = rand([2, 6, 6, 8]);
    assert.equal(gpu.snapshot(x0), x0, `${gpu.description}: eagerly, the tensor itself`);
    // the copies are the graph's branch nodes, re-pointed at each replay's buffers (not copied out after it)
    const driver = gpu.driver, repoint = driver.setCopyDestination.bind(driver);
    let repointed = 0;
    driver.setCopyDestination = (exec, node, params, dst) => (repointed++, repoint(exec, node, params, dst));
    const calls: [Tensor[], Float32Array[]][] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const x = rand([2, 6, 6, 8]);
        const want = f(x).map((t) => gpu.toHost(t));
        const results = gpu.tidy(() => gpu.replayable('snapshots', [x], f));
        results.forEach((t, j) => assert.deepEqual(gpu.toHost(t), want[j], `${gpu.description}: call ${i}, result ${j}`));
        calls.push([results, want]);
      }
    } finally {
      driver.setCopyDestination = repoint;
    }
    assert.equal(repointed, 2 * 4, `${gpu.description}: both snapshots' copy nodes re-pointed at every replay (the first call records and replays)`);
    // each replay's snapshots are its own (not the buffers the next replay's copies write)
    calls.forEach(([results, want], i) => results.forEach((t, j) => assert.deepEqual(gpu.toHost(t), want[j], `${gpu.description}: call ${i}'s result ${j} kept`)));
    assert.equal(new Set(calls.flatMap(([results]) => results.slice(1).map((t) => t.storage))).size, 2 * calls.length);
    gpu.forget('snapshots');
  }

  function asideMatchesEager(gpu: CudaBackend): void {
    const rand = randomOn(gpu);
    const w = rand([16, 8], 0.3), rows = Int32Array.from([1, 4, 5, 9]);
    // as a fast-attention sparse step writes its all-token keys and values: fresh rows (temporaries of
    // a GEMM) into the base's in place, beside later work whose temporaries are as large as theirs
    const f = (x: Tensor, kAll: Tensor, vAll: Tensor) => {
      const [k, v] = gpu.splitChannels(gpu.linear(x, w), [8, 8]) as [Tensor, Tensor];
      const held = gpu.aside([k, v, kAll, vAll], () => gpu.overwriteRowsPair([kAll, k], [vAll, v], rows));
      const later = gpu.add(gpu.linear(x, w), gpu.linear(gpu.silu(x), w));
      return [...held, later];
    };
    const driver = gpu.driver, onBranch = driver.onBranch.bind(driver);
    let branches = 0;
    driver.onBranch = <R>(work: () => R): R => (branches++, onBranch(work));
    try {
      for (let i = 0; i < 4; i++) {
        const x = rand([2, 4, 8]), kAll = rand([2, 12, 8]), vAll = rand([2, 12, 8]);
        const [kEager, vEager] = [copyOf(gpu, kAll), copyOf(gpu, vAll)];
        const want = f(x, kEager, vEager).map((t) => gpu.toHost(t));
        const results = gpu.tidy(() => gpu.replayable('aside', [x, kAll, vAll], f));
        results.forEach((t, j) => assert.deepEqual(gpu.toHost(t), want[j], `${gpu.description}: call ${i}, result ${j}`));
        assert.deepEqual(gpu.toHost(kAll), gpu.toHost(kEager), `${gpu.description}: call ${i}, the keys written in place`);
        assert.deepEqual(gpu.toHost(vAll), gpu.toHost(vEager), `${gpu.description}: call ${i}, the values written in place`);
      }
    } finally {
      driver.onBranch = onBranch;
    }
    assert.equal(branches, 1, `${gpu.description}: the recording's write on a branch; eager calls and replays run none`);
    gpu.forget('aside');
  }

  function replayMatchesEager(gpu: CudaBackend): void {
    const rand = randomOn(gpu);
    const wc = gpu.convWeight(rnd.normal(8 * 8 * 9).map((v) => v * 0.2), [8, 8, 3, 3]);
    const wl = rand([24, 8], 0.2), gamma = rand([8]), beta = rand([8]), wq = rand([8, 8], 0.2), wk = rand([8, 8], 0.2);
    // a convolution, GroupNorm + SiLU, linear layers (one, and projections as one batched GEMM) and
    // attention: the kinds of work a U-Net step has
    const f = (x: Tensor, ctx: Tensor) => {
      const y = gpu.conv2d(x, wc, beta, { padding: 1 });
      const h = gpu.channelAffine(y, gpu.groupNormAffine(y, 2, gamma, beta, 1e-5), true);
      const tokens = gpu.reshape(h, [2, 36, 8]);
      const [q, k, v] = gpu.splitChannels(gpu.linear(tokens, wl), [8, 8, 8]) as [Tensor, Tensor, Tensor];
      const [q2, k2] = gpu.linearMany(tokens, [wq, wk]) as [Tensor, Tensor];
      return gpu.add(gpu.attention(gpu.add(q, q2), gpu.add(gpu.add(k, k2), ctx), v, { heads: 1 }), tokens);
    };
    // a write into an input (the caller's tensor, written in place as an eager call writes it), what it
    // displaced (a buffer of its own at each replay), the input itself and an input passed through;
    // projections of an input (their pointer arrays move with it at each replay)
    const rows = Int32Array.from([5, 0, 33]);
    const g = (x: Tensor, ctx: Tensor) => {
      const held = gpu.overwriteRows(ctx, gpu.gatherRows(gpu.reshape(x, [2, 36, 8]), rows), rows);
      return [f(x, ctx), held, ctx, x, ...gpu.linearMany(gpu.reshape(x, [2, 36, 8]), [wq, wk])];
    };
    const helds: [Tensor, Float32Array][] = [];
    for (let i = 0; i < 4; i++) {
      const x = rand([2, 6, 6, 8]), ctx = rand([2, 36, 8]), eagerCtx = copyOf(gpu, ctx);
      const want = g(x, eagerCtx).map((t) => gpu.toHost(t));
      const results = gpu.tidy(() => gpu.replayable('test', [x, ctx], g));
      const got = results.map((t) => gpu.toHost(t));
      got.forEach((r, j) => assert.deepEqual(r, want[j], `${gpu.description}: call ${i}, result ${j}`));
      assert.deepEqual(gpu.toHost(ctx), gpu.toHost(eagerCtx), `${gpu.description}: call ${i} wrote into its input as the eager call did`);
      helds.push([results[1]!, got[1]!]);
    }
    // each replay's displaced rows are its own (not the buffer the next replay writes)
    helds.forEach(([t, values], i) => assert.deepEqual(gpu.toHost(t), values, `${gpu.description}: call ${i}'s displaced rows kept`));
    assert.equal(new Set(helds.map(([t]) => t.storage)).size, helds.length);
    gpu.forget('test');
  }
});
}
