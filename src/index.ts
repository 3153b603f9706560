// The public API.
export { CpuBackend } from './backend/cpu/cpu.js';
export type { Backend } from './backend/backend.js';
export { Tensor } from './tensor/tensor.js';
export { FiseditError } from './io/errors.js';
export { SafetensorsFile, writeSafetensors } from './io/safetensors.js';
export { encodePng, decodePng, type Image } from './io/png.js';
export { ClipTokenizer } from './text/clip-tokenizer.js';
export { ModelFolder } from './pipeline/model-folder.js';
export { StableDiffusion, toImage, type GenerateOptions, type Generation } from './pipeline/text-to-image.js';
export { createScheduler, SCHEDULER_NAMES, type Scheduler } from './schedulers/index.js';
export { ensureTinyModel, writeTinyModel } from './default/tiny-model.js';
export { Random } from './util/random.js';
export { EditSession, type EditOptions, type Version } from './edit/session.js';
export { UNetMacCounter } from './edit/macs.js';
export { maskFromPng, maskToPng } from './edit/mask-image.js';
export { createBackend } from './backend/index.js';
