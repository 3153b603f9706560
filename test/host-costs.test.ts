// HostCosts: host time by kind, counted per call (failing calls included), what the longest call and noted calls were about, reset by take().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostCosts } from '../src/backend/cuda/host-costs.js';

describe('HostCosts', () => {
  it('adds calls and time per kind, returns f()s result, counts a call that throws, and starts afresh after take()', () => {
    const costs = new HostCosts();
    const busy = (ms: number) => {
      const t0 = performance.now();
      while (performance.now() - t0 < ms);
      return ms;
    };
    assert.equal(costs.time('plan', () => busy(3)), 3);
    costs.time('plan', () => busy(2));
    assert.throws(() => costs.time('first call', () => { throw new Error('library failed'); }), /library failed/);
    const taken = costs.take();
    assert.deepEqual(Object.keys(taken).sort(), ['first call', 'plan']);
    assert.equal(taken.plan!.calls, 2);
    assert.ok(taken.plan!.ms >= 5 && taken.plan!.ms < 500, `plan ms ${taken.plan!.ms}`);
    assert.equal(taken['first call']!.calls, 1);
    assert.deepEqual(costs.take(), {});
  });

  it('says what the longest call of a kind was about, asking only when a call is the longest so far, and lists what noted calls were about', () => {
    const costs = new HostCosts();
    const asked: string[] = [];
    const about = (what: string) => () => (asked.push(what), what);
    const busy = (ms: number) => () => {
      const t0 = performance.now();
      while (performance.now() - t0 < ms);
    };
    costs.time('first matmul', busy(1), about('64x77'));
    costs.time('first matmul', busy(20), about('1280x9216'));
    costs.time('first matmul', busy(1), about('320x4608'));
    costs.time('plan', busy(1));
    for (let i = 0; i < 10; i++) costs.note('borrowed choice', `family ${i} from n${2 ** i}`);
    const taken = costs.take();
    assert.equal(taken['first matmul']!.slowest!.of, '1280x9216');
    assert.ok(taken['first matmul']!.slowest!.ms >= 20, `slowest ${taken['first matmul']!.slowest!.ms}`);
    assert.deepEqual(asked, ['64x77', '1280x9216'], 'the third call was not the longest: not asked');
    assert.equal(taken.plan!.slowest, undefined);
    assert.equal(taken['borrowed choice']!.calls, 10);
    assert.equal(taken['borrowed choice']!.ms, 0);
    assert.deepEqual(taken['borrowed choice']!.of, Array.from({ length: 8 }, (_, i) => `family ${i} from n${2 ** i}`));
  });
});
