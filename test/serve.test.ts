// The HTTP API on the embedded tiny model: the whole flow, bad requests, the token, the queue,
// Server-Sent Events, persistence across server instances, the memory budget.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CpuBackend } from '../src/backend/cpu/cpu.js';
import { ensureTinyModel } from '../src/default/tiny-model.js';
import { maskToPng } from '../src/edit/mask-image.js';
import { EditSession, type PrepareOptions, type Preparation } from '../src/edit/session.js';
import { decodePng } from '../src/io/png.js';
import { StableDiffusion } from '../src/pipeline/text-to-image.js';
import { buildServer } from '../src/serve/server.js';
import { tempDir } from './helpers.js';

const model = ensureTinyModel(join(tempDir('fisedit-home-'), 'tiny'));
const sd = StableDiffusion.load(model, new CpuBackend());
const small = { steps: 4, width: 64, height: 64 }; // 8x8 latents
/** The cpu backend, telling the server that its first calls cost (as the cuda backend does). */
class CostlyFirstCalls extends CpuBackend {
  override readonly firstCallsCost = true;
}

type App = ReturnType<typeof buildServer>['app'];
async function call(app: App, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({ method, url, payload: payload as string | object | undefined, headers });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().includes('json') ? res.json() : res.rawPayload, headers: res.headers };
}

describe('HTTP API', () => {
  const { app } = buildServer({ sd, dataDir: tempDir() });
  after(() => app.close());

  it('generates, edits (automatic and painted masks), lists, serves pictures, goes back, deletes', async () => {
    const created = await call(app, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', ...small });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    assert.equal(created.body.versions.length, 1);
    const auto = await call(app, 'POST', `/api/sessions/${id}/edits?wait=true`, { prompt: 'a blue cube', denseSteps: 1 });
    assert.equal(auto.status, 201, JSON.stringify(auto.body));
    assert.equal(auto.body.current, 1);
    const painted = maskToPng(Uint8Array.from({ length: 64 }, (_, i) => (i < 16 ? 1 : 0)), 8, 8, 8).toString('base64');
    const byMask = await call(app, 'POST', `/api/sessions/${id}/edits?wait=true`, { prompt: 'a blue cube with a hat', mask: painted, from: 0 });
    assert.equal(byMask.status, 201, JSON.stringify(byMask.body));
    assert.equal(byMask.body.version.parent, 0);
    assert.equal(byMask.body.version.editSize, 0.25);
    const latentMask = maskToPng(new Uint8Array(64).fill(1), 8, 8).toString('base64');
    assert.equal((await call(app, 'POST', `/api/sessions/${id}/edits?wait=true`, { prompt: 'x', mask: latentMask })).status, 201);
    const listed = await call(app, 'GET', '/api/sessions');
    assert.deepEqual(listed.body.sessions.map((s: { id: string }) => s.id), [id]);
    for (const kind of ['image', 'mask', 'overlay']) {
      const pic = await call(app, 'GET', `/api/sessions/${id}/versions/2/${kind}.png`);
      assert.equal(pic.status, 200);
      assert.equal(pic.headers['content-type'], 'image/png');
      assert.equal(decodePng(pic.body as Buffer).width, 64);
    }
    assert.equal((await call(app, 'GET', `/api/sessions/${id}/versions/0/mask.png`)).status, 404);
    const back = await call(app, 'POST', `/api/sessions/${id}/checkout`, { version: 1 });
    assert.equal(back.body.current, 1);
    assert.equal((await call(app, 'DELETE', `/api/sessions/${id}`)).status, 204);
    assert.equal((await call(app, 'GET', `/api/sessions/${id}`)).status, 404);
  });

  it('answers bad requests with clear 4xx errors and stays up', async () => {
    const { body } = await call(app, 'POST', '/api/sessions?wait=true', { prompt: 'a cube', ...small });
    const id = body.id as string;
    const bad: [string, string, unknown, number, RegExp][] = [
      ['POST', '/api/sessions', '{"prompt": ', 400, /not valid JSON/],
      ['POST', '/api/sessions', { prompt: 'x', steps: 100000 }, 400, /steps must be <= 150/],
      ['POST', '/api/sessions', { prompt: 'x', width: 100 }, 400, /width must be multiple of 8/],
      ['POST', '/api/sessions', { prompt: 'x', width: 72, height: 64 }, 400, /width 72 must be a multiple of 32/],
      ['POST', '/api/sessions', { prompt: 'x', scheduler: 'heun' }, 400, /scheduler must be equal to one of the allowed values/],
      ['POST', '/api/sessions', { prompt: 'x', colour: 'red' }, 400, /must NOT have additional properties/],
      ['POST', '/api/sessions', {}, 400, /must have required property 'prompt'/],
      ['GET', '/api/sessions/00000000-0000-0000-0000-000000000000', undefined, 404, /no session/],
      ['GET', '/api/sessions/..%2F..%2Fetc', undefined, 404, /no session/],
      ['POST', `/api/sessions/${id}/edits`, { prompt: 'x', mask: maskToPng(new Uint8Array(25), 5, 5).toString('base64') }, 400, /mask is 5x5; it must be 8x8 \(latent\) or 64x64 \(image\)/],
      ['POST', `/api/sessions/${id}/edits`, { prompt: 'x', mask: Buffer.from('not a png').toString('base64') }, 400, /mask is not a PNG file/],
      ['POST', `/api/sessions/${id}/edits`, { prompt: 'x', from: 9 }, 400, /no version 9 in this session/],
      ['POST', `/api/sessions/${id}/checkout`, { version: 4 }, 400, /no version 4/],
      ['GET', `/api/sessions/${id}/versions/7/image.png`, undefined, 400, /no version 7/],
      ['GET', '/api/jobs/nope', undefined, 404, /no job/],
    ];
    for (const [method, url, payload, status, message] of bad) {
      const res = await call(app, method as 'GET', url, payload, typeof payload === 'string' ? { 'content-type': 'application/json' } : {});
      assert.equal(res.status, status, `${method} ${url}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error, message, `${method} ${url}`);
    }
    const big = await call(app, 'POST', '/api/sessions', { prompt: 'x'.repeat(13 * 2 ** 20) });
    assert.equal(big.status, 413);
    assert.equal((await call(app, 'GET', '/api/health')).body.ok, true);
    assert.equal((await call(app, 'GET', `/api/sessions/${id}`)).body.versions.length, 1, 'nothing in the session was lost');
  });
});

describe('HTTP API: token, queue bound, events, persistence, memory budget', () => {
  it('requires the bearer token when one is set', async () => {
    const { app } = buildServer({ sd, dataDir: tempDir(), token: 's3cret' });
    assert.equal((await call(app, 'GET', '/api/sessions')).status, 401);
    assert.equal((await call(app, 'GET', '/api/sessions', undefined, { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await call(app, 'GET', '/api/sessions', undefined, { authorization: 'Bearer s3cret' })).status, 200);
    assert.equal((await call(app, 'GET', '/api/sessions?token=s3cret')).status, 200);
    assert.equal((await call(app, 'GET', '/')).status, 200, 'the page itself is public; its API calls carry the token');
    await app.close();
  });

  it('refuses work beyond the queue bound with 429, and finishes what it took', async () => {
    const { app, queue } = buildServer({ sd, dataDir: tempDir(), queueLimit: 2 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(app, 'POST', '/api/sessions', { prompt: `cube ${i}`, ...small }));
    assert.deepEqual(answers.map((a) => a.status), [202, 202, 202, 429]);
    assert.match(answers[3]!.body.error, /queue is full/);
    for (const a of answers.slice(0, 3)) {
      const job = queue.get(a.body.job)!;
      await job.done;
      assert.equal(job.state, 'done');
    }
    await app.close();
  });

  it('streams progress as Server-Sent Events', async () => {
    const { app } = buildServer({ sd, dataDir: tempDir() });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const { body } = await call(app, 'POST', '/api/sessions', { prompt: 'a cube', ...small });
    const text = await new Promise<string>((resolve, reject) => {
      get(`${address}${body.events}`, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve(data));
      }).on('error', reject);
    });
    assert.match(text, /event: progress\ndata: \{"step":\d,"steps":4,"phase":"dense"\}/);
    assert.match(text, /event: done\ndata: \{"result":\{"id":"/);
    await app.close();
  });

  it('keeps sessions across server instances, and moves idle caches to disk under a budget', async () => {
    const dataDir = tempDir();
    const first = buildServer({ sd, dataDir, memoryBudget: 1 }); // every idle session's cache goes to disk
    const a = (await call(first.app, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', ...small })).body.id;
    const b = (await call(first.app, 'POST', '/api/sessions?wait=true', { prompt: 'a green ball', ...small })).body.id;
    const bytesA = first.store.get(a).memoryBytes();
    assert.equal(bytesA, 0, 'the idle session gave its cache to disk');
    const edited = await call(first.app, 'POST', `/api/sessions/${a}/edits?wait=true`, { prompt: 'a blue cube', mask: maskToPng(new Uint8Array(64).fill(1), 8, 8).toString('base64') });
    assert.equal(edited.status, 201, 'an offloaded cache comes back transparently');
    await first.app.close();
    const second = buildServer({ sd, dataDir });
    const listed = (await call(second.app, 'GET', '/api/sessions')).body.sessions.map((s: { id: string }) => s.id).sort();
    assert.deepEqual(listed, [a, b].sort());
    const again = await call(second.app, 'POST', `/api/sessions/${a}/edits?wait=true`, { prompt: 'a blue cube', mask: maskToPng(new Uint8Array(64), 8, 8).toString('base64'), from: 1 });
    assert.equal(again.status, 201);
    assert.equal(again.body.versions.length, 3);
    await second.app.close();
  });
});

describe('HTTP API: rehearsing edits after a generation', () => {
  it('warms up at start and prepares once per size, in jobs of their own, where first calls cost (not on the cpu)', async () => {
    const costly = StableDiffusion.load(model, new CostlyFirstCalls());
    // what each preparation did, each with one stand-in mask (the default 11 make the test slow)
    const runs: Preparation[] = [];
    const prepare = EditSession.prototype.prepareEditsAsync, warmUp = EditSession.warmUpAsync;
    EditSession.prototype.prepareEditsAsync = async function (this: EditSession, o?: PrepareOptions) {
      const p = await prepare.call(this, { ...o, sizes: [0.25] });
      runs.push(p);
      return p;
    };
    EditSession.warmUpAsync = async (s, o) => {
      const p = await warmUp(s, { ...o, sizes: [0.25] });
      runs.push(p);
      return p;
    };
    try {
      const { app: plain } = buildServer({ sd, dataDir: tempDir() });
      await call(plain, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', ...small });
      await plain.close();
      assert.equal(runs.length, 0, 'the cpu backend gains nothing by it');
      const { app, queue } = buildServer({ sd: costly, dataDir: tempDir() });
      const idle = async () => { while (queue.busy || queue.queued) await new Promise((r) => setTimeout(r, 5)); };
      await idle();
      assert.deepEqual(runs.map((p) => [p.steps, p.stopped]), [[2, false]], 'the warm-up: a 2-step generation at the default size, one dense and one sparse call rehearsed');
      await call(app, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', width: costly.defaultSize, height: costly.defaultSize, steps: 2 });
      await idle();
      assert.equal(runs.length, 1, 'the default size was prepared at start');
      await call(app, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', ...small });
      await idle();
      assert.deepEqual(runs.map((p) => [p.steps, p.stopped]).slice(1), [[2, false]], 'another size: prepared after its first generation');
      const other = await call(app, 'POST', '/api/sessions?wait=true', { prompt: 'a green ball', ...small });
      await idle();
      assert.equal(runs.length, 2, 'a size is prepared once per process');
      const edited = await call(app, 'POST', `/api/sessions/${other.body.id}/edits?wait=true`, { prompt: 'a green cube', denseSteps: 1 });
      assert.equal(edited.status, 201, JSON.stringify(edited.body));
      await app.close();
      const { app: cold, queue: q2 } = buildServer({ sd: costly, dataDir: tempDir(), warmUp: false });
      assert.equal(q2.busy || q2.queued > 0, false, 'warmUp: false starts idle');
      await cold.close();
    } finally {
      EditSession.prototype.prepareEditsAsync = prepare;
      EditSession.warmUpAsync = warmUp;
    }
  });
});

describe('HTTP API: a painted mask ahead of its prompt', () => {
  it('records the sparse steps of edits with it where first calls cost, says why not on the cpu, refuses bad masks', async () => {
    const painted = maskToPng(Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 3 ? 1 : 0)), 8, 8).toString('base64');
    const { app: plain } = buildServer({ sd, dataDir: tempDir() });
    const s0 = await call(plain, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', ...small });
    const refused = await call(plain, 'POST', `/api/sessions/${s0.body.id}/masks`, { mask: painted });
    assert.deepEqual([refused.status, refused.body.prepared, refused.body.why], [200, false, 'nothing to record ahead on the cpu backend']);
    await plain.close();
    const { app } = buildServer({ sd: StableDiffusion.load(model, new CostlyFirstCalls({ recordReplays: true })), dataDir: tempDir(), warmUp: false });
    const created = await call(app, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', ...small });
    const id = created.body.id as string;
    const prepared = await call(app, 'POST', `/api/sessions/${id}/masks?wait=true`, { mask: painted });
    // 4 steps, the first recording probabilities: a sparse step of each kind
    assert.deepEqual([prepared.status, prepared.body.prepared, prepared.body.steps, prepared.body.stopped], [201, true, 2, false], JSON.stringify(prepared.body));
    const edited = await call(app, 'POST', `/api/sessions/${id}/edits?wait=true`, { prompt: 'a blue cube', mask: painted });
    assert.equal(edited.status, 201, JSON.stringify(edited.body));
    const bad = await call(app, 'POST', `/api/sessions/${id}/masks?wait=true`, { mask: maskToPng(new Uint8Array(9), 3, 3).toString('base64') });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /mask/);
    assert.equal((await call(app, 'POST', `/api/sessions/${id}/masks`, {})).status, 400, 'no mask');
    assert.equal((await call(app, 'POST', '/api/sessions/nope/masks', { mask: painted })).status, 404);
    await app.close();
  });
});

describe('HTTP API: deleting a session', () => {
  it('gives its caches back at once, and its queued edits fail naming the deletion', async () => {
    /** The cpu backend, counting what it is given back. */
    class Counting extends CpuBackend {
      disposed = 0;
      override dispose(t: Parameters<CpuBackend['dispose']>[0]): void {
        this.disposed++;
        super.dispose(t);
      }
    }
    const ops = new Counting();
    const { app, queue } = buildServer({ sd: StableDiffusion.load(model, ops), dataDir: tempDir() });
    const id = (await call(app, 'POST', '/api/sessions?wait=true', { prompt: 'a red cube', ...small })).body.id as string;
    // another session's job holds the queue, so the edit waits and nothing computes meanwhile
    let release!: () => void;
    queue.submit('other', () => new Promise<void>((r) => (release = r)));
    const edit = await call(app, 'POST', `/api/sessions/${id}/edits`, { prompt: 'a blue cube', denseSteps: 1 });
    assert.equal(edit.status, 202);
    const before = ops.disposed;
    assert.equal((await call(app, 'DELETE', `/api/sessions/${id}`)).status, 204);
    assert.ok(ops.disposed > before, 'the cache was given back at the deletion');
    release();
    const job = queue.get(edit.body.job as string)!;
    await job.done;
    assert.equal(job.state, 'failed');
    assert.match(job.error!.message, /was deleted before this edit ran/);
    await app.close();
  });
});
