// Token alignment between the old and the new prompt for cross-attention control: a global
// (Needleman-Wunsch) alignment of the token sequences, BOS and EOS included, scoring +1 for the
// same token, -1 for a substitution and -1 for a gap. Matched and substituted pairs are aligned
// (a replaced word takes over the attention layout of the word it replaces); inserted tokens are
// not. Padding positions after the new EOS map to the old padding at the same offset.

/** For each position of the new (padded) sequence, the aligned old position or -1. */
export function alignTokens(oldTokens: readonly number[], newTokens: readonly number[], length: number): Int32Array {
  const n = oldTokens.length, m = newTokens.length;
  const score = Array.from({ length: n + 1 }, () => new Float64Array(m + 1));
  const move = Array.from({ length: n + 1 }, () => new Uint8Array(m + 1)); // 0 diagonal, 1 up (gap in new), 2 left (gap in old)
  for (let i = 1; i <= n; i++) { score[i]![0] = -i; move[i]![0] = 1; }
  for (let j = 1; j <= m; j++) { score[0]![j] = -j; move[0]![j] = 2; }
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) {
      const diag = score[i - 1]![j - 1]! + (oldTokens[i - 1] === newTokens[j - 1] ? 1 : -1);
      const up = score[i - 1]![j]! - 1, left = score[i]![j - 1]! - 1;
      // prefer the diagonal on ties, then a gap in the new sequence (deletion)
      if (diag >= up && diag >= left) { score[i]![j] = diag; move[i]![j] = 0; }
      else if (up >= left) { score[i]![j] = up; move[i]![j] = 1; }
      else { score[i]![j] = left; move[i]![j] = 2; }
    }
  const map = new Int32Array(length).fill(-1);
  for (let i = n, j = m; i > 0 || j > 0; ) {
    const mv = move[i]![j]!;
    if (mv === 0) { if (j - 1 < length) map[j - 1] = i - 1; i--; j--; }
    else if (mv === 1) i--;
    else j--;
  }
  for (let j = m; j < length; j++) map[j] = Math.min(length - 1, n + (j - m));
  return map;
}
