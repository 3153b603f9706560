// Session 66 probe (a record, run by …-s66-call2.sh from the repository root): can cuDNN's backend
// API run a convolution whose input goes through a GroupNorm's affine and SiLU as it is loaded
// (pointwise MUL by a [1, C, 1, 1] scale, ADD of a shift, SWISH, then ConvolutionFwd), at the VAE
// decoder's 384 and 768 px shapes (batch 1, so the norm's per (item, channel) affine is per channel)?
// Session 65 measured 13 k_channel_affine_vb passes, 1.20 ms of the 768 px decode's 11.1, before
// cuDNN's convolutions there. For each shape: the backend's conv2d as the decoder runs it (affine
// pass + convolution, one replayable call), the plain convolution's best engine configuration on an
// activated input, and every configuration heuristics A, B and fallback propose for the fused graph
// (planned, timed in a graph of 10, checked against the unfused result). Prints one JSON line a shape.
const root = new URL(`../../${process.env.PROBE_DIST ?? 'dist'}/`, import.meta.url);
const load = (path) => import(new URL(path, root).href);
const { CudaBackend } = await load('src/backend/cuda/cuda.js');
const { CudnnEngines, HEUR_A, HEUR_B } = await load('src/backend/cuda/cudnn-engines.js');
const { Random } = await load('src/util/random.js');
const { devicePtr, graphLaunchUs, graphOpUs } = await load('bench/stats.js');

const PER_GRAPH = 10, REPLAYS = 20, CANDIDATES = Number(process.env.CANDIDATES ?? 8), WORKSPACE = 256 * 2 ** 20;
const HEUR_FALLBACK = 2;
// cudnnBackend* numbers (cudnn_graph.h, cuDNN 9) the engines module keeps private
const POINTWISE = 0, OPERATION_POINTWISE = 13, OPERATION_CONVOLUTION_FORWARD = 10, OPERATIONGRAPH = 15, CONVOLUTION = 1, VARIANT_PACK = 16;
const TYPE_HANDLE = 0, TYPE_DATA_TYPE = 1, TYPE_INT64 = 3, TYPE_FLOAT = 4, TYPE_VOID_PTR = 6, TYPE_CONVOLUTION_MODE = 7, TYPE_POINTWISE_MODE = 14, TYPE_DESC = 15;
const MUL = 1, ADD = 0, SWISH = 106, DATA_FLOAT = 0, DATA_HALF = 2;
const X = 1, W = 2, Y = 3, SCALE = 8, SHIFT = 9, SCALED = 10, SHIFTED = 11, ACTIVATED = 12;

const gpu = new CudaBackend({ convolution: 'cudnn' });
const e = new CudnnEngines(gpu.driver.stream);
gpu.driver.followStream((s) => e.useStream(s));
const workspace = gpu.keep(gpu.zeros([WORKSPACE / gpu.elementBytes]));
const rnd = new Random(5);
const i64 = (...v) => new BigInt64Array(v.map(BigInt));

function pointwise(mode, x, b, y) {
  const pw = e.build(POINTWISE, 'pointwise', [[0, TYPE_POINTWISE_MODE, new Int32Array([mode])], [1, TYPE_DATA_TYPE, new Int32Array([DATA_FLOAT])]]);
  return e.build(OPERATION_POINTWISE, 'pointwise op', [[750, TYPE_DESC, e.descs(pw)], [751, TYPE_DESC, e.descs(x)], ...(b ? [[752, TYPE_DESC, e.descs(b)]] : []), [753, TYPE_DESC, e.descs(y)]]);
}

/** y = conv(swish(x * scale + shift), w), padding 1; `act` the activated tensor's type. */
function fusedGraph(s, act) {
  const dims = [s.n, s.ci, s.h, s.w], vec = [1, s.ci, 1, 1];
  const x = e.tensor(X, dims), scale = e.tensor(SCALE, vec), shift = e.tensor(SHIFT, vec);
  const scaled = e.tensor(SCALED, dims, true, DATA_FLOAT), shifted = e.tensor(SHIFTED, dims, true, DATA_FLOAT), activated = e.tensor(ACTIVATED, dims, true, act);
  const conv = e.build(CONVOLUTION, 'convolution', [
    [100, TYPE_DATA_TYPE, new Int32Array([DATA_FLOAT])], [101, TYPE_CONVOLUTION_MODE, new Int32Array([1])], [106, TYPE_INT64, i64(2)],
    [102, TYPE_INT64, i64(1, 1)], [103, TYPE_INT64, i64(1, 1)], [105, TYPE_INT64, i64(1, 1)], [104, TYPE_INT64, i64(1, 1)],
  ]);
  const ops = [pointwise(MUL, x, scale, scaled), pointwise(ADD, scaled, shift, shifted), pointwise(SWISH, shifted, undefined, activated),
    e.build(OPERATION_CONVOLUTION_FORWARD, 'convolution op', [
      [704, TYPE_DESC, e.descs(activated)], [703, TYPE_DESC, e.descs(e.tensor(W, [s.co, s.ci, 3, 3]))], [705, TYPE_DESC, e.descs(e.tensor(Y, [s.n, s.co, s.h, s.w]))],
      [702, TYPE_DESC, e.descs(conv)], [700, TYPE_FLOAT, new Float32Array([1])], [701, TYPE_FLOAT, new Float32Array([0])],
    ])];
  return e.build(OPERATIONGRAPH, 'operation graph', [[800, TYPE_HANDLE, e.descs(e.handle)], [801, TYPE_DESC, e.descs(...ops)]]);
}

function fusedPack(io) {
  const pack = e.make(VARIANT_PACK);
  e.set(pack, 1000, TYPE_INT64, i64(X, W, Y, SCALE, SHIFT));
  e.set(pack, 1001, TYPE_VOID_PTR, new BigUint64Array([io.x, io.w, io.y, io.scale, io.shift].map(BigInt)));
  e.set(pack, 1003, TYPE_VOID_PTR, new BigUint64Array([BigInt(devicePtr(workspace))]));
  e.finalize(pack, 'variant pack');
  return pack;
}

/** Each configuration of the heuristics' first CANDIDATES (deduplicated by engine and knobs): planned, timed. */
function trials(graph, run) {
  const out = [], seen = new Set();
  for (const [mode, m] of [['A', HEUR_A], ['B', HEUR_B], ['fallback', HEUR_FALLBACK]]) {
    let configs;
    try { configs = e.configs(graph, m); } catch (err) { out.push({ mode, error: String(err.message ?? err).slice(0, 200) }); continue; }
    for (const [rank, config] of configs.slice(0, CANDIDATES).entries()) {
      const choice = e.choice(config), key = JSON.stringify(choice);
      if (seen.has(key)) continue;
      seen.add(key);
      const t0 = performance.now();
      let p;
      try { p = e.plan(config, WORKSPACE); } catch (err) { out.push({ mode, rank, engine: choice.engine, error: String(err.message ?? err).slice(0, 200) }); continue; }
      const planMs = +(performance.now() - t0).toFixed(1);
      if (!p) { out.push({ mode, rank, engine: choice.engine, planMs, plan: 'refused' }); continue; }
      try {
        const r = run(p);
        out.push({ mode, rank, engine: choice.engine, knobs: choice.knobs, planMs, ...r });
      } catch (err) {
        out.push({ mode, rank, engine: choice.engine, planMs, error: String(err.message ?? err).slice(0, 200) });
      }
      e.release(p);
    }
    out.push({ mode, proposed: configs.length });
  }
  return out;
}

const r2 = (x) => +x.toFixed(2);
for (const [side, ci, co] of [[768, 128, 128], [768, 256, 128], [384, 256, 256], [384, 512, 256], [768, 128, 3]]) {
  const s = { n: 1, h: side, w: side, ci, co, kh: 3, kw: 3, ho: side, wo: side, stride: 1, padH: 1, padW: 1 };
  const xh = rnd.normal(side * side * ci);
  const x = gpu.keep(gpu.fromHost(xh, [1, side, side, ci]));
  const w = gpu.keep(gpu.convWeight(rnd.normal(co * ci * 9).map((v) => v * 0.03), [co, ci, 3, 3]));
  const scale = gpu.keep(gpu.fromHost(rnd.normal(ci).map((v) => 0.5 + 0.25 * v), [1, ci]));
  const shift = gpu.keep(gpu.fromHost(rnd.normal(ci).map((v) => 0.3 * v), [1, ci]));
  const affine = { scale, shift };
  const activated = gpu.keep(gpu.tidy(() => gpu.channelAffine(x, affine, true)));
  const ref = gpu.toHost(gpu.tidy(() => gpu.conv2d(activated, w, undefined, { stride: 1, padding: 1 })));
  const refMax = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const y = gpu.keep(gpu.zeros([1, side, side, co]));
  // as the decoder runs it: the affine pass (k_channel_affine_vb) and the convolution, one replayable call
  const asNow = graphOpUs(gpu, gpu.keep(gpu.fromHost(xh, [1, side, side, ci])), `now ${side} ${ci} ${co}`, (xi) => gpu.conv2d(xi, w, undefined, { stride: 1, padding: 1 }, undefined, { affine, silu: true }), PER_GRAPH, REPLAYS).us;
  const affineUs = graphOpUs(gpu, gpu.keep(gpu.fromHost(xh, [1, side, side, ci])), `affine ${side} ${ci}`, (xi) => gpu.channelAffine(xi, affine, true), PER_GRAPH, REPLAYS).us;
  const check = () => {
    const got = gpu.toHost(y);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
    return r2(worst / refMax * 1000) / 1000;
  };
  const plainIo = { x: devicePtr(activated), w: devicePtr(w), y: devicePtr(y), bias: 0, residual: 0 };
  const plain = trials(e.graph(s), (p) => {
    gpu.driver.zero(devicePtr(y), y.size * gpu.elementBytes);
    e.execute(p, devicePtr(workspace), plainIo); gpu.synchronize();
    const relErr = check();
    return { us: r2(graphLaunchUs(gpu.driver, () => e.execute(p, devicePtr(workspace), plainIo), PER_GRAPH, REPLAYS)), relErr };
  });
  const io = { x: devicePtr(x), w: devicePtr(w), y: devicePtr(y), scale: devicePtr(scale), shift: devicePtr(shift) };
  const fused = {};
  for (const [name, act] of [['half', DATA_HALF], ['float', DATA_FLOAT]]) {
    let graph;
    try { graph = fusedGraph(s, act); } catch (err) { fused[name] = [{ error: String(err.message ?? err).slice(0, 200) }]; continue; }
    fused[name] = trials(graph, (p) => {
      const pack = fusedPack(io);
      try {
        gpu.driver.zero(devicePtr(y), y.size * gpu.elementBytes); // a run that writes nothing fails the check
        e.run(p, pack); gpu.synchronize();
        const relErr = check();
        return { us: r2(graphLaunchUs(gpu.driver, () => e.run(p, pack), PER_GRAPH, REPLAYS)), relErr };
      } finally { e.dropPack(pack); }
    });
  }
  const best = (list) => list.filter((t) => t.us !== undefined && t.relErr < 0.01).sort((a, b) => a.us - b.us)[0];
  console.log(JSON.stringify({ shape: `${side}x${side} ${ci}->${co}`, nowUs: r2(asNow), affineUs: r2(affineUs), plainBest: best(plain), fusedBestHalf: best(fused.half), fusedBestFloat: best(fused.float), plain, fused }));
  for (const t of [x, w, scale, shift, activated, y]) gpu.dispose(t);
}
console.log(JSON.stringify({ cudnn: e.version() }));
