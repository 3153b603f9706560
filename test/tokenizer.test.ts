import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ClipTokenizer } from '../src/text/clip-tokenizer.js';
import { requireFixtures, tempDir } from './helpers.js';

const fixtures = requireFixtures();
const cases = (JSON.parse(readFileSync(join(fixtures, 'golden_tokenizer.json'), 'utf8')) as {
  cases: { prompt: string; input_ids_padded77: number[]; input_ids_untruncated: number[] }[];
}).cases;

describe('CLIP tokenizer', () => {
  for (const [model, form] of [['tiny-sd2', 'tokenizer.json'], ['tiny-sd15', 'vocab.json + merges.txt']] as const) {
    const tok = ClipTokenizer.fromFolder(join(fixtures, model, 'tokenizer'));
    it(`reproduces all ${cases.length} golden cases from ${form}`, () => {
      assert.equal(cases.length, 20);
      for (const c of cases) {
        assert.deepEqual([...tok.encode(c.prompt).ids], c.input_ids_padded77, c.prompt);
        assert.deepEqual([tok.bos, ...tok.tokenize(c.prompt), tok.eos], c.input_ids_untruncated, c.prompt);
      }
    });
  }

  it('says what truncation dropped', () => {
    const tok = ClipTokenizer.fromFolder(join(fixtures, 'tiny-sd15', 'tokenizer'));
    const e = tok.encode(`${'a '.repeat(80)}very long prompt`);
    assert.equal(e.kept, 75);
    assert.deepEqual(e.truncated, [...Array(5).fill('a'), 'very', 'long', 'prompt']);
    assert.deepEqual(tok.encode('a dog').truncated, []);
  });

  it('names a folder without tokenizer files', () => {
    assert.throws(() => ClipTokenizer.fromFolder(tempDir()), /no tokenizer in .*: expected tokenizer\.json, or vocab\.json and merges\.txt/);
  });
});
