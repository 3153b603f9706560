// The server as a process: many concurrent clients, then killed mid-edit and restarted.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FiseditClient, runLoad } from '../src/serve/client.js';
import { PACKAGE_ROOT } from '../src/verify/fixtures.js';
import { tempDir } from './helpers.js';

const home = tempDir('fisedit-home-');
const data = tempDir('fisedit-data-');
const small = { steps: 4, width: 64, height: 64 };

/** Starts `fisedit serve` on a free loopback port; resolves once it listens. */
function startServer(): Promise<{ proc: ChildProcess; client: FiseditClient }> {
  const proc = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js'), 'serve', '--port', '0', '--data', data], { env: { ...process.env, FISEDIT_HOME: home } });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c) => {
      out += c;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ proc, client: new FiseditClient({ baseUrl: m[1]! }) });
    });
    proc.stderr!.on('data', (c) => (out += c));
    proc.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

describe('the server under load and faults (loopback, tiny model)', { timeout: 10 * 60_000 }, () => {
  it('answers many concurrent clients, each with a session and several edits; none lost', async () => {
    const { proc, client } = await startServer();
    try {
      const r = await runLoad(client, 6, 2, small);
      process.stdout.write(`load: ${JSON.stringify(r)}\n`);
      assert.deepEqual(r.failed, []);
      assert.equal(r.requests, 6 * 3);
      const sessions = (await client.request<{ sessions: unknown[] }>('GET', '/api/sessions')).body.sessions;
      assert.equal(sessions.length, 6);
    } finally {
      proc.kill();
    }
  });

  it('killed mid-edit and restarted: no session lost, no cache file corrupt', async () => {
    let { proc, client } = await startServer();
    const s = await client.createSession({ prompt: 'a red cube', ...small, steps: 12 });
    assert.equal(s.status, 201);
    const first = await client.edit(s.body.id, { prompt: 'a blue cube', denseSteps: 2 });
    assert.equal(first.status, 201);
    const started = await client.request<{ job: string }>('POST', `/api/sessions/${s.body.id}/edits`, { prompt: 'a blue cube with a hat', denseSteps: 2 });
    assert.equal(started.status, 202);
    for (;;) {
      const job = await client.request<{ state: string; events: { type: string }[] }>('GET', `/api/jobs/${started.body.job}`);
      if (job.body.events.some((e) => e.type === 'progress')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    ({ proc, client } = await startServer());
    try {
      const after = await client.request<{ versions: { id: number }[]; current: number }>('GET', `/api/sessions/${s.body.id}`);
      assert.equal(after.status, 200);
      assert.deepEqual(after.body.versions.map((v) => v.id), [0, 1], 'the finished versions survive; the killed edit left nothing half-written');
      const files = readdirSync(join(data, 'sessions', s.body.id));
      assert.ok(files.includes('cache-0.safetensors') && files.includes('cache-1.safetensors'), files.join(', '));
      const again = await client.edit(s.body.id, { prompt: 'a blue cube with a hat', denseSteps: 2 });
      assert.equal(again.status, 201, JSON.stringify(again.body));
      const back = await client.edit(s.body.id, { prompt: 'a green cube', denseSteps: 2, from: 0 });
      assert.equal(back.status, 201, 'the reloaded caches of older versions read back intact');
    } finally {
      proc.kill();
    }
  });
});
