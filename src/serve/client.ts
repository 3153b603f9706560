// A small client of the fisedit HTTP API (Node 20's fetch): what the load test and Node users call.
export interface ClientOptions {
  baseUrl: string;
  token?: string;
}

export class FiseditClient {
  constructor(readonly o: ClientOptions) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.o.baseUrl}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.o.token ? { authorization: `Bearer ${this.o.token}` } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Generates and waits for the result. */
  createSession(o: { prompt: string } & Record<string, unknown>) {
    return this.request<{ id: string; versions: unknown[]; error?: string }>('POST', '/api/sessions?wait=true', o);
  }

  /** Edits and waits for the result. */
  edit(id: string, o: { prompt: string } & Record<string, unknown>) {
    return this.request<{ id: string; current: number; versions: unknown[]; error?: string }>('POST', `/api/sessions/${id}/edits?wait=true`, o);
  }

  health() {
    return this.request<{ ok: boolean; rss: number; queued: number }>('GET', '/api/health');
  }
}

export interface LoadResult {
  clients: number;
  editsPerClient: number;
  requests: number;
  ok: number;
  failed: string[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  wallMs: number;
  rssMiB: number;
}

/** Many clients at once, each making a session and several edits; every answer is checked. */
export async function runLoad(client: FiseditClient, clients: number, edits: number, settings: Record<string, unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  const failed: string[] = [];
  const timed = async <T extends { status: number; body: { error?: string } }>(what: string, f: () => Promise<T>, want: number) => {
    const t0 = performance.now();
    const r = await f();
    latencies.push(performance.now() - t0);
    if (r.status !== want) failed.push(`${what}: ${r.status} ${r.body?.error ?? ''}`);
    return r;
  };
  const started = performance.now();
  let peakRss = 0;
  const sampler = setInterval(async () => { peakRss = Math.max(peakRss, (await client.health()).body.rss); }, 200);
  try {
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      const s = await timed(`client ${c} create`, () => client.createSession({ prompt: `a red cube number ${c}`, seed: c, ...settings }), 201);
      if (s.status !== 201) return;
      for (let e = 0; e < edits; e++) {
        const r = await timed(`client ${c} edit ${e}`, () => client.edit(s.body.id, { prompt: `a blue cube number ${c} with ${e + 1} hats`, denseSteps: 1 }), 201);
        if (r.status === 201 && r.body.current !== e + 1) failed.push(`client ${c} edit ${e}: current version ${r.body.current}, expected ${e + 1}`);
      }
    }));
  } finally {
    clearInterval(sampler);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    clients, editsPerClient: edits, requests: latencies.length, ok: latencies.length - failed.length, failed,
    p50Ms: Math.round(pct(0.5)), p99Ms: Math.round(pct(0.99)), maxMs: Math.round(latencies[latencies.length - 1] ?? 0),
    wallMs: Math.round(performance.now() - started), rssMiB: Math.round(peakRss / 2 ** 20),
  };
}
