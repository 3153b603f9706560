// The model code's tidy scopes, checked on the cpu backend (whose tidy frees nothing: the garbage
// collector does). A backend that frees a scope's tensors when it ends, as the cuda backend gives
// their memory back to its pool, must never be handed one of them afterwards: here every op's
// tensors are checked against the storages the scopes have ended, through a generation, a rehearsal,
// masked and automatic edits and their decodes. And the U-Net's and the VAE's scopes must end
// within a call, so that a recorded call holds a few maps at a time, not every intermediate.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { EditSession } from '../src/edit/session.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { Tensor, scopeResults } from '../src/tensor/tensor.js';
import { tempDir } from './helpers.js';

/** The tensors in an op's arguments or result: tensors, and those inside arrays, maps and plain objects. */
function tensorsIn(x: unknown, found: Tensor[] = [], depth = 0): Tensor[] {
  if (x instanceof Tensor) found.push(x);
  else if (depth > 4 || x === null || typeof x !== 'object' || ArrayBuffer.isView(x)) return found;
  else if (Array.isArray(x)) for (const v of x) tensorsIn(v, found, depth + 1);
  else if (x instanceof Map) for (const v of x.values()) tensorsIn(v, found, depth + 1);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) tensorsIn(v, found, depth + 1);
  return found;
}

/** The cpu backend with scopes that end as the cuda backend's do, as a proxy: every op's inputs checked, its outputs owned by the scope they were made in. */
class ScopeChecker {
  private readonly scopes: Set<object>[] = [];
  private readonly owner = new WeakMap<object, Set<object>>();
  private readonly kept = new WeakSet<object>();
  private readonly ended = new WeakSet<object>();
  private readonly bytes = new WeakMap<object, number>();
  /** Bytes of the storages the open scopes own now, the most since reset(), and all made since. */
  live = 0;
  peak = 0;
  made = 0;
  readonly ops: CpuBackend;

  constructor(target: CpuBackend) {
    this.ops = new Proxy(target, {
      get: (t, name, receiver) => {
        const v = Reflect.get(t, name, receiver);
        if (typeof v !== 'function' || name === 'constructor') return v;
        if (name === 'tidy') return <T>(f: () => T) => this.tidy(f);
        if (name === 'keep') return (x: Tensor) => (this.kept.add(x.storage as object), t.keep(x));
        if (name === 'dispose') return (x: Tensor) => (this.end(x.storage as object), t.dispose(x));
        return (...args: unknown[]) => {
          for (const x of tensorsIn(args))
            if (this.ended.has(x.storage as object)) throw new Error(`${String(name)} was handed a tensor ${JSON.stringify(x.shape)} whose scope had ended`);
          const r: unknown = v.apply(t, args);
          for (const x of tensorsIn(r)) this.own(x);
          return r;
        };
      },
    });
  }

  reset(): void {
    this.peak = this.live;
    this.made = 0;
  }

  private own(x: Tensor): void {
    const s = x.storage as object, scope = this.scopes[this.scopes.length - 1];
    if (!scope || this.owner.has(s) || this.kept.has(s)) return; // a view of a storage already placed or kept, or made outside any scope (an ended one never gets here: its op threw)
    const b = x.size * 4;
    this.owner.set(s, scope);
    this.bytes.set(s, b);
    scope.add(s);
    this.live += b;
    this.made += b;
    this.peak = Math.max(this.peak, this.live);
  }

  /** A storage given back: by its scope's end, or disposed (which the cuda backend does at once, in a scope or not). */
  private end(s: object): void {
    if (this.ended.has(s)) return;
    this.ended.add(s);
    this.disown(s);
  }

  private disown(s: object): void {
    const scope = this.owner.get(s);
    if (!scope) return;
    scope.delete(s);
    this.owner.delete(s);
    this.live -= this.bytes.get(s)!;
  }

  private tidy<T>(f: () => T): T {
    const scope = new Set<object>();
    this.scopes.push(scope);
    let r: T;
    try {
      r = f();
    } finally {
      this.scopes.pop();
    }
    const parent = this.scopes[this.scopes.length - 1];
    for (const x of scopeResults(r)) {
      const s = x.storage as object;
      if (!scope.has(s)) continue;
      if (parent) (scope.delete(s), parent.add(s), this.owner.set(s, parent));
      else this.disown(s); // outlives every scope, as the pool's persisted buffers
    }
    for (const s of [...scope]) if (this.kept.has(s)) this.disown(s);
    else this.end(s);
    return r;
  }
}

it('the model code hands no op a tensor whose tidy scope has ended, and its U-Net and VAE calls hold a part of what they make', () => {
  const checker = new ScopeChecker(new CpuBackend());
  const ops = checker.ops;
  const sd = StableDiffusion.load(ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny')), ops);
  // one U-Net call and one decode alone: the most they hold at once, against all they make
  const sample = ops.fromHost(new Float32Array(2 * 8 * 8 * 4).map((_, i) => Math.sin(i)), [2, 8, 8, 4]);
  const { context } = sd.encodeText(['a red cube', '']);
  checker.reset();
  ops.tidy(() => sd.unet.forward(sample, [500, 500], context));
  const unet = { peak: checker.peak, made: checker.made };
  checker.reset();
  ops.tidy(() => sd.vae.decode(ops.fromHost(new Float32Array(8 * 8 * 4), [1, 8, 8, 4])));
  const vae = { peak: checker.peak, made: checker.made };
  assert.ok(unet.made > 0 && unet.peak < 0.5 * unet.made, `a U-Net call held ${unet.peak} of the ${unet.made} bytes it made at once`);
  assert.ok(vae.made > 0 && vae.peak < 0.5 * vae.made, `a decode held ${vae.peak} of the ${vae.made} bytes it made at once`);

  // the paths that run the model code under the edit engine's step contexts
  const s = new EditSession(sd);
  s.generate({ prompt: 'a red cube', steps: 4, width: 64, height: 64 });
  assert.ok(s.prepareEdits({ sizes: [0.1] }).steps > 0, 'something was rehearsed');
  s.edit('a blue cube', { mask: Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0)) });
  s.edit('a green cube', { denseSteps: 2 });
});
