// HostCosts: host time by kind, counted per call (failing calls included), reset by take().
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
});
