// A byte-level BPE vocabulary in CLIP's layout, learned from a small built-in word list, so the
// embedded default model has a real tokenizer without downloading CLIP's 49408-token one.
// Layout: 256 byte symbols, the same 256 with "</w>", one token per learned merge, then
// <|startoftext|> and <|endoftext|> (CLIP orders its vocabulary the same way).
import { BOS, EOS, byteToUnicode } from '../text/clip-tokenizer.js';

const CORPUS = `a photo of an astronaut riding a horse on mars dog cat sitting on the sofa with hat its head
red blue green yellow white black cube sphere mountain snow river lake forest city street night sky
sunset sunrise beach ocean painting portrait landscape oil watercolor digital art trending artstation
highly detailed sharp focus cinematic lighting castle dragon flower garden house tree car boat bird
person man woman child smiling wearing glasses table chair window room kitchen bowl fruit apple
in the and under over next to behind front golden hour realistic 4k 8k style by old new small large`;

export interface LearnedBpe {
  vocab: Record<string, number>;
  merges: [string, string][];
}

export function learnBpe(merges: number): LearnedBpe {
  const bytes = byteToUnicode();
  const words = CORPUS.split(/\s+/).filter(Boolean).map((w) => {
    const syms = [...Buffer.from(w, 'utf8')].map((b) => bytes[b]!);
    syms[syms.length - 1] += '</w>';
    return syms;
  });
  const learned: [string, string][] = [];
  for (let m = 0; m < merges; m++) {
    const counts = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.length; i++) {
      const key = `${w[i]} ${w[i + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    if (counts.size === 0) break;
    // most frequent pair; ties broken by the pair's text, so the result never depends on map order
    const [best] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const [l, r] = best.split(' ') as [string, string];
    learned.push([l, r]);
    for (const w of words)
      for (let i = 0; i + 1 < w.length; i++)
        if (w[i] === l && w[i + 1] === r) w.splice(i, 2, l + r);
  }
  const vocab: Record<string, number> = {};
  let id = 0;
  for (const s of bytes) vocab[s] = id++;
  for (const s of bytes) vocab[`${s}</w>`] = id++;
  for (const [l, r] of learned) if (!(l + r in vocab)) vocab[l + r] = id++;
  vocab[BOS] = id++;
  vocab[EOS] = id++;
  return { vocab, merges: learned };
}
