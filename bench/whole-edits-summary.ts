// One line per bench:edit log: its whole 50-step edits, each as round (and bin), edit size, wall
// clock, first sparse step, the later steps' GPU time, and the host costs its first step paid that a
// warm process would not (trials, heuristic, first launches), for a device run's output. Usage:
//   node dist/bench/whole-edits-summary.js <bench:edit log> [...]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface WholeEdit {
  round: number | string;
  bin?: string;
  editSize: number;
  wallS: number;
  firstSparseStepMs: number;
  /** prepareEdits({ masks }) before the edit, where the bench sent its mask ahead. */
  maskSentAheadMs?: number;
  /** Device memory every recorded graph held after the edit. */
  recordingsMiB?: number;
  laterSparse: { gpuMsPerStep: number };
  hostCosts?: Record<string, { ms: number }>;
}

/** The host costs that only a family or shape met for the first time pays (the rest, recording, every edit pays). */
const FIRST_TIME = ['cuDNN timing trials', 'cuBLASLt timing trials', 'cuBLASLt heuristic', 'cuBLASLt first matmul'];
const PREFIX = 'whole 50-step edit:';

const files = process.argv.slice(2);
if (!files.length) throw new Error('usage: node dist/bench/whole-edits-summary.js <bench:edit log> [...]');
for (const file of files) {
  const edits = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith(PREFIX)).map((l) => JSON.parse(l.slice(PREFIX.length)) as WholeEdit);
  const line = edits.map((e) => {
    const paid = FIRST_TIME.map((k) => [k, e.hostCosts?.[k]?.ms ?? 0] as const).filter(([, ms]) => ms >= 1).map(([k, ms]) => `${k} ${ms}`);
    return `${e.round}${e.bin ? ` ${e.bin}` : ''} ${(e.editSize * 100).toFixed(1)}%: ${e.wallS} s${e.maskSentAheadMs !== undefined ? ` (mask sent ahead: ${e.maskSentAheadMs} ms)` : ''}, first ${e.firstSparseStepMs} ms${paid.length ? ` (${paid.join(', ')})` : ''}, later ${e.laterSparse.gpuMsPerStep} ms${e.recordingsMiB !== undefined ? `, recordings ${e.recordingsMiB} MiB` : ''}`;
  });
  console.log(`${basename(file)}: ${line.length ? line.join(' | ') : 'no whole edits'}`);
}
