// fastestCandidate (backend/cuda/trials.ts), the timing loop behind the cuda backend's cuDNN and
// cuBLASLt choices, against a driver that keeps a clock instead of a GPU: which candidate it picks,
// that every candidate's kernels are loaded before any is timed, that the runs are queued on the main
// stream (also while a graph is being recorded: on a stream of its own) behind a hold long enough for
// the host to queue them, and that its events are given back; the trials'
// scratch layout (operandLayout); and where the choices are kept and how a bench records them
// (choicesFile, bench/output.ts choicesSummary). No GPU needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Driver } from '../src/backend/cuda/driver.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choicesSummary } from '../bench/output.js';
import { COLD_BYTES, ChoiceStore, choicesFile, coldCopies, fastestCandidate, operandLayout } from '../src/backend/cuda/trials.js';

/** A stand-in driver: runs add their cost to a clock, events read it, a hold is noted. */
class ClockDriver {
  capturing = false;
  clock = 0;
  synchronized = 0;
  readonly holds: number[] = [];
  readonly live = new Set<{ at: number }>();
  /** Host milliseconds queuing a run costs (the trial must hold the stream longer than all of them). */
  queueMs = 0;
  readonly main = 'main';
  /** Waits for the main stream (what the trials run on; a wait for another stream fails the test). */
  synchronize(stream?: unknown): void {
    assert.equal(stream, 'main');
    this.synchronized++;
  }
  event(): { at: number } {
    const e = { at: NaN };
    this.live.add(e);
    return e;
  }
  record(e: { at: number }, inGraph: boolean, stream: unknown): void {
    assert.equal(inGraph, false);
    assert.equal(stream, 'main');
    e.at = this.clock;
  }
  elapsed(start: { at: number }, end: { at: number }): number { return end.at - start.at; }
  destroyEvent(e: { at: number }): void { this.live.delete(e); }
}

/**
 * Candidates that cost `ms` GPU milliseconds a run; loaded[i]: runs of candidate i before the first
 * timed one; syncedBefore: the main stream's waits before the first run.
 */
function candidates(d: ClockDriver, ms: number[], loaded: number[], syncedBefore: number[] = []): (() => void)[] {
  return ms.map((cost, i) => () => {
    if (syncedBefore.length === 0) syncedBefore.push(d.synchronized);
    if (d.live.size === 0) loaded[i]!++;
    d.clock += cost;
    const until = performance.now() + d.queueMs;
    while (performance.now() < until);
  });
}

describe('fastestCandidate', () => {
  it('picks the candidate of least GPU time, after one run of each that loads its kernels', () => {
    const d = new ClockDriver(), loaded = [0, 0, 0, 0], syncedBefore: number[] = [];
    const best = fastestCandidate(d as unknown as Driver, candidates(d, [5, 2, 3, 2.5], loaded, syncedBefore), (ms) => d.holds.push(ms));
    assert.equal(best, 1);
    assert.deepEqual(loaded, [1, 1, 1, 1]);
    // one hold, unless the host took longer than it to queue the runs (a loaded machine: the test
    // suite on two cores failed here once, holds 2); then each hold is longer than the one before
    assert.ok(d.holds.length >= 1 && d.holds.every((ms, i) => i === 0 || ms > d.holds[i - 1]!), `holds ${d.holds.join(', ')}`);
    assert.equal(d.live.size, 0, 'every event is destroyed');
    assert.deepEqual(syncedBefore, [1], 'waits for the main stream\'s queued work before the first run');
  });

  it('holds the stream again, longer, when queuing the runs took longer than the hold', () => {
    const d = new ClockDriver(), loaded = [0, 0];
    d.queueMs = 1; // 2 candidates x 3 runs x 1 ms > the first hold of 1 + 2 x 3 x 0.1 ms
    assert.equal(fastestCandidate(d as unknown as Driver, candidates(d, [1, 4], loaded), (ms) => d.holds.push(ms)), 0);
    assert.ok(d.holds.length >= 2 && d.holds[1]! > d.holds[0]!, `holds ${d.holds.join(', ')}`);
  });

  it('runs on the main stream while a graph is being recorded too, and gives back its events when a run throws', () => {
    const d = new ClockDriver();
    d.capturing = true;
    let calls = 0, syncedAtFirst = -1;
    const failing = () => {
      if (syncedAtFirst < 0) syncedAtFirst = d.synchronized;
      if (++calls > 1) throw new Error('launch failed');
    };
    assert.throws(() => fastestCandidate(d as unknown as Driver, [failing], (ms) => d.holds.push(ms)), /launch failed/);
    assert.equal(d.live.size, 0);
    assert.equal(syncedAtFirst, 1, 'the main stream waited for before the first run (it is not the one being recorded)');
  });
});

describe('operandLayout', () => {
  it('puts each present operand at a 256-byte boundary after the one before, and takes no room for an absent one', () => {
    // 100 halves (200 bytes, 256 with padding), none, 129 halves (258 bytes, 512), 1 half
    assert.deepEqual(operandLayout([100, 0, 129, 1], 2), { offsets: [0, -1, 256, 768], bytes: 1024 });
    assert.deepEqual(operandLayout([64], 4), { offsets: [0], bytes: 256 });
    assert.deepEqual(operandLayout([0, 0], 2), { offsets: [-1, -1], bytes: 0 });
  });
});

describe("the libraries' choices as a bench records them", () => {
  it('counts each machine\'s families and digests their choices, whatever their order in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fisedit-choices-')), saved = [process.env.FISEDIT_CUBLASLT_CHOICES, process.env.FISEDIT_CUDNN_CHOICES];
    try {
      process.env.FISEDIT_CUBLASLT_CHOICES = join(dir, 'lt.json');
      process.env.FISEDIT_CUDNN_CHOICES = join(dir, 'absent.json');
      assert.equal(choicesFile('cublaslt'), join(dir, 'lt.json'));
      const digest = (store: unknown) => {
        writeFileSync(join(dir, 'lt.json'), JSON.stringify(store));
        const s = choicesSummary();
        assert.deepEqual(Object.keys(s), ['cublaslt'], 'no cuDNN store, no entry');
        return s.cublaslt!;
      };
      const first = digest({ h200: { 'f1 n64': 2, 'f2 n128': 0 } });
      assert.equal(first.h200!.families, 2);
      assert.equal(digest({ h200: { 'f2 n128': 0, 'f1 n64': 2 } }).h200!.digest, first.h200!.digest);
      assert.notEqual(digest({ h200: { 'f1 n64': 3, 'f2 n128': 0 } }).h200!.digest, first.h200!.digest);
      writeFileSync(join(dir, 'lt.json'), '{ damaged');
      assert.deepEqual(choicesSummary(), {});
    } finally {
      ['FISEDIT_CUBLASLT_CHOICES', 'FISEDIT_CUDNN_CHOICES'].forEach((name, i) => {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      });
    }
  });
});

describe('ChoiceStore.chosen', () => {
  it("lends the nearest octave's choice only while the user waits and only from as near as `within` allows", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fisedit-chosen-')), 'choices.json');
    writeFileSync(file, JSON.stringify({ gpu: { 'f n512': 1 } }));
    const store = ChoiceStore.of<number>(file, 'gpu'), at = (o: number) => `f n${o}`;
    assert.equal(store.chosen(at, 300, false), 1, 'its own octave');
    assert.equal(store.chosen(at, 40, false), undefined, 'not urgent: a trial, no lending');
    assert.equal(store.chosen(at, 40, true, undefined, undefined, 1), undefined, 'n512 is three octaves from n64');
    assert.equal(store.chosen(at, 200, true, undefined, undefined, 1), 1, 'n256 takes the next octave up');
    const from: number[] = [];
    assert.equal(store.chosen(at, 100, true, (c) => c < 4, (o) => from.push(o)), 1, 'however far by default');
    assert.deepEqual(from, [256], "the nearest: n256, which keeps what it was lent (in this process)");
    assert.equal(store.chosen(at, 10, true, undefined, (o) => from.push(o)), 1);
    assert.deepEqual(from, [256, 128], 'n16 from n128, three octaves up: n64, refused above, kept nothing');
    assert.equal(store.chosen(at, 20, true, (c) => c < 1), undefined, 'a choice the shape cannot take is not lent');
  });
});

describe('coldCopies', () => {
  it("gives a trial COLD_BYTES' worth of its weights' copies, and at least one more than a candidate's timed runs", () => {
    // a 768 px sparse step's 12 x 12 convolution (1280 x 11520 halves, 29.5 MB): five copies, 147 MB
    const big = 1280 * 11520 * 2;
    assert.equal(coldCopies(big), 5);
    assert.ok(coldCopies(big) * big > COLD_BYTES && (coldCopies(big) - 1) * big < COLD_BYTES);
    // a 320 x 320 projection (200 KB): 656 copies; weights larger than COLD_BYTES: still four
    assert.equal(coldCopies(320 * 320 * 2), 656);
    assert.equal(coldCopies(2 * COLD_BYTES), 4);
    assert.equal(coldCopies(0), COLD_BYTES / 256);
  });
});
