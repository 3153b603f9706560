// Where the host's time goes: summarises a V8 .cpuprofile (`node --cpu-prof` of a bench on the GPU
// machine, gzipped or not): self and inclusive time per function ("name file:line"), inclusive
// counted once per sample. Filters keep only the samples whose stack has a frame containing each of
// them (e.g. the first sparse steps' recordings of an edit's loop:
//   node dist/bench/cpu-profile-summary.js edit.cpuprofile.gz "editSteps " "cached-steps.js:134" "capture src/backend/cuda/replays.js").
// CALLS="<frame>|<frame>..." adds, for each frame named, how long each call took (a call: consecutive
// samples in or under that frame, filtered or not), e.g. CALLS="proposals src/backend/cuda/cublaslt.js" for the cuBLASLt heuristic.
// CALL_OF="<frame>" CALL_MS="<min>-<max>" keeps only the samples of that frame's calls that took min
// to max ms, and reports times per such call (e.g. a sparse step's steady recordings, without the
// first ones' timing trials: CALL_OF="capture src/backend/cuda/replays.js" CALL_MS=25-60).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const [file, ...filters] = process.argv.slice(2);
if (!file) throw new Error('usage: [CALLS="frame|frame..."] node dist/bench/cpu-profile-summary.js <file.cpuprofile[.gz]> [frame filter ...]');
const raw = readFileSync(file);
const p = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const named = (process.env.CALLS ?? '').split('|').filter(Boolean);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/dist\//, '')}:${n.callFrame.lineNumber + 1}`;
const stacks = new Map<number, string[]>();
const stack = (id: number) => {
  let keys = stacks.get(id);
  if (!keys) {
    keys = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) keys.push(key(byId.get(x)!));
    stacks.set(id, keys);
  }
  return keys;
};
// the calls CALL_OF / CALL_MS keep: which samples are theirs
const callOf = process.env.CALL_OF, [callMin, callMax] = (process.env.CALL_MS ?? '0-Infinity').split('-').map(Number) as [number, number];
const kept = new Set<number>();
let keptCalls = 0;
if (callOf) {
  let run: number[] = [], runMs = 0;
  const close = () => {
    if (run.length && runMs >= callMin && runMs <= callMax) (run.forEach((i) => kept.add(i)), keptCalls++);
    (run = []), (runMs = 0);
  };
  p.samples.forEach((id, i) => {
    if (stack(id).some((k) => k.includes(callOf))) (run.push(i), (runMs += (p.timeDeltas[i + 1] ?? 0) / 1000));
    else close();
  });
  close();
}
const self = new Map<string, number>(), inclusive = new Map<string, number>();
const calls = new Map<string, number[]>(), open = new Map<string, number>();
let total = 0;
// sample i lasts until sample i + 1 (timeDeltas[i] is the time since sample i - 1)
p.samples.forEach((id, i) => {
  const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
  const keys = stack(id);
  for (const frame of named) {
    if (keys.some((k) => k.includes(frame))) open.set(frame, (open.get(frame) ?? 0) + ms);
    else if (open.has(frame)) {
      (calls.get(frame) ?? calls.set(frame, []).get(frame)!).push(open.get(frame)!);
      open.delete(frame);
    }
  }
  if (filters.some((f) => !keys.some((k) => k.includes(f))) || (callOf && !kept.has(i))) return;
  total += ms;
  self.set(keys[0]!, (self.get(keys[0]!) ?? 0) + ms);
  for (const k of new Set(keys)) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
});
// per kept call where CALL_OF asks, else in all
const per = callOf ? Math.max(1, keptCalls) : 1;
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / per).toFixed(callOf ? 2 : 1).padStart(9)} ms  ${k}`).join('\n');
const scope = `${filters.length ? ` (samples under ${filters.join(' and ')})` : ''}${callOf ? `, per call of the ${keptCalls} calls of ${callOf} that took ${callMin}-${callMax} ms` : ''}`;
console.log(`total ${total.toFixed(0)} ms${scope}\n--- self ---\n${top(self, 60)}\n--- inclusive ---\n${top(inclusive, 150)}`);
for (const frame of named) {
  const c = (calls.get(frame) ?? []).sort((a, b) => a - b);
  if (!c.length) continue;
  const at = (q: number) => c[Math.min(c.length - 1, Math.floor(q * c.length))]!.toFixed(2);
  console.log(`${frame}: ${c.length} calls, ${c.reduce((a, b) => a + b, 0).toFixed(0)} ms; per call median ${at(0.5)} ms, p90 ${at(0.9)} ms, longest ${c[c.length - 1]!.toFixed(1)} ms`);
}
