// An edit's U-Net calls run with the user waiting (Backend.urgently: the cuda backend then borrows a
// nearby family's GEMM or convolution algorithm instead of timing candidates); a generation's and
// prepareEdits' calls, made at leisure, do not, nor does decoding.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { EditSession } from '../src/edit/session.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { tempDir } from './helpers.js';

/** The cpu backend, noting for each replayable call (a U-Net step, a decode) whether it ran urgently. */
class WatchedBackend extends CpuBackend {
  private depth = 0;
  calls: { key: string; urgent: boolean }[] = [];
  override urgently<T>(f: () => T): T {
    this.depth++;
    try {
      return super.urgently(f);
    } finally {
      this.depth--;
    }
  }
  override replayable(key: string, inputs: readonly Tensor[], f: (...inputs: Tensor[]) => Tensor[]): Tensor[] {
    this.calls.push({ key, urgent: this.depth > 0 });
    return super.replayable(key, inputs, f);
  }
  /**
   * The calls since the last take(), as [U-Net calls urgent, U-Net calls not, decodes urgent, decodes
   * not, the text's calls (the text encoder's layers, then the U-Net's keys and values of it: once a
   * prompt, graphs recorded at the generation)].
   */
  take(sd: StableDiffusion): [number, number, number, number, number] {
    const decode = (c: { key: string }) => c.key.endsWith(' decode');
    const text = (c: { key: string }) => c.key.startsWith(`${sd.textEncoder.instance} `) || c.key === `${sd.unet.instance} text keys values`;
    const unet = this.calls.filter((c) => !text(c));
    const count = (d: boolean, u: boolean) => unet.filter((c) => decode(c) === d && c.urgent === u).length;
    const r: [number, number, number, number, number] = [count(false, true), count(false, false), count(true, true), count(true, false), this.calls.filter(text).length];
    this.calls = [];
    return r;
  }
}

it('an edit runs its U-Net calls urgently; a generation, prepareEdits and decoding do not', () => {
  const ops = new WatchedBackend();
  const sd = StableDiffusion.load(ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny')), ops);
  const s = new EditSession(sd);
  const take = () => ops.take(sd);
  s.generate({ prompt: 'a red cube', steps: 4, width: 64, height: 64 });
  assert.deepEqual(take(), [0, 4, 0, 1, 2], 'a generation: its prompts encoded, four U-Net calls and a decode, none urgent');
  const p = s.prepareEdits({ sizes: [0.1] });
  assert.ok(p.steps > 0, 'something was rehearsed');
  assert.deepEqual(take(), [0, p.steps, 0, 0, 2], 'a rehearsal: its prompt encoded, every call at leisure');
  const mask = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0));
  s.edit('a blue cube', { mask });
  assert.deepEqual(take(), [4, 0, 0, 1, 2], 'an edit with a mask: its prompts encoded, four sparse steps urgent, its decode not');
  s.edit('a green cube', { denseSteps: 2 });
  assert.deepEqual(take(), [4, 0, 0, 1, 2], 'an edit with an automatic mask: its dense and sparse steps urgent');
});
