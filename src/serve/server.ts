// The HTTP API (fastify) and the web page. Sessions: create (generate), edit, list versions,
// fetch images / masks / overlays, go back to a version, delete. Work runs one job at a time
// through a fair, bounded queue; progress streams as Server-Sent Events.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { maskFromPng, maskToPng } from '../edit/mask-image.js';
import { EditSession, type EditOptions, type Preparation, type Version } from '../edit/session.js';
import { FiseditError, GpuOutOfMemory } from '../io/errors.js';
import type { StableDiffusion } from '../pipeline/text-to-image.js';
import { SCHEDULER_NAMES } from '../schedulers/index.js';
import { PACKAGE_ROOT } from '../verify/fixtures.js';
import { imagePng, overlayPng } from '../cli/images.js';
import { JobQueue, QueueFull, type Job } from './queue.js';
import { NotFound, SessionStore } from './store.js';

export interface ServerOptions {
  sd: StableDiffusion;
  dataDir: string;
  /** Bearer token every /api request must carry (header, or ?token= for EventSource and images). */
  token?: string;
  /** Jobs that may wait in the queue (default 32). */
  queueLimit?: number;
  /** Bytes of cache kept on the backend (GPU, or memory on the cpu) before idle sessions move theirs on (default 2 GiB). */
  memoryBudget?: number;
  /** With a GPU: bytes of cache kept in host memory before idle sessions move theirs to disk (default 8 GiB). */
  hostBudget?: number;
  /** Largest request body (default 12 MiB; a mask PNG travels as base64). */
  bodyLimit?: number;
  logger?: boolean;
  /**
   * Rehearse at start-up, as the first job: a throwaway 2-step generation at the model's default size
   * and prepareEdits on it, so the process's first generation and edits of that size do not pay the
   * backend's first calls (default: where those cost, Backend.firstCallsCost).
   */
  warmUp?: boolean;
}

const PAGE = join(PACKAGE_ROOT, 'src', 'serve', 'page');
const size = { type: 'integer', minimum: 8, maximum: 2048, multipleOf: 8 } as const;
const generateSchema = {
  type: 'object', additionalProperties: false, required: ['prompt'],
  properties: {
    prompt: { type: 'string', maxLength: 2000 }, negativePrompt: { type: 'string', maxLength: 2000 },
    steps: { type: 'integer', minimum: 1, maximum: 150 }, guidance: { type: 'number', minimum: 0, maximum: 30 },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 }, width: size, height: size,
    scheduler: { type: 'string', enum: Object.keys(SCHEDULER_NAMES) }, recordSteps: { type: 'integer', minimum: 0, maximum: 150 },
  },
} as const;
const editSchema = {
  type: 'object', additionalProperties: false, required: ['prompt'],
  properties: {
    prompt: { type: 'string', maxLength: 2000 },
    mask: { type: 'string', maxLength: 12 * 2 ** 20, description: '"auto" or a base64 PNG (latent or image size, white = edit)' },
    from: { type: 'integer', minimum: 0 }, denseSteps: { type: 'integer', minimum: 1, maximum: 150 },
    threshold: { anyOf: [{ type: 'string', enum: ['otsu'] }, { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }] },
    norm: { type: 'string', enum: ['exact', 'cached'] }, attention: { type: 'string', enum: ['accurate', 'fast'] },
    blocks: { anyOf: [{ type: 'string', enum: ['apsc'] }, { type: 'integer', minimum: 1, maximum: 64 }] },
  },
} as const;
const maskSchema = {
  type: 'object', additionalProperties: false, required: ['mask'],
  properties: {
    mask: { type: 'string', maxLength: 12 * 2 ** 20, description: 'a base64 PNG (latent or image size, white = edit)' },
    norm: editSchema.properties.norm, attention: editSchema.properties.attention, blocks: editSchema.properties.blocks,
  },
} as const;
const waitQuery = { type: 'object', properties: { wait: { type: 'boolean' }, token: { type: 'string' } } } as const;
const sessionParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const versionParams = { type: 'object', required: ['id', 'v'], properties: { id: { type: 'string', maxLength: 64 }, v: { type: 'integer', minimum: 0 } } } as const;

type GenerateBody = { prompt: string; negativePrompt?: string; steps?: number; guidance?: number; seed?: number; width?: number; height?: number; scheduler?: string; recordSteps?: number };
type EditBody = { prompt: string; mask?: string; from?: number; denseSteps?: number; threshold?: 'otsu' | number; norm?: 'exact' | 'cached'; attention?: 'accurate' | 'fast'; blocks?: 'apsc' | number };
type MaskBody = { mask: string } & Pick<EditBody, 'norm' | 'attention' | 'blocks'>;

export function versionSummary(v: Version) {
  return { id: v.id, parent: v.parent, prompt: v.prompt, editSize: v.editSize, truncated: v.truncated, timings: v.timings, edited: v.mask !== undefined };
}

export function sessionSummary(id: string, s: EditSession) {
  return { id, settings: s.generationSettings, current: s.current?.id, versions: s.versions.map(versionSummary), cacheBytes: s.cacheBytes().total };
}

export function buildServer(o: ServerOptions): { app: FastifyInstance; store: SessionStore; queue: JobQueue } {
  // unknown fields are errors, not silently dropped (ajv's removeAdditional is on by default in fastify)
  const app = Fastify({ logger: o.logger ?? false, bodyLimit: o.bodyLimit ?? 12 * 2 ** 20, ajv: { customOptions: { removeAdditional: false } } });
  const store = new SessionStore(o.dataDir, o.sd, o.memoryBudget ?? 2 * 2 ** 30, o.hostBudget ?? 8 * 2 ** 30);
  const queue = new JobQueue(o.queueLimit ?? 32);
  const sd = o.sd;

  app.addHook('onRequest', async (req, reply) => {
    if (!o.token || !req.url.startsWith('/api/')) return;
    const header = req.headers.authorization;
    const query = (req.query as { token?: string } | undefined)?.token;
    if (header !== `Bearer ${o.token}` && query !== o.token) return reply.code(401).send({ error: 'missing or wrong bearer token' });
  });

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, _req, reply) => {
    if (err instanceof NotFound) return reply.code(404).send({ error: err.message });
    if (err instanceof QueueFull) return reply.code(429).send({ error: err.message });
    if (err instanceof GpuOutOfMemory) return reply.code(503).send({ error: err.message });
    if (err instanceof FiseditError) return reply.code(400).send({ error: err.message });
    if (err.validation) return reply.code(400).send({ error: `invalid request: ${err.message}` });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    reply.log.error(err);
    return reply.code(500).send({ error: `internal error: ${err.message}` });
  });

  /** Answers with the job's result when asked to wait, else 202 with where to follow it. */
  async function answer(reply: FastifyReply, job: Job, wait: boolean | undefined, extra: Record<string, unknown> = {}) {
    if (!wait) return reply.code(202).send({ ...extra, job: job.id, events: `/api/jobs/${job.id}/events` });
    await job.done;
    if (job.state === 'failed') throw job.error;
    return reply.code(201).send(job.result);
  }

  app.get('/api/health', async () => ({ ok: true, queued: queue.queued, busy: queue.busy, sessions: store.ids().length, cacheBytesOnBackend: store.memoryBytes(), cacheBytesOnHost: store.hostBytes(), rss: process.memoryUsage().rss }));

  app.get('/api/sessions', async () => ({
    sessions: store.ids().map((id) => {
      const s = store.get(id);
      return { id, prompt: s.versions[0]?.prompt, versions: s.versions.length, current: s.current?.id };
    }),
  }));

  app.post('/api/sessions', { schema: { body: generateSchema, querystring: waitQuery } }, async (req: FastifyRequest<{ Body: GenerateBody; Querystring: { wait?: boolean } }>, reply) => {
    const b = req.body;
    const { width = sd.defaultSize, height = sd.defaultSize } = b;
    sd.latentSize(width, height); // a bad size is a 400 now, not a failed job later
    const { id, session } = store.create();
    const job = queue.submit(id, async (progress) => {
      try {
        await session.generateAsync({
          prompt: b.prompt, negativePrompt: b.negativePrompt, steps: b.steps ?? 20, guidanceScale: b.guidance, seed: b.seed ?? 0, width, height,
          scheduler: b.scheduler, recordSteps: b.recordSteps, onStep: (step, steps, phase) => progress({ step, steps, phase }),
        });
      } catch (e) {
        store.delete(id);
        throw e;
      }
      store.save(id);
      prepareEdits(id, session, `${width}x${height}`);
      return sessionSummary(id, session);
    });
    return answer(reply, job, req.query.wait, { id });
  });

  /**
   * After the process's first generation of a size, on a backend whose first calls cost (the GPU),
   * rehearse edits while the user writes one (EditSession.prepareEdits): a job of the session's own,
   * which any queued work or the session's deletion stops between two of its calls.
   */
  const prepared = new Set<string>();
  function prepareEdits(id: string, session: EditSession, size: string): void {
    if (!sd.backend.firstCallsCost || prepared.has(size) || queue.queued >= queue.limit) return;
    prepared.add(size);
    queue.submit(id, async () => unlessStopped(size, await session.prepareEditsAsync({ stop: () => queue.queued > 0 || !store.has(id) })));
  }
  /** A preparation that queued work cut short leaves its size to the next generation's. */
  function unlessStopped(size: string, p: Preparation): Preparation {
    if (p.stopped) prepared.delete(size);
    return p;
  }
  if (o.warmUp ?? sd.backend.firstCallsCost) {
    const size = `${sd.defaultSize}x${sd.defaultSize}`;
    prepared.add(size);
    queue.submit('warm-up', async () => unlessStopped(size, await EditSession.warmUpAsync(sd, { stop: () => queue.queued > 0 })));
  }

  app.get('/api/sessions/:id', { schema: { params: sessionParams } }, async (req: FastifyRequest<{ Params: { id: string } }>) => sessionSummary(req.params.id, store.get(req.params.id)));

  app.delete('/api/sessions/:id', { schema: { params: sessionParams } }, async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const session = store.delete(req.params.id);
    // its caches' memory back now (tens of GiB at 768 px), unless a job of the session still reads them
    if (session && !queue.runs(req.params.id)) session.close();
    return reply.code(204).send();
  });

  /** A session that has its generation, and how a mask sent to it as a base64 PNG reads (its latent mask). */
  function generated(id: string) {
    const session = store.get(id);
    const s = session.generationSettings;
    if (!s) throw new FiseditError('this session has no generation yet (its first job is still queued or failed)');
    return { session, painted: (png: string) => maskFromPng(Buffer.from(png, 'base64'), s.size[0], s.size[1], sd.vae.downFactor, 'mask') };
  }

  app.post('/api/sessions/:id/edits', { schema: { params: sessionParams, body: editSchema, querystring: waitQuery } }, async (req: FastifyRequest<{ Params: { id: string }; Body: EditBody; Querystring: { wait?: boolean } }>, reply) => {
    const id = req.params.id;
    const { session, painted } = generated(id);
    const b = req.body;
    if (b.from !== undefined) session.version(b.from);
    const mask = b.mask === undefined || b.mask === 'auto' ? 'auto' : painted(b.mask);
    const opts: EditOptions = {
      mask, from: b.from, denseSteps: b.denseSteps, threshold: b.threshold === undefined || b.threshold === 'otsu' ? 'otsu' : { targetSize: b.threshold },
      norm: b.norm, attention: b.attention, blocks: b.blocks,
    };
    const job = queue.submit(id, async (progress) => {
      if (!store.has(id)) throw new NotFound(`session "${id}" was deleted before this edit ran`);
      const v = await session.editAsync(b.prompt, { ...opts, onStep: (step, steps, phase) => progress({ step, steps, phase }) });
      if (store.has(id)) store.save(id);
      return { ...sessionSummary(id, session), version: versionSummary(v) };
    });
    return answer(reply, job, req.query.wait, { id });
  });

  /**
   * A mask the user has painted, sent before the prompt it will go with: on a backend whose first
   * calls cost (the GPU), a job of the session's own records the sparse steps of edits with that
   * mask (EditSession.prepareEdits' masks), so that the edit starts at once (~45 ms of recording at
   * 768 px when every step is sparse). Queued work or the session's deletion stops it.
   */
  app.post('/api/sessions/:id/masks', { schema: { params: sessionParams, body: maskSchema, querystring: waitQuery } }, async (req: FastifyRequest<{ Params: { id: string }; Body: MaskBody; Querystring: { wait?: boolean } }>, reply) => {
    const id = req.params.id;
    const { session, painted } = generated(id);
    const b = req.body;
    const mask = painted(b.mask);
    if (!sd.backend.firstCallsCost) return reply.code(200).send({ id, prepared: false, why: `nothing to record ahead on the ${sd.backend.name} backend` });
    const job = queue.submit(id, async () => ({ id, prepared: true, ...(await session.prepareEditsAsync({ masks: [mask], norm: b.norm, attention: b.attention, blocks: b.blocks, stop: () => queue.queued > 0 || !store.has(id) })) }));
    return answer(reply, job, req.query.wait, { id });
  });

  app.post('/api/sessions/:id/checkout', { schema: { params: sessionParams, body: { type: 'object', required: ['version'], additionalProperties: false, properties: { version: { type: 'integer', minimum: 0 } } } } }, async (req: FastifyRequest<{ Params: { id: string }; Body: { version: number } }>) => {
    const session = store.get(req.params.id);
    session.checkout(req.body.version);
    store.save(req.params.id);
    return sessionSummary(req.params.id, session);
  });

  const picture = (kind: 'image' | 'mask' | 'overlay') => async (req: FastifyRequest<{ Params: { id: string; v: number } }>, reply: FastifyReply) => {
    const session = store.get(req.params.id);
    const v = session.version(req.params.v);
    const s = session.generationSettings!;
    const f = sd.vae.downFactor;
    if (kind !== 'image' && !v.mask) throw new NotFound(`version ${v.id} is the generation: it has no mask`);
    const png = kind === 'image' ? imagePng(v.image, s.width, s.height) : kind === 'mask' ? maskToPng(v.mask!, s.size[0], s.size[1], f) : overlayPng(v.image, s.width, s.height, v.mask!, f);
    return reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=3600').send(png);
  };
  for (const kind of ['image', 'mask', 'overlay'] as const) app.get(`/api/sessions/:id/versions/:v/${kind}.png`, { schema: { params: versionParams } }, picture(kind));

  app.get('/api/jobs/:id', async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const job = queue.get(req.params.id);
    if (!job) throw new NotFound(`no job "${req.params.id}"`);
    return { id: job.id, session: job.key, state: job.state, events: job.events, error: job.error?.message };
  });

  app.get('/api/jobs/:id/events', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const job = queue.get(req.params.id);
    if (!job) throw new NotFound(`no job "${req.params.id}"`);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (e: { type: string; data: unknown }) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
    for (const e of job.events) send(e);
    if (job.state === 'done' || job.state === 'failed') return res.end();
    const listener = (e: { type: string; data: unknown }) => {
      send(e);
      if (e.type === 'done' || e.type === 'failed') {
        job.listeners.delete(listener);
        res.end();
      }
    };
    job.listeners.add(listener);
    req.raw.on('close', () => job.listeners.delete(listener));
  });

  const page = (file: string, type: string) => async (_req: FastifyRequest, reply: FastifyReply) => reply.header('content-type', type).send(readFileSync(join(PAGE, file)));
  app.get('/', page('index.html', 'text/html; charset=utf-8'));
  app.get('/app.js', page('app.js', 'text/javascript; charset=utf-8'));

  return { app, store, queue };
}
