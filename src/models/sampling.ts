// Down- and upsampling between resolution levels.
import type { Tensor } from '../tensor/tensor.js';
import { Conv2d } from './layers.js';
import type { Params } from './params.js';
import type { StepContext } from './step-context.js';

/** Stride-2 3x3 conv. The U-Net pads 1 on every side; the VAE encoder pads only bottom/right. */
export class Downsample2D {
  private readonly conv: Conv2d;
  constructor(p: Params, channels: number, padding: 'symmetric' | 'bottom-right') {
    const pad = padding === 'symmetric' ? 1 : ([0, 1, 0, 1] as const);
    this.conv = new Conv2d(p.at('conv'), channels, channels, 3, { stride: 2, padding: pad });
  }
  forward(ctx: StepContext, x: Tensor): Tensor {
    return ctx.conv(this.conv, x);
  }
}

/** Nearest-neighbour 2x, then a 3x3 conv. */
export class Upsample2D {
  private readonly conv: Conv2d;
  constructor(p: Params, channels: number) {
    this.conv = new Conv2d(p.at('conv'), channels, channels, 3);
  }
  forward(ctx: StepContext, x: Tensor): Tensor {
    return ctx.conv(this.conv, ctx.upsample(x, this.conv));
  }
}
