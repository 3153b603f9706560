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
   * not, text encodings (the text encoder's layers; never urgent: a graph recorded at the generation)].
   */
  take(textEncoder: string): [number, number, number, number, number] {
    const decode = (c: { key: string }) => c.key.endsWith(' decode'), text = (c: { key: string }) => c.key.startsWith(`${textEncoder} `);
    const unet = this.calls.filter((c) => !text(c));
    const count = (d: boolean, u: boolean) => unet.filter((c) => decode(c) === d && c.urgent === u).length;
    const texts = this.calls.filter(text);
    assert.ok(texts.every((c) => !c.urgent), 'the text encoder never runs urgently');
    const r: [number, number, number, number, number] = [count(false, true), count(false, false), count(true, true), count(true, false), texts.length];
    this.calls = [];
    return r;
  }
}

it('an edit runs its U-Net calls urgently; a generation, prepareEdits and decoding (nor the text encoder) do not', () => {
  const ops = new WatchedBackend();
  const sd = StableDiffusion.load(ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny')), ops);
  const s = new EditSession(sd);
  const take = () => ops.take(sd.textEncoder.instance);
  s.generate({ prompt: 'a red cube', steps: 4, width: 64, height: 64 });
  assert.deepEqual(take(), [0, 4, 0, 1, 1], 'a generation: its prompts encoded, four U-Net calls and a decode, none urgent');
  const p = s.prepareEdits({ sizes: [0.1] });
  assert.ok(p.steps > 0, 'something was rehearsed');
  assert.deepEqual(take(), [0, p.steps, 0, 0, 1], 'a rehearsal: its prompt encoded, every call at leisure');
  const mask = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 0));
  s.edit('a blue cube', { mask });
  assert.deepEqual(take(), [4, 0, 0, 1, 1], 'an edit with a mask: its prompts encoded, four sparse steps urgent, its decode not');
  s.edit('a green cube', { denseSteps: 2 });
  assert.deepEqual(take(), [4, 0, 0, 1, 1], 'an edit with an automatic mask: its dense and sparse steps urgent');
});
