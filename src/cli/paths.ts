// Where fisedit keeps what it builds for itself (the embedded default model).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_VERSION } from '../default/tiny-model.js';

export function fiseditHome(): string {
  return process.env.FISEDIT_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fisedit');
}

export function defaultModelDir(): string {
  return join(fiseditHome(), `tiny-default-v${DEFAULT_MODEL_VERSION}`);
}
