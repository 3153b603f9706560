// The op set. Models are written once against this interface; a backend implements ops and
// never model logic. Every activation is channels-last (see tensor/tensor.ts).
import { FiseditError } from '../io/errors.js';
import { numel, sameShape, shapeString, type Tensor } from '../tensor/tensor.js';
import type { LatentOps } from './latents.js';
import type { KeepOutside } from './keep-outside.js';

export interface Conv2dOptions {
  stride?: number;
  /** Zero padding [top, bottom, left, right]; a number pads all four sides. */
  padding?: number | readonly [number, number, number, number];
}

/** A convolution's sizes (convSizes): input [n, h, w, ci], weight [co, kh, kw, ci], output [n, ho, wo, co]. */
export interface ConvSizes {
  n: number; h: number; w: number; ci: number;
  co: number; kh: number; kw: number;
  stride: number;
  /** [top, bottom, left, right] */
  pads: readonly [number, number, number, number];
  ho: number; wo: number;
}

/** The output height and width of a kh x kw convolution at `stride` over h x w padded by pads [top, bottom, left, right]. */
export function convOutputSize(h: number, w: number, kh: number, kw: number, stride: number, pads: readonly [number, number, number, number]): { ho: number; wo: number } {
  return { ho: Math.floor((h + pads[0] + pads[1] - kh) / stride) + 1, wo: Math.floor((w + pads[2] + pads[3] - kw) / stride) + 1 };
}

/**
 * conv2d's sizes from x [N, H, W, C] and w [Cout, kh, kw, C], the ones every backend computes,
 * after checking them, the bias (`biasSize` values: one per output channel) and the residual
 * (`residualSize` values: the output's) where given.
 */
export function convSizes(xShape: readonly number[], wShape: readonly number[], opts: Conv2dOptions, biasSize?: number, residualSize?: number): ConvSizes {
  if (xShape.length !== 4 || wShape.length !== 4) throw new FiseditError(`conv2d: input ${shapeString(xShape)} and weight ${shapeString(wShape)} are not [N, H, W, C] and [Cout, kh, kw, C]`);
  const [n, h, w, ci] = xShape as [number, number, number, number];
  const [co, kh, kw, wci] = wShape as [number, number, number, number];
  if (ci !== wci) throw new FiseditError(`conv2d: input has ${ci} channels, weight expects ${wci}`);
  if (biasSize !== undefined && biasSize !== co) throw new FiseditError(`conv2d: bias of ${biasSize} values for ${co} output channels`);
  const stride = opts.stride ?? 1;
  const p = opts.padding ?? 0;
  const pads = typeof p === 'number' ? ([p, p, p, p] as const) : p;
  const { ho, wo } = convOutputSize(h, w, kh, kw, stride, pads);
  if (ho < 1 || wo < 1) throw new FiseditError(`conv2d: a ${kh}x${kw} kernel does not fit a ${h}x${w} input padded by [${pads.join(', ')}]`);
  if (residualSize !== undefined && residualSize !== n * ho * wo * co) throw new FiseditError(`conv2d: residual of ${residualSize} values does not match the output [${n}, ${ho}, ${wo}, ${co}]`);
  return { n, h, w, ci, co, kh, kw, stride, pads, ho, wo };
}

export interface AttentionOptions {
  heads: number;
  /** Mask out keys after the query position (CLIP's causal text attention). */
  causal?: boolean;
}

/** Per batch item and channel scale and shift, [N, C]: a GroupNorm's statistics folded with its affine. */
export interface ChannelAffine {
  scale: Tensor;
  shift: Tensor;
}

/** How a convolution reads its input: through a norm's affine (+SiLU), or through SiLU alone. */
export interface ConvInput {
  affine: ChannelAffine | undefined;
  silu: boolean;
}

/** x as a convolution reading it through `input` sees it (conv2d's definition of its input). */
export function convInputOf(ops: Backend, x: Tensor, input: ConvInput | undefined): Tensor {
  if (!input) return x;
  return input.affine ? ops.channelAffine(x, input.affine, input.silu) : input.silu ? ops.silu(x) : x;
}

/**
 * A GroupNorm's affine and the sums it came from: per (batch item, segment, group) the sum of x and
 * of x^2 in float64, a segment being a piece of a map row (groupSegments). The sums are an opaque
 * tensor in the backend's storage elements (doubles as bytes: only groupNormAffine reads them, and
 * they move between tiers as bytes); a FISEdit step recomputes only the segments of the rows it
 * changed and takes the others from the base's sums (FISEDIT.md, "exact" normalisation).
 */
export interface GroupNormStats extends ChannelAffine {
  sums: Tensor;
}

/** Backend.tileRowsChoice: how a backend convolves one-position tiles. */
export type TileRowsChoice = 'rows' | 'rows over dense' | 'tiles';

/** Recompute only these rows' sums; the others are `base`'s (sums of a map that equals x outside them). */
export interface GroupSumsUpdate {
  base: Tensor;
  /** One flag per map row (H of [N, H, W, C]): 1 = x may differ from base's map in this row. */
  rows: Uint8Array;
}

/** Elements of ~16k values per segment, and at most ~1024 segments per batch item. */
const SEGMENT_VALUES = 16384, SEGMENTS_MAX = 1024;

/**
 * A replayable call's recording: one per key and input shapes (what a recording backend keeps). Built
 * at every call (a sparse step has hundreds of inputs): dimensions joined, no per-input string.
 */
export function replayId(key: string, inputs: readonly Tensor[]): string {
  let id = key;
  for (const t of inputs) id += ` ${t.shape.join(',')}`;
  return id;
}

/**
 * Cross-attention control of attentionProbs: in batch item `item`, each key column j with map[j] >= 0
 * takes column map[j] of source [1, H, Lq, Lk'] (the base version's probabilities). `map` [Lk] holds
 * the column numbers as values (-1, or one past the source's columns: the column keeps its own): a
 * tensor, so that a recorded call reads it as one of its inputs (a host array would be fixed into
 * the recording).
 */
export interface ProbsControl {
  item: number;
  source: Tensor;
  map: Tensor;
}

/** Throws unless a control's map has a value per key of probabilities over `keys` keys. */
export function checkRemapMap(keys: number, map: Tensor): void {
  if (map.size !== keys) throw new Error(`cross-attention control: a map of ${map.size} columns for ${keys} keys`);
}

/** Whether a recording (by replayId) is one of `key`'s, which forget(key) drops. */
export function recordedUnder(id: string, key: string): boolean {
  return id === key || id.startsWith(`${key} `);
}

/**
 * How GroupNorm sums split a map of h rows of w positions and c channels: `pieces` segments per row,
 * h * pieces in all. One definition for every backend, so sums a backend recorded fit another's.
 * (A 768 px U-Net map: 1-2 per row; the VAE's largest: one per row.)
 */
export function groupSegments(h: number, w: number, c: number): { pieces: number; segments: number } {
  const pieces = Math.max(1, Math.min(Math.ceil((w * c) / SEGMENT_VALUES), Math.floor(SEGMENTS_MAX / h)));
  return { pieces, segments: h * pieces };
}

/** The rows and row width GroupNorm sums see in x: [N, H, W, C] has H rows of W; [N, L, C] one row of L. */
export function normRows(x: Tensor): { h: number; w: number } {
  return x.shape.length === 4 ? { h: x.shape[1]!, w: x.shape[2]! } : { h: 1, w: x.size / (x.shape[0]! * x.channels) };
}

/** The shape of a GroupNorm sums tensor in storage elements of `elementBytes` (two float64 per entry). */
export function groupSumsShape(n: number, segments: number, groups: number, elementBytes: number): number[] {
  return [n, segments, groups, 16 / elementBytes];
}

/** linearMany as its definition: linear() of each weight. */
export function linearEach(ops: Backend, x: Tensor, ws: readonly Tensor[]): Tensor[] {
  return ws.map((w) => ops.linear(x, w));
}

/** linearGeglu as its definition: the layer, then GEGLU (what a backend without a fused path does). */
export function gegluOfLinear(ops: Backend, x: Tensor, w: Tensor, b?: Tensor): Tensor {
  return ops.geglu(ops.linear(x, w, b));
}

/** gatherRowsAffine as its definition: the rows, then the affine of them (what a backend without a fused path does). */
export function gatherRowsThenAffine(ops: Backend, x: Tensor, idx: Int32Array, affine: ChannelAffine): [Tensor, Tensor] {
  const rows = ops.gatherRows(x, idx);
  return [rows, ops.channelAffine(rows, affine)];
}

/**
 * Throws unless `item` is one of the batch's and the control (if any) is of that item: attentionWithProbs'
 * item, or (op 'attentionProbs') the item a control of every item's probabilities remaps.
 */
export function checkProbsItem(item: number, batch: number, control?: ProbsControl, op = 'attentionWithProbs'): void {
  if (!Number.isInteger(item) || item < 0 || item >= batch) throw new Error(`${op}: item ${item} of a batch of ${batch}`);
  if (control && control.item !== item) throw new Error(`${op}: control of item ${control.item}, probabilities of item ${item}`);
}

/** attentionWithProbs as its definition: every item's probabilities, applied, and the one item's kept. */
export function attentionWithProbsOf(ops: Backend, q: Tensor, k: Tensor, v: Tensor, heads: number, item: number, control?: ProbsControl): [Tensor, Tensor] {
  checkProbsItem(item, q.shape[0]!, control);
  const p = ops.attentionProbs(q, k, heads, control);
  return [ops.applyProbs(p, v), ops.sliceBatch(p, item)];
}

/** overwriteRowsPair as its definition: one write, then the other. */
export function overwriteRowsEach(ops: Backend, a: readonly [Tensor, Tensor], b: readonly [Tensor, Tensor], idx: Int32Array): [Tensor, Tensor] {
  return [ops.overwriteRows(a[0], a[1], idx), ops.overwriteRows(b[0], b[1], idx)];
}

/** conv2dTiles as its definition: the tiles gathered, then convolved (what a backend without a fused path does). */
export function gatherThenConvolve(ops: Backend, x: Tensor, tiles: TileSet, affine: ChannelAffine | undefined, silu: boolean, w: Tensor, b: Tensor | undefined, stride: number, projection?: TileProjection): Tensor {
  const y = ops.conv2d(ops.gatherTiles(x, tiles, affine, silu), w, b, { stride, padding: 0 });
  return projection ? projectedOnto(ops, x, y, projection) : y;
}

/**
 * A 1x1 convolution (stride 1) of another map x [N, H, W, Cp], over tiles that are a tile
 * convolution's output blocks themselves (origins: the blocks' corners; side: a block's side), added
 * to that convolution's outputs: a resnet's projected shortcut, computed only where the layer after
 * it writes (conv2dTiles' `projection`).
 */
export interface TileProjection {
  x: Tensor;
  tiles: TileSet;
  w: Tensor;
  b: Tensor | undefined;
}

/** Throws unless `p` is a 1x1 projection of maps like x ([N, H, W, *]) over `blocks` blocks of bo x bo outputs, into `co` channels. */
export function checkProjection(p: TileProjection, x: Tensor, blocks: number, bo: number, co: number): void {
  const [pco, kh, kw] = p.w.shape as [number, number, number, number];
  if (kh !== 1 || kw !== 1 || pco !== co) throw new FiseditError(`tile projection: weight ${shapeString(p.w.shape)} is not a 1x1 convolution into ${co} channels`);
  if (!sameShape(p.x.shape.slice(0, 3), x.shape.slice(0, 3))) throw new FiseditError(`tile projection: map ${shapeString(p.x.shape)} is not the size of ${shapeString(x.shape)}`);
  if (p.tiles.side !== bo || p.tiles.origins.length !== 2 * blocks) throw new FiseditError(`tile projection: ${p.tiles.origins.length / 2} tiles of side ${p.tiles.side} for ${blocks} blocks of ${bo} x ${bo} outputs`);
}

/** y (the outputs [N * blocks, bo, bo, Cout] of a tile convolution of x) + the projection over its tiles (gatherThenConvolve's, and a backend's where its path has no room for it). */
export function projectedOnto(ops: Backend, x: Tensor, y: Tensor, p: TileProjection): Tensor {
  checkProjection(p, x, y.shape[0]! / x.shape[0]!, y.shape[1]!, y.channels);
  return ops.conv2d(ops.gatherTiles(p.x, p.tiles), p.w, p.b, { stride: 1, padding: 0 }, y);
}

/** A convolution over tiles as conv2dTiles takes it: the tiles, their affine (+SiLU), weight, bias and stride. */
export interface TileConvolution {
  tiles: TileSet;
  affine: ChannelAffine | undefined;
  silu: boolean;
  w: Tensor;
  b: Tensor | undefined;
  stride: number;
  /** Added to the outputs before they are written (TileProjection). */
  projection?: TileProjection;
}

/** Where block outputs go, as overwriteBlocks takes it: block corners, the positions to write, and what is added there. */
export interface BlockWrite {
  corners: Int32Array;
  active: Uint8Array;
  residual?: Tensor;
}

/**
 * Throws unless linear(x, w, b, residual) fits: w [outputs, inputs] with x's last axis its inputs, b
 * one value per output, residual as many values as the output (a GEMM's epilogue reads them by
 * count: a short one would be read past its end). `op` names the caller in the message.
 */
export function checkLinear(x: Tensor, w: Tensor, b?: Tensor, residual?: Tensor, op = 'linear'): void {
  if (w.shape.length !== 2) throw new FiseditError(`${op}: weight ${shapeString(w.shape)} is not [outputs, inputs]`);
  const [n, k] = w.shape as [number, number];
  if (x.channels !== k) throw new FiseditError(`${op}: input has ${x.channels} features, weight ${shapeString(w.shape)} expects ${k}`);
  if (b && b.size !== n) throw new FiseditError(`${op}: bias of ${b.size} values for ${n} outputs`);
  const outputs = (x.size / k) * n;
  if (residual && residual.size !== outputs) throw new FiseditError(`${op}: residual ${shapeString(residual.shape)} does not match the output ${shapeString([...x.shape.slice(0, -1), n])}`);
}

/** Throws unless a block write's residual is shaped like base [N, H, W, C]. */
export function checkBlockWrite(base: Tensor, residual: Tensor | undefined): void {
  if (residual && !sameShape(residual.shape, base.shape)) throw new Error(`overwriteBlocks: residual ${shapeString(residual.shape)} does not match ${shapeString(base.shape)}`);
}

/** convTilesInto as its definition: the tiles' convolution, then its write into base (what a backend without a fused path does). */
export function convolveThenOverwrite(ops: Backend, base: Tensor, x: Tensor, conv: TileConvolution, write: BlockWrite): Tensor {
  const fresh = ops.conv2dTiles(x, conv.tiles, conv.affine, conv.silu, conv.w, conv.b, conv.stride, conv.projection);
  return ops.overwriteBlocks(base, fresh, write.corners, write.active, write.residual);
}

/** Throws unless src fits overwriteRows(base, src, idx, sameRows): [N, idx.length, C], or base's shape. */
export function checkRowsSource(base: Tensor, src: Tensor, idx: Int32Array, sameRows: boolean): void {
  const [n, l, c] = base.shape as [number, number, number];
  const want = [n, sameRows ? l : idx.length, c];
  if (!sameShape(src.shape, want)) throw new Error(`overwriteRows: source ${shapeString(src.shape)} for ${shapeString(base.shape)} at ${idx.length} rows (${shapeString(want)} expected)`);
}

/**
 * How a backend's groupNormAffine lays out x's sums (batch, channels, rows, row width, segments and
 * the sums' shape), after checking that the groups divide the channels, that `update` fits x (a
 * sums tensor of x's segmentation, a flag per row) and that `offset` is [N, C].
 */
export function groupNormLayout(x: Tensor, groups: number, update: GroupSumsUpdate | undefined, elementBytes: number, offset?: Tensor) {
  const n = x.shape[0]!, c = x.channels;
  if (c % groups) throw new FiseditError(`groupNorm: ${c} channels do not split into ${groups} groups`);
  if (offset && !sameShape(offset.shape, [n, c])) throw new FiseditError(`groupNorm: offset ${shapeString(offset.shape)} is not [${n}, ${c}]`);
  const { h, w } = normRows(x);
  const { pieces, segments } = groupSegments(h, w, c);
  const sumsShape = groupSumsShape(n, segments, groups, elementBytes);
  if (update && !sameShape(update.base.shape, sumsShape)) throw new FiseditError(`groupNorm: base sums ${shapeString(update.base.shape)} do not fit ${shapeString(x.shape)} in ${groups} groups (${shapeString(sumsShape)})`);
  if (update && update.rows.length !== h) throw new FiseditError(`groupNorm: ${update.rows.length} row flags for a map of ${h} rows`);
  return { n, c, h, w, pieces, segments, sumsShape };
}

/** Throws unless a and b (concatChannels' inputs) have the same positions: the same shape but for their channels. */
export function checkConcat(a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.size / a.channels !== b.size / b.channels) throw new FiseditError(`concatChannels: ${shapeString(a.shape)} and ${shapeString(b.shape)} differ in positions`);
}

/** Row flags of a map op (concatChannels, upsampleNearest2x) whose output is `shape`: one per row of a map [N, H, W, C]. */
export function checkRowFlags(op: string, shape: readonly number[], rows: Uint8Array | undefined): void {
  if (rows && (shape.length !== 4 || rows.length !== shape[1])) throw new FiseditError(`${op}: ${rows.length} row flags for an output ${shapeString(shape)} (one per row of a map [N, H, W, C])`);
}

/** Throws unless `widths` split x's channels (splitChannels). */
export function checkSplit(x: Tensor, widths: readonly number[]): void {
  if (widths.reduce((a, w) => a + w, 0) !== x.channels || widths.some((w) => w <= 0)) throw new Error(`splitChannels: widths ${widths.join(' + ')} for ${x.channels} channels`);
}

/** Where an in-place write went: rows of [N, L, C] (as overwriteRows) or active positions of blocks (as overwriteBlocks). */
export type Placement = { rows: Int32Array } | { corners: Int32Array; active: Uint8Array };

/** One exchange of swapEach: `rows` (what overwriteRows / overwriteBlocks returned, in their layout) with base at `at`. */
export interface Swap {
  base: Tensor;
  rows: Tensor;
  at: Placement;
}

/** Throws unless `rows` fits a swap into base at `at`: rows as overwriteRows' source, blocks of base's channels. */
export function checkSwap({ base, rows, at }: Swap): void {
  if ('rows' in at) checkRowsSource(base, rows, at.rows, false);
  else if (rows.shape.length !== 4 || rows.channels !== base.channels) throw new Error(`swapEach: blocks ${shapeString(rows.shape)} for a map ${shapeString(base.shape)}`);
}

/**
 * Square tiles of an NHWC map: for each block, the input window's top-left corner (may be
 * negative or run past the edge: those positions read as zero, like convolution padding).
 */
export interface TileSet {
  /** [y0, x0] pairs, one per block. */
  origins: Int32Array;
  /** Side of each tile. */
  side: number;
}

/** Host bytes in a backend's storage format (as toBytes gives them), for a tensor of `shape`. */
export interface HostBytes {
  bytes: Uint8Array;
  shape: readonly number[];
}

/** Tensors whose data may still be on its way (Backend.prefetch). */
export interface Prefetched {
  tensors: Tensor[];
  /** Orders the work queued from now on after the copies (the host does not wait). Call it once, before using the tensors. */
  ready(): void;
}

/** Throws unless `bytes` holds a tensor of `shape` of `elementBytes`-byte values exactly. */
export function checkBytes(what: string, bytes: Uint8Array, shape: readonly number[], elementBytes: number): void {
  const want = numel(shape) * elementBytes;
  if (bytes.byteLength !== want) throw new FiseditError(`${what}: ${bytes.byteLength} bytes for shape ${shapeString(shape)} of ${elementBytes}-byte values (${want} bytes)`);
}

/** A host array that toHost fills must hold the tensor's values exactly. */
export function checkValues(what: string, values: Float32Array, shape: readonly number[]): void {
  if (values.length !== numel(shape)) throw new FiseditError(`${what}: ${values.length} values for shape ${shapeString(shape)}`);
}

/** The choices a sparse plan takes from a backend (edit/plan.ts): what a plan counted without the backend borrows (UNetMacCounter's planOf). */
export type PlanChoices = Pick<Backend, 'tileRowsChoice' | 'tileBlocksByOutputs'>;

export interface Backend {
  readonly name: string;
  /** Bytes a stored tensor element takes (what the edit cache is accounted in). */
  readonly elementBytes: number;
  /** The sampling loop's float32 vectors (latents, scheduler history), kept where this backend computes. */
  readonly latents: LatentOps;
  /**
   * Whether a call's first run in the process costs much more than later ones of its kind (the cuda
   * backend: choosing and loading GEMM and convolution algorithms, recording graphs), which is what
   * rehearsing calls ahead (EditSession.prepareEdits) saves.
   */
  readonly firstCallsCost: boolean;
  /**
   * f(), with the user waiting on the calls it makes (an edit's U-Net calls): a backend that times
   * candidate algorithms where it first meets a family of shapes (cuda) then takes, where it can,
   * what it chose for the family's nearest batch size instead, and leaves the timing to calls made
   * at leisure (EditSession.prepareEdits, a generation). Others just run f.
   */
  urgently<T>(f: () => T): T;

  /** Host float32 data in the given (channels-last) shape -> a tensor on this backend. */
  fromHost(data: Float32Array, shape: readonly number[]): Tensor;
  /**
   * Declares t a model's parameter, which no op writes from here on: a backend may then read it ahead
   * of the work queued before a use (the cuda backend's k_gemm_rows loads such weights while the
   * kernel ahead of it still runs). Returns t.
   */
  parameter(t: Tensor): Tensor;
  /**
   * The tensor's values as float32 on the host (into `into` when given: t's size of values); with
   * `outside`, its values at the positions outside.region leaves unmarked instead (KeepOutside).
   */
  toHost(t: Tensor, into?: Float32Array, outside?: KeepOutside): Float32Array;
  /** The tensor's values as this backend stores them (elementBytes each), copied to host memory (into `into` when given). */
  toBytes(t: Tensor, into?: Uint8Array): Uint8Array;
  /** A tensor from bytes that toBytes of a backend with the same storage gave. */
  fromBytes(bytes: Uint8Array, shape: readonly number[]): Tensor;
  /** Host memory the backend copies from without the host waiting, and into without staging (page-locked on the cuda backend). */
  hostBuffer(bytes: number): Uint8Array;
  /**
   * Kept tensors from host bytes, copied while the work queued so far runs (from hostBuffer memory
   * the cuda backend neither waits for the copies nor makes the queued work wait).
   */
  prefetch(items: readonly HostBytes[]): Prefetched;
  /** A convolution weight given in PyTorch's [out, in, kh, kw] layout, stored as the backend likes. */
  convWeight(data: Float32Array, shape: readonly [number, number, number, number]): Tensor;
  /** Frees what the tensor holds; using it afterwards is an error. */
  dispose(t: Tensor): void;
  /**
   * Runs f as one unit of work (a U-Net step, a decode): tensors created inside that are not kept,
   * nor returned (as the result or in a result array: scopeResults), may be freed when it ends. Host results are the normal way out.
   */
  tidy<T>(f: () => T): T;
  /** Keeps a tensor past the end of the current tidy scope (cached activations, text embeddings). */
  keep(t: Tensor): Tensor;
  /**
   * t's values as they are now, as a tensor no op writes: what a replayable call returns of its work
   * (a recorded step's cache). t itself must not be written after this (its copy may be made at any
   * point until the call ends): where that holds, a backend may return t, or copy it beside the work
   * that follows (the cuda backend, recording a graph: a copy node on a branch of the graph).
   */
  snapshot(t: Tensor): Tensor;
  /**
   * work(), whose writes nothing later in the current unit of work reads (a cache kept for later
   * steps): a backend may run it beside what follows rather than before it (the cuda backend,
   * recording a graph: on a branch of the graph). `reads`: the tensors work reads, which must not be
   * freed or written until it has run. Its results may be kept; only later units of work read them.
   */
  aside<T>(reads: readonly Tensor[], work: () => T): T;
  /**
   * f(...inputs), which a backend may record once per key and input shapes and replay afterwards
   * without running f (the cuda backend: one CUDA graph). So f must do the same device work on
   * every call, computing from its inputs' values only (no host data that changes between calls,
   * no uploads). The results are the caller's; a result that is one of the inputs comes back as
   * that input (shared buffers stay shared).
   */
  replayable(key: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[]): Tensor[];
  /** Drops what was recorded for replayable calls under this key, and the memory it holds. */
  forget(key: string): void;

  /**
   * x [..., K] @ w^T (w: [N, K], PyTorch's Linear layout) + b -> [..., N], + residual (shaped like
   * the result) when given: a block's residual sum, which a backend may fuse into the GEMM.
   */
  linear(x: Tensor, w: Tensor, b?: Tensor, residual?: Tensor): Tensor;
  /**
   * Projections of one input by weights of one shape, without bias (a self-attention's q, k and v):
   * linear(x, w) for each w (linearEach), in one call where a backend can.
   */
  linearMany(x: Tensor, ws: readonly Tensor[]): Tensor[];
  /**
   * geglu(linear(x, w, b)) (gegluOfLinear): a GEGLU feed-forward's input layer (w [2F, K]: the
   * value's F rows, then the gate's) and its activation, in one op where a backend can.
   */
  linearGeglu(x: Tensor, w: Tensor, b?: Tensor): Tensor;
  /**
   * x [N, H, W, Cin] with a weight from convWeight -> [N, Ho, Wo, Cout] (+ residual, as linear's,
   * which a backend may fuse into the convolution's epilogue); x read through `input` when given
   * (convInputOf: a norm's affine, SiLU), which a backend may fuse into reading it.
   */
  conv2d(x: Tensor, w: Tensor, b: Tensor | undefined, opts?: Conv2dOptions, residual?: Tensor, input?: ConvInput): Tensor;
  /** LayerNorm over the last dimension. */
  layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor;
  /** Multi-head scaled-dot-product attention; q [B, Lq, H*d], k and v [B, Lk, H*d] -> [B, Lq, H*d]. */
  attention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions): Tensor;

  silu(x: Tensor): Tensor;
  gelu(x: Tensor): Tensor;
  quickGelu(x: Tensor): Tensor;
  /** (x + 1) / 2 clamped to [0, 1]: a decoded image's values as pixel intensities. */
  unitRange(x: Tensor): Tensor;
  /** GEGLU: x [..., 2F] = [hidden | gate] -> hidden * gelu(gate), [..., F]. */
  geglu(x: Tensor): Tensor;
  /** a + b * scale (same shapes). */
  add(a: Tensor, b: Tensor, scale?: number): Tensor;
  scale(x: Tensor, s: number): Tensor;
  /**
   * Concatenation along the last (channel) dimension. With `rows` (maps [N, H, W, C]: a flag per
   * row y < H), only the flagged rows of every batch item: the others are left as they are, not
   * computed, for a reader that never reads them (a sparse step's convolutions, StepContext.concat).
   */
  concatChannels(a: Tensor, b: Tensor, rows?: Uint8Array): Tensor;
  /** Nearest-neighbour 2x upsampling of [N, H, W, C]; with `rows` (a flag per output row, 2H), only those (as concatChannels). */
  upsampleNearest2x(x: Tensor, rows?: Uint8Array): Tensor;
  /** Rows of a table [V, C] picked by integer ids -> [ids.length, C]. */
  embedding(table: Tensor, ids: Int32Array): Tensor;
  /** Splits the last dimension into pieces of the given widths. */
  splitChannels(x: Tensor, widths: readonly number[]): Tensor[];
  reshape(x: Tensor, shape: readonly number[]): Tensor;

  /**
   * The per (batch item, channel) scale and shift that GroupNorm(groups, gamma, beta, eps) applies to x
   * ([N, H, W, C] or [N, L, C]): statistics over all positions of each group, folded with the affine,
   * and the sums they came from (GroupNormStats). With `update`, only the flagged rows are summed
   * afresh: the same bits as summing all of x when x equals base's map outside them. Stays on the
   * device. GroupNorm is channelAffine(x, groupNormAffine(x)). With `offset` [N, C], the statistics
   * are those of x + offset (per batch item and channel: a resnet's time embedding) and the affine
   * maps x to the GroupNorm of x + offset, so the sum is never written out.
   */
  groupNormAffine(x: Tensor, groups: number, gamma: Tensor, beta: Tensor, eps: number, update?: GroupSumsUpdate, offset?: Tensor): GroupNormStats;
  /** x * scale[n, c] + shift[n, c], optionally followed by SiLU. */
  channelAffine(x: Tensor, affine: ChannelAffine, silu?: boolean): Tensor;

  // --- what the sparse engine needs (edit/); the dense models never call these directly ---

  /** Tiles of every batch item, [N * blocks, side, side, C] (batch-major), with the affine (+SiLU) applied inside the image. */
  gatherTiles(x: Tensor, tiles: TileSet, affine?: ChannelAffine, silu?: boolean): Tensor;
  /**
   * The convolution, without padding, of each tile as gatherTiles gathers it:
   * conv2d(gatherTiles(x, tiles, affine, silu), w, b, { stride }), [N * blocks, bo, bo, Cout]. One
   * op, so that a backend may gather straight into its convolution's input (the cuda backend: into
   * the im2col matrix, where that path is the faster one). With `projection`, its 1x1 convolution of
   * another map is added (TileProjection: a resnet's shortcut, gathered in the same kernel there).
   */
  conv2dTiles(x: Tensor, tiles: TileSet, affine: ChannelAffine | undefined, silu: boolean, w: Tensor, b: Tensor | undefined, stride: number, projection?: TileProjection): Tensor;
  /**
   * How conv2dTiles would convolve one-position tiles, `rows` output positions in all (every batch
   * item) of a `channels`-channel input: 'rows' where it gathers each output's window straight into
   * a GEMM's rows and that beats convolving larger blocks, 'rows over dense' where it gathers rows
   * and beats only the dense convolution, 'tiles' (or absent) where it convolves the tiles
   * themselves. A sparse plan takes blocks of one position by it (edit/plan.ts).
   */
  tileRowsChoice?(rows: number, channels: number): TileRowsChoice;
  /**
   * The block sides (outputs a side) at which conv2dTiles convolves a k x k, stride-s convolution's
   * tiles, ci -> co channels, at a cost that goes with the outputs the blocks compute rather than the
   * input they gather (the cuda backend's Winograd over tiles); undefined or absent where none. A
   * sparse plan by APSC weighs those sizes by their outputs (edit/plan.ts planConv).
   */
  tileBlocksByOutputs?(ci: number, co: number, k: number, stride: number): readonly number[] | undefined;
  /**
   * Writes each block's outputs (src [N * blocks, b, b, C], block corners at `corners` [y, x] pairs)
   * into `base` [N, H, W, C] **in place**, at the positions `active` (H * W, 1 = write) marks, plus
   * `residual` ([N, H, W, C]) at those positions when given (a sum read only where it is written);
   * the sum is residual + block output, rounded once. Returns what base held at the written
   * positions, in src's layout (elsewhere unspecified). So a FISEdit sparse step writes its layer
   * into the base's buffer instead of a copy of it (644 MiB a step at 768 px), and keeps what undoes
   * it: the same write of the returned tiles (no residual) gives base back, and returns the
   * step's values. The blocks must not overlap (a plan's blocks lie on a grid): a position written
   * twice would return the first write's value.
   */
  overwriteBlocks(base: Tensor, src: Tensor, corners: Int32Array, active: Uint8Array, residual?: Tensor): Tensor;
  /**
   * overwriteBlocks(base, conv2dTiles(x, ...conv), ...write) in one op (a sparse step's convolution
   * layer), so that a backend may convolve straight from x into base (the cuda backend's k_tile_conv:
   * one implicit-GEMM kernel, the sum rounded once). Returns what base held at the written places,
   * in the tiles' layout [N * blocks, bo, bo, Cout].
   */
  convTilesInto(base: Tensor, x: Tensor, conv: TileConvolution, write: BlockWrite): Tensor;
  /** Rows idx of every batch item: [N, L, C] -> [N, idx.length, C]. */
  gatherRows(x: Tensor, idx: Int32Array): Tensor;
  /**
   * Writes src's rows into rows idx of base [N, L, C] in place: src [N, idx.length, C] (row i to
   * idx[i]), or with `sameRows` [N, L, C] like base (its own rows idx). Returns what base held
   * there, [N, idx.length, C] (as overwriteBlocks: written back, it undoes the write).
   */
  overwriteRows(base: Tensor, src: Tensor, idx: Int32Array, sameRows?: boolean): Tensor;
  /**
   * Exchanges each swap's rows with its base in place: base gets them at `at`, and `rows` what base
   * held there. On what overwriteRows / overwriteBlocks returned, it undoes the write, and once more
   * redoes it, with no new buffer: how edit/lineage.ts crosses an edit. The places of different swaps
   * must not overlap. One op for many (an edit's ~100 a step), so that a backend may run them in one
   * launch.
   */
  swapEach(swaps: readonly Swap[]): void;
  /** [gatherRows(x, idx), channelAffine(those rows, affine)] in one op (a transformer's active tokens and its input's rows for the residual). */
  gatherRowsAffine(x: Tensor, idx: Int32Array, affine: ChannelAffine): [Tensor, Tensor];
  /** [overwriteRows(...a, idx), overwriteRows(...b, idx)] in one op, the two bases shaped alike (a self-attention's keys and values). */
  overwriteRowsPair(a: readonly [Tensor, Tensor], b: readonly [Tensor, Tensor], idx: Int32Array): [Tensor, Tensor];
  /** One batch item, keeping the batch dimension (size 1). */
  sliceBatch(x: Tensor, index: number): Tensor;
  /**
   * Softmax(q k^T / sqrt(d)) per head: [B, H, Lq, Lk]. attention() equals applyProbs(attentionProbs())
   * bit for bit. With `control` (cross-attention control), batch item control.item's probabilities
   * then take the source's where the map says so (ProbsControl).
   */
  attentionProbs(q: Tensor, k: Tensor, heads: number, control?: ProbsControl): Tensor;
  /** probs [B, H, Lq, Lk] times v [B, Lk, H*d] -> [B, Lq, H*d]. */
  applyProbs(probs: Tensor, v: Tensor): Tensor;
  /**
   * [attention, batch item `item`'s probabilities [1, H, Lq, Lk]] for a cross-attention whose
   * probabilities a step records or controls (`control`, of item `item`, as in attentionProbs) in one
   * item only. Defined by attentionWithProbsOf; a backend may compute the other items as attention()
   * does (its rounding, no probabilities).
   */
  attentionWithProbs(q: Tensor, k: Tensor, v: Tensor, heads: number, item: number, control?: ProbsControl): [Tensor, Tensor];
}
