// Page-locked host memory is kept for reuse when its views are collected (page-locking is the slow
// part of moving a cache to the host tier), up to a cap; beyond it, it goes back to the driver.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Driver, HostMemory } from '../src/backend/cuda/driver.js';
import { PinnedMemory } from '../src/backend/cuda/pinned.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** A driver that hands out ordinary memory as if it were page-locked, and records what it frees. */
function fakeDriver(): { driver: Driver; freed: bigint[] } {
  let next = 1;
  const freed: bigint[] = [];
  const driver = {
    hostAlloc: (bytes: number): HostMemory => ({ pointer: {}, host: BigInt(next), device: 4096 * next++, bytes }),
    hostView: (m: HostMemory) => new ArrayBuffer(m.bytes),
    hostFree: (host: bigint) => void freed.push(host),
  } as unknown as Driver;
  return { driver, freed };
}

/** Collects until `done` holds (finalizers run on a later turn of the event loop). */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

it('reuses page-locked memory whose views were collected, up to a cap', async () => {
  const { driver, freed } = fakeDriver();
  const pinned = new PinnedMemory(driver, 1500);
  (() => {
    const a = pinned.alloc(1024), b = pinned.alloc(1024);
    assert.equal(pinned.address(a.subarray(8)), 4096 + 8, 'a view knows its device address');
    assert.equal(pinned.address(b), 8192);
  })();
  assert.equal(pinned.locked, 2);
  await collectUntil(() => freed.length > 0);
  assert.equal(freed.length, 1, 'beyond the cap, memory goes back to the driver');
  const again = pinned.alloc(1024);
  assert.equal(pinned.reused, 1, 'the kept buffer serves the next allocation of its size');
  assert.equal(pinned.locked, 2, 'without locking more');
  assert.ok(pinned.address(again) !== undefined);
  pinned.alloc(512);
  assert.equal(pinned.locked, 3, 'other sizes lock memory of their own');
  assert.equal(pinned.address(new Uint8Array(8)), undefined, 'ordinary memory has no device address');
});
