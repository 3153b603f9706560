// Where the host's time goes in an edit: reads a V8 CPU profile (`node --cpu-prof` of bench:edit on
// the GPU machine, gzipped or not) and prints, for the samples inside EditSession's edit loop,
// the self time per function, and for the functions named on the command line how long each call
// took (a call: consecutive samples in or under it). PROFILE_WITHIN names another function than
// editSteps to break down (e.g. "capture ": recording a replayable call as a CUDA graph). Usage:
//   [PROFILE_WITHIN=<prefix>] node dist/bench/host-profile.js <profile.cpuprofile[.gz]> [function name prefix ...]
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, ...named] = process.argv.slice(2);
const within = process.env.PROFILE_WITHIN ?? 'editSteps ';
if (!file) throw new Error('usage: host-profile <profile.cpuprofile[.gz]> [function name prefix ...]');
const raw = readFileSync(file);
const profile = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
const stacks = new Map<number, string[]>();
function stackOf(id: number): string[] {
  let s = stacks.get(id);
  if (!s) {
    s = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) s.push(label(byId.get(x)!));
    stacks.set(id, s);
  }
  return s;
}

// sample i lasts until sample i + 1
const self = new Map<string, number>();
const calls = new Map<string, number[]>();
const open = new Map<string, number>();
let inLoop = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const stack = stackOf(id);
  for (const prefix of named) {
    const inside = stack.some((f) => f.startsWith(prefix));
    if (inside) open.set(prefix, (open.get(prefix) ?? 0) + ms);
    else if (open.has(prefix)) {
      (calls.get(prefix) ?? calls.set(prefix, []).get(prefix)!).push(open.get(prefix)!);
      open.delete(prefix);
    }
  }
  if (!stack.some((f) => f.startsWith(within))) return;
  inLoop += ms;
  self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + ms);
});

console.log(`${file}: ${inLoop.toFixed(0)} ms of samples in ${within.trim()}; self time per function:`);
for (const [f, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${ms.toFixed(1).padStart(9)} ms  ${f}`);
for (const prefix of named) {
  const c = (calls.get(prefix) ?? []).sort((a, b) => a - b);
  if (!c.length) continue;
  const at = (q: number) => c[Math.min(c.length - 1, Math.floor(q * c.length))]!.toFixed(2);
  console.log(`${prefix}: ${c.length} calls, ${c.reduce((a, b) => a + b, 0).toFixed(0)} ms; per call median ${at(0.5)} ms, p90 ${at(0.9)} ms, longest ${c[c.length - 1]!.toFixed(1)} ms`);
}
