// Where fisedit keeps what it makes for itself between runs: the embedded default model, the server's
// data, compiled kernels, the GPU libraries' choices for this machine.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function fiseditHome(): string {
  return process.env.FISEDIT_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fisedit');
}
