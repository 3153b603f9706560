// CLIPTextModel: token + position embeddings, pre-norm transformer layers with causal
// self-attention and an MLP (GELU or quick-GELU), final LayerNorm -> last_hidden_state.
import type { Backend } from '../backend/backend.js';
import { Config } from '../io/config.js';
import { FiseditError } from '../io/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { LayerNorm, Linear, StackedLinear } from './layers.js';
import { instanceName, type Params } from './params.js';

export interface ClipTextConfig {
  vocabSize: number;
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  maxPositions: number;
  act: 'gelu' | 'quick_gelu';
  eps: number;
}

export function parseClipTextConfig(c: Config): ClipTextConfig {
  const cfg: ClipTextConfig = {
    vocabSize: c.int('vocab_size'),
    hidden: c.int('hidden_size'),
    intermediate: c.int('intermediate_size'),
    layers: c.int('num_hidden_layers'),
    heads: c.int('num_attention_heads'),
    maxPositions: c.int('max_position_embeddings'),
    act: c.string('hidden_act', ['gelu', 'quick_gelu'] as const),
    eps: c.number('layer_norm_eps', 1e-5),
  };
  if (cfg.hidden % cfg.heads) throw new FiseditError(`${c.source}: hidden_size ${cfg.hidden} is not divisible by num_attention_heads ${cfg.heads}`);
  return cfg;
}

class ClipLayer {
  private readonly ln1: LayerNorm;
  /** q, k and v stacked: one GEMM and a split where three GEMMs ran (~8 us each at 154 rows on the H200, bench/results/2026-12-04-s64-call3.log) */
  private readonly qkv: StackedLinear;
  private readonly out: Linear;
  private readonly ln2: LayerNorm;
  private readonly fc1: Linear;
  private readonly fc2: Linear;
  constructor(p: Params, private readonly c: ClipTextConfig) {
    const d = c.hidden;
    this.ln1 = new LayerNorm(p.at('layer_norm1'), d, c.eps);
    this.qkv = new StackedLinear([p.at('self_attn.q_proj'), p.at('self_attn.k_proj'), p.at('self_attn.v_proj')], d, [d, d, d]);
    this.out = new Linear(p.at('self_attn.out_proj'), d, d);
    this.ln2 = new LayerNorm(p.at('layer_norm2'), d, c.eps);
    this.fc1 = new Linear(p.at('mlp.fc1'), d, c.intermediate);
    this.fc2 = new Linear(p.at('mlp.fc2'), c.intermediate, d);
  }
  forward(x: Tensor): Tensor {
    const ops = this.qkv.ops;
    const h = this.ln1.forward(x);
    const [q, k, v] = [...this.qkv.forward(h).values()] as [Tensor, Tensor, Tensor];
    x = this.out.forward(ops.attention(q, k, v, { heads: this.c.heads, causal: true }), x);
    const m = this.fc1.forward(this.ln2.forward(x));
    return this.fc2.forward(this.c.act === 'gelu' ? ops.gelu(m) : ops.quickGelu(m), x);
  }
}

export class ClipTextModel {
  readonly ops: Backend;
  /** Names this model's replayable calls (StableDiffusion.encodeText records its layers once). */
  readonly instance = instanceName('text encoder');
  private readonly tokenEmbedding: Tensor;
  private readonly positionEmbedding: Tensor;
  private readonly layers: ClipLayer[];
  private readonly finalNorm: LayerNorm;

  constructor(root: Params, readonly config: ClipTextConfig) {
    this.ops = root.backend;
    // transformers writes "text_model.*"; some exports drop that prefix.
    const p = root.has('text_model.embeddings.token_embedding.weight') ? root.at('text_model') : root;
    const c = config;
    this.tokenEmbedding = p.tensor('embeddings.token_embedding.weight', [c.vocabSize, c.hidden]);
    this.positionEmbedding = p.tensor('embeddings.position_embedding.weight', [c.maxPositions, c.hidden]);
    this.layers = Array.from({ length: c.layers }, (_, i) => new ClipLayer(p.at(`encoder.layers.${i}`), c));
    this.finalNorm = new LayerNorm(p.at('final_layer_norm'), c.hidden, c.eps);
  }

  /** ids: [batch, length] token ids, row-major -> last_hidden_state [batch, length, hidden]. */
  forward(ids: Int32Array, batch: number): Tensor {
    return this.encode(this.embed(ids, batch));
  }

  /** ids: [batch, length] token ids, row-major -> token + position embeddings [batch, length, hidden] (the ids go up from the host). */
  embed(ids: Int32Array, batch: number): Tensor {
    const ops = this.ops;
    const len = ids.length / batch;
    if (!Number.isInteger(len) || len > this.config.maxPositions) throw new FiseditError(`text encoder: ${ids.length} ids for a batch of ${batch} (at most ${this.config.maxPositions} per prompt)`);
    const positions = Int32Array.from({ length: ids.length }, (_, i) => i % len);
    const x = ops.add(ops.embedding(this.tokenEmbedding, ids), ops.embedding(this.positionEmbedding, positions));
    return ops.reshape(x, [batch, len, this.config.hidden]);
  }

  /** Embeddings [batch, length, hidden] -> last_hidden_state: the layers and the final norm, the same device work for every prompt of a batch size. */
  encode(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.forward(x);
    return this.finalNorm.forward(x);
  }
}
