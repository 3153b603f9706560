// Summarises a V8 .cpuprofile (node --cpu-prof): self and inclusive time per function, inclusive
// counted once per sample. Optional filters keep only the samples whose stack has a frame whose
// "name file:line" contains each of them (e.g. one caller's captures:
//   node dist/bench/cpu-profile-summary.js run.cpuprofile "cached-steps.js:111" "replays.js:97").
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const [file, ...filters] = process.argv.slice(2);
if (!file) throw new Error('usage: node dist/bench/cpu-profile-summary.js <file.cpuprofile> [frame filter ...]');
const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n: ProfileNode) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/dist\//, '')}:${n.callFrame.lineNumber + 1}`;
const stack = (id: number) => {
  const keys: string[] = [];
  for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) keys.push(key(byId.get(x)!));
  return keys;
};
const self = new Map<string, number>(), inclusive = new Map<string, number>();
let total = 0;
p.samples.forEach((id, i) => {
  const ms = (p.timeDeltas[i] ?? 0) / 1000;
  const keys = stack(id);
  if (filters.some((f) => !keys.some((k) => k.includes(f)))) return;
  total += ms;
  self.set(keys[0]!, (self.get(keys[0]!) ?? 0) + ms);
  for (const k of new Set(keys)) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
});
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(1).padStart(9)} ms  ${k}`).join('\n');
console.log(`total ${total.toFixed(0)} ms${filters.length ? ` (samples under ${filters.join(' and ')})` : ''}\n--- self ---\n${top(self, 60)}\n--- inclusive ---\n${top(inclusive, 150)}`);
