// bench/clocks.ts backToBack, the benches' energy a call (bench:unet's `backToBack`), with a stand-in
// for NVML's energy counter: how many calls it runs, that it synchronises before and after them and
// reads the counter outside them, and what it makes of the counter (or of no counter); the energy a
// FLOP the benches derive from it (withEnergyPerFlop), and a graph's replays per call (perCall). No GPU needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backToBack, energySecondsOption, perCall, withEnergyPerFlop } from '../bench/clocks.js';

describe('backToBack (bench/clocks.ts)', () => {
  it('runs the calls for the seconds asked, between two synchronisations, and reads the counter outside them', () => {
    const events: string[] = [];
    let mj = 1000;
    const counter = { energyMJ: () => (events.push(`energy ${mj}`), mj) };
    const call = () => { events.push('call'); mj += 500; };
    const r = backToBack(counter, call, () => events.push('sync'), 4, 0.02, 3);
    assert.equal(r.calls, 5, '20 ms of 4 ms calls');
    assert.deepEqual(events, ['sync', 'energy 1000', 'call', 'call', 'call', 'call', 'call', 'sync', 'energy 3500']);
    assert.equal(r.joulesPerCall, 0.5);
    assert.ok(r.msPerCall >= 0 && r.watts !== null && r.watts > 0);
  });

  it('runs at least minCalls, and gives no energy without a counter', () => {
    let calls = 0;
    const r = backToBack(undefined, () => calls++, () => {}, 50, 0.01, 7);
    assert.equal(calls, 7);
    assert.equal(r.calls, 7);
    assert.equal(r.joulesPerCall, null);
    assert.equal(r.watts, null);
  });

  it('gives no energy where NVML refuses the counter', () => {
    const refusing = { energyMJ: () => undefined };
    const r = backToBack(refusing, () => {}, () => {}, 1, 0.001, 1);
    assert.equal(r.joulesPerCall, null);
  });

  it('energy a FLOP: pJ from J a call and FLOPs a call, none without a counter', () => {
    const b = { calls: 100, msPerCall: 0.5, joulesPerCall: 0.38, watts: 700 };
    const r = withEnergyPerFlop(b, 2.2e11); // 0.38 J over 0.22 TFLOP
    assert.equal(r.pjPerFlop, 1.727);
    assert.equal(r.joulesPerCall, 0.38, 'the measure itself unchanged');
    assert.equal(withEnergyPerFlop({ ...b, joulesPerCall: null, watts: null }, 1e9).pjPerFlop, null);
  });

  it('per call: a replay of several calls divided among them, the power unchanged', () => {
    const r = perCall({ calls: 30, msPerCall: 1.2, joulesPerCall: 0.8, watts: 667 }, 10);
    assert.deepEqual(r, { calls: 300, msPerCall: 0.12, joulesPerCall: 0.08, watts: 667 });
    assert.equal(perCall({ calls: 3, msPerCall: 1, joulesPerCall: null, watts: null }, 4).joulesPerCall, null);
  });

  it('BENCH_ENERGY_S: seconds, the bench\'s own default where unset, and a clear error otherwise', () => {
    const was = process.env.BENCH_ENERGY_S;
    try {
      delete process.env.BENCH_ENERGY_S;
      assert.equal(energySecondsOption(3), 3);
      process.env.BENCH_ENERGY_S = '0';
      assert.equal(energySecondsOption(3), 0);
      process.env.BENCH_ENERGY_S = '1.5';
      assert.equal(energySecondsOption(0), 1.5);
      for (const bad of ['-1', 'three', '']) {
        process.env.BENCH_ENERGY_S = bad;
        assert.throws(() => energySecondsOption(3), /BENCH_ENERGY_S=.*seconds, 0 or more/);
      }
    } finally {
      if (was === undefined) delete process.env.BENCH_ENERGY_S;
      else process.env.BENCH_ENERGY_S = was;
    }
  });
});
