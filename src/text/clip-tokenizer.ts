// The CLIP BPE tokenizer: normalise (NFC, collapse whitespace, lower-case), split into words by
// CLIP's pattern, map each word's UTF-8 bytes to printable characters (GPT-2's byte table),
// mark the word end with "</w>", merge pairs by rank, look the pieces up. The special tokens
// are recognised verbatim before anything else. Sequences get <|startoftext|> ... <|endoftext|>
// and are padded (with the pad token) or truncated to the model's length.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FiseditError } from '../io/errors.js';

export const BOS = '<|startoftext|>';
export const EOS = '<|endoftext|>';
const WORD = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

/** GPT-2's reversible map from bytes to printable unicode characters. */
export function byteToUnicode(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return table;
}

export interface Encoded {
  /** Exactly `length` ids: BOS, tokens, EOS, padding. */
  ids: Int32Array;
  /** Tokens of the prompt that did not fit (empty when nothing was cut). */
  truncated: string[];
  /** Number of prompt tokens kept (without BOS/EOS). */
  kept: number;
}

export class ClipTokenizer {
  private readonly bytes = byteToUnicode();
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, string[]>();
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;

  constructor(private readonly vocab: ReadonlyMap<string, number>, merges: readonly (readonly [string, string])[], readonly length = 77, padToken = EOS) {
    this.ranks = new Map(merges.map(([a, b], i) => [`${a} ${b}`, i]));
    const id = (t: string) => {
      const v = vocab.get(t);
      if (v === undefined) throw new FiseditError(`tokenizer vocabulary lacks the special token ${t}`);
      return v;
    };
    this.bos = id(BOS);
    this.eos = id(EOS);
    this.pad = id(padToken);
  }

  /** From a diffusers tokenizer folder: tokenizer.json, or vocab.json + merges.txt. */
  static fromFolder(dir: string): ClipTokenizer {
    const length = readMaxLength(dir);
    const pad = readPadToken(dir);
    if (existsSync(join(dir, 'vocab.json')) && existsSync(join(dir, 'merges.txt'))) {
      const vocab = readJson(join(dir, 'vocab.json')) as Record<string, number>;
      const merges = readFileSync(join(dir, 'merges.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#version')).map((l) => splitMerge(l, 'merges.txt'));
      return new ClipTokenizer(new Map(Object.entries(vocab)), merges, length, pad);
    }
    if (existsSync(join(dir, 'tokenizer.json'))) {
      const t = readJson(join(dir, 'tokenizer.json')) as { model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] }; added_tokens?: { id: number; content: string }[] };
      if (t.model?.type !== 'BPE' || !t.model.vocab || !t.model.merges) throw new FiseditError(`${join(dir, 'tokenizer.json')}: expected a BPE model with vocab and merges`);
      const vocab = new Map(Object.entries(t.model.vocab));
      for (const a of t.added_tokens ?? []) vocab.set(a.content, a.id);
      const merges = t.model.merges.map((m) => (typeof m === 'string' ? splitMerge(m, 'tokenizer.json') : (m as [string, string])));
      return new ClipTokenizer(vocab, merges, length, pad);
    }
    throw new FiseditError(`no tokenizer in ${dir}: expected tokenizer.json, or vocab.json and merges.txt`);
  }

  /** Token ids of the text, without BOS/EOS, not truncated. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    const clean = text.normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();
    for (const m of clean.matchAll(WORD)) {
      const word = m[0];
      if (word === BOS || word === EOS) {
        ids.push(word === BOS ? this.bos : this.eos);
        continue;
      }
      for (const piece of this.bpe(word)) {
        const id = this.vocab.get(piece);
        if (id !== undefined) ids.push(id);
        else ids.push(this.eos); // CLIP's unknown token; unreachable with a complete byte vocabulary
      }
    }
    return ids;
  }

  /** BOS + tokens + EOS, truncated and padded to `length`. */
  encode(text: string): Encoded {
    const tokens = this.tokenize(text);
    const room = this.length - 2;
    const kept = tokens.slice(0, room);
    const ids = new Int32Array(this.length).fill(this.pad);
    ids[0] = this.bos;
    ids.set(kept, 1);
    ids[kept.length + 1] = this.eos;
    return { ids, kept: kept.length, truncated: tokens.slice(room).map((id) => this.decodeOne(id)) };
  }

  private idToToken: Map<number, string> | undefined;
  /** The readable text of one token id (for messages about truncation and alignment). */
  decodeOne(id: number): string {
    this.idToToken ??= new Map([...this.vocab].map(([t, i]) => [i, t]));
    const tok = this.idToToken.get(id) ?? '';
    const inverse = new Map(this.bytes.map((c, b) => [c, b]));
    const raw = [...tok.replace(/<\/w>$/, '')].map((c) => inverse.get(c) ?? 63);
    return Buffer.from(raw).toString('utf8');
  }

  private bpe(word: string): string[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const chars = [...Buffer.from(word, 'utf8')].map((b) => this.bytes[b]!);
    chars[chars.length - 1] += '</w>';
    let parts = chars;
    while (parts.length > 1) {
      let best = -1, bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const r = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
      }
      if (best < 0) break;
      const a = parts[best]!, b = parts[best + 1]!;
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(parts[i]!);
      }
      parts = next;
    }
    this.cache.set(word, parts);
    return parts;
  }
}

function splitMerge(line: string, file: string): [string, string] {
  const p = line.split(' ');
  if (p.length !== 2) throw new FiseditError(`${file}: bad merge line ${JSON.stringify(line)}`);
  return [p[0]!, p[1]!];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new FiseditError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function readTokenizerConfig(dir: string): Record<string, unknown> {
  const p = join(dir, 'tokenizer_config.json');
  return existsSync(p) ? (readJson(p) as Record<string, unknown>) : {};
}

function readMaxLength(dir: string): number {
  const v = readTokenizerConfig(dir).model_max_length;
  // Some exports write a huge sentinel when no limit was set; CLIP's text model has 77 positions.
  return typeof v === 'number' && Number.isInteger(v) && v > 2 && v <= 4096 ? v : 77;
}

function readPadToken(dir: string): string {
  const v = readTokenizerConfig(dir).pad_token;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return EOS;
}
