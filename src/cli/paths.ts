// Where fisedit keeps what it builds for itself (the embedded default model).
import { join } from 'node:path';
import { DEFAULT_MODEL_VERSION } from '../default/tiny-model.js';
import { fiseditHome } from '../util/home.js';

export function defaultModelDir(): string {
  return join(fiseditHome(), `tiny-default-v${DEFAULT_MODEL_VERSION}`);
}
