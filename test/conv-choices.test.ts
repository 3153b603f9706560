// ChoiceStore: the cuda backend's convolution choices (conv-tuning.ts), kept per GPU and cuDNN
// version in a JSON file so a machine pays the timing trials once; no GPU needed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChoiceStore } from '../src/backend/cuda/conv-tuning.js';

/** make(file) with FISEDIT_CUDNN_CHOICES set to `file` (by default a fresh one). */
function withFile<T>(make: (file: string) => T, file = join(mkdtempSync(join(tmpdir(), 'fisedit-choices-')), 'choices.json')): T {
  const before = process.env.FISEDIT_CUDNN_CHOICES;
  process.env.FISEDIT_CUDNN_CHOICES = file;
  try {
    return make(file);
  } finally {
    if (before === undefined) delete process.env.FISEDIT_CUDNN_CHOICES;
    else process.env.FISEDIT_CUDNN_CHOICES = before;
  }
}

const engine = { engine: 62, knobs: [[2, 18], [13, 1]] as [number, number][] };

describe('ChoiceStore', () => {
  it('remembers choices across instances, per GPU and cuDNN version, and merges what another process wrote', () => {
    withFile((file) => {
      const a = new ChoiceStore('H200', 91400);
      assert.equal(a.get('2,96,96,320 +bias'), undefined);
      a.set('2,96,96,320 +bias', engine);
      a.set('unpadded 640 +bias', 'legacy');
      const again = new ChoiceStore('H200', 91400);
      assert.deepEqual(again.get('2,96,96,320 +bias'), engine);
      assert.equal(again.get('unpadded 640 +bias'), 'legacy');
      // another GPU or cuDNN version starts afresh
      assert.equal(new ChoiceStore('H100', 91400).get('2,96,96,320 +bias'), undefined);
      assert.equal(new ChoiceStore('H200', 90100).get('2,96,96,320 +bias'), undefined);
      // a second process's choice, written meanwhile, survives this one's next write
      const other = new ChoiceStore('H200', 91400);
      other.set('48 +residual', 'legacy');
      a.set('24 +bias', engine);
      const all = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepEqual(Object.keys(all['H200 cudnn 91400']).sort(), ['2,96,96,320 +bias', '24 +bias', '48 +residual', 'unpadded 640 +bias']);
    });
  });

  it('treats an unreadable file as empty and replaces it at the next choice', () => {
    withFile((file) => {
      writeFileSync(file, '{ not json');
      const s = new ChoiceStore('H200', 91400);
      assert.equal(s.get('x'), undefined);
      s.set('x', 'legacy');
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { 'H200 cudnn 91400': { x: 'legacy' } });
    });
  });

  it('keeps a choice for the process where the file cannot be written', () => {
    // its folder would be inside a plain file
    const blocker = join(mkdtempSync(join(tmpdir(), 'fisedit-choices-')), 'a-file');
    writeFileSync(blocker, '');
    withFile(() => {
      const s = new ChoiceStore('H200', 91400);
      s.set('x', engine);
      assert.deepEqual(s.get('x'), engine);
    }, join(blocker, 'choices.json'));
  });
});
