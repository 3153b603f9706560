/** An error the user caused (bad file, bad option); its message names the cause. */
export class FiseditError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FiseditError';
  }
}
