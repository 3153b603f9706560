// ResnetBlock2D: GroupNorm, SiLU, 3x3 conv, + projected time embedding, GroupNorm, SiLU,
// 3x3 conv, plus the (1x1-projected when channels change) input, over output_scale_factor.
import type { Tensor } from '../tensor/tensor.js';
import { Conv2d, GroupNorm } from './layers.js';
import type { Params } from './params.js';
import type { StepContext } from './step-context.js';

export interface ResnetOptions {
  inChannels: number;
  outChannels: number;
  groups: number;
  eps: number;
  /**
   * Whether it adds a projection of the time embedding (the U-Net's resnets; not the VAE's). The
   * projection's weights are the model's to load (StackedLinear: all resnets' in one GEMM).
   */
  timeShift?: boolean;
  outputScale?: number;
}

export class ResnetBlock2D {
  private readonly norm1: GroupNorm;
  private readonly conv1: Conv2d;
  /** Its time-embedding projection's module name: the key of its shift in StepContext.timeShifts' map. */
  private readonly timeEmbProj: string | undefined;
  private readonly norm2: GroupNorm;
  private readonly conv2: Conv2d;
  private readonly shortcut: Conv2d | undefined;
  private readonly outputScale: number;

  constructor(p: Params, o: ResnetOptions) {
    this.norm1 = new GroupNorm(p.at('norm1'), o.groups, o.inChannels, o.eps);
    this.conv1 = new Conv2d(p.at('conv1'), o.inChannels, o.outChannels, 3);
    this.timeEmbProj = o.timeShift ? p.at('time_emb_proj').name : undefined;
    this.norm2 = new GroupNorm(p.at('norm2'), o.groups, o.outChannels, o.eps);
    this.conv2 = new Conv2d(p.at('conv2'), o.outChannels, o.outChannels, 3);
    this.shortcut = o.inChannels !== o.outChannels ? new Conv2d(p.at('conv_shortcut'), o.inChannels, o.outChannels, 1) : undefined;
    this.outputScale = o.outputScale ?? 1;
  }

  /**
   * x [N, H, W, Cin], or with `skip` (an up block's skip connection) x ++ skip; shifts: the step's
   * time-embedding projections by name ([N, Cout] each; StepContext.timeShifts).
   */
  forward(ctx: StepContext, input: Tensor, shifts?: ReadonlyMap<string, Tensor>, skip?: Tensor): Tensor {
    const ops = ctx.ops;
    // read by conv1 (norm1 within its windows) and, as conv2's residual, where conv2 writes: within conv2's windows
    const x = skip ? ctx.concat(input, skip, [this.conv1, this.conv2]) : input;
    const temb = this.timeEmbProj === undefined ? undefined : shifts?.get(this.timeEmbProj);
    if (this.timeEmbProj !== undefined && !temb) throw new Error(`${this.timeEmbProj}: no time-embedding projection given`);
    // h + temb is what norm2 normalises: the context folds temb into norm2's statistics and affine
    const h = ctx.conv(this.conv1, x, this.norm1, true);
    // the projected shortcut as conv2's residual for the context to run (a sparse step: with conv2)
    const sum = ctx.conv(this.conv2, h, this.norm2, true, this.shortcut ? { conv: this.shortcut, x } : x, temb);
    return this.outputScale === 1 ? sum : ops.scale(sum, 1 / this.outputScale);
  }
}
