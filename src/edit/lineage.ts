// Versions whose caches share buffers. An edit of a version whose cache is on the backend writes its
// sparse steps into the base's buffers in place (Backend.overwriteRows / overwriteBlocks), not into
// a copy of each (644 MiB a step at 768 px: 0.3-0.8 ms of a sparse step on the H200, and 25 GiB an
// edit), and keeps the rows it displaced. The buffers then hold the new version; exchanging the
// displaced rows with the buffers' (Backend.swapEach) gives the base again and leaves
// the new version's rows in their place, which exchanged again redo the edit. So the versions joined
// by such edits form a tree whose buffers hold one version at a time, and `materialize` walks the
// edits between the one they hold and the one wanted.
import type { Backend } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import { swapBack, type Displaced } from './cache.js';

/** An edit that wrote into its parent's buffers: the parent, and what the edit displaced. */
interface Edge {
  readonly parent: number;
  readonly displaced: readonly Displaced[];
}

export class Lineage {
  /** In-place edits, by the version each made. */
  private readonly edges = new Map<number, Edge>();
  /** The version the buffers of each tree hold, by the tree's root (absent: the root). */
  private readonly holding = new Map<number, number>();

  constructor(private readonly ops: Backend) {}

  /**
   * `child` was made by writing `displaced` into the buffers of `parent`, which held `parent` then:
   * they hold `child` now. Linked even when nothing was displaced (an empty mask): the child still
   * reads the parent's buffers, and must see them as the parent's whichever version they hold.
   */
  link(child: number, parent: number, displaced: readonly Displaced[]): void {
    if (this.edges.has(child)) throw new Error(`lineage: version ${child} already has a parent`);
    if (this.holds(parent) !== parent) throw new Error(`lineage: version ${parent}'s buffers did not hold it when ${child} was made`);
    this.edges.set(child, { parent, displaced });
    this.holding.set(this.root(parent), child);
  }

  /** Makes the buffers version v shares with others hold v (a no-op for a version that shares none). */
  materialize(v: number): void {
    const at = this.holds(v);
    if (at === v) return;
    const up = this.ancestry(at), down = this.ancestry(v);
    const common = up.find((x) => down.includes(x))!;
    // up from the version held to the common ancestor, undoing each edit; then down to v, redoing each
    for (const x of up.slice(0, up.indexOf(common))) this.across(x);
    for (const x of down.slice(0, down.indexOf(common)).reverse()) this.across(x);
    this.holding.set(this.root(v), v);
  }

  /**
   * Drops what no version still on the backend needs (`onBackend` says which are): the edit that made
   * a version gone from the backend with no edit made from it (buffers that hold it go back to its parent), and
   * a gone root's edge to its only child (the child becomes the root). Returns the tensors dropped
   * (the layers may still be a version's; the caller gives back those no one holds).
   */
  prune(onBackend: (id: number) => boolean): Tensor[] {
    const dropped: Tensor[] = [];
    const drop = (x: number) => {
      for (const d of this.edges.get(x)!.displaced) dropped.push(d.rows, d.layer);
      this.edges.delete(x);
    };
    for (let changed = true; changed; ) {
      changed = false;
      for (const [x, e] of this.edges) {
        const children = this.children(x), siblings = this.children(e.parent);
        if (!onBackend(x) && children.length === 0) {
          // buffers that hold x go back to its parent; holding another version, they have x's writes undone already
          if (this.holds(x) === x) this.materialize(e.parent);
          drop(x);
        } else if (!onBackend(e.parent) && !this.edges.has(e.parent) && siblings.length === 1) {
          this.materialize(x);
          drop(x);
          this.holding.delete(e.parent);
        } else continue;
        changed = true;
        break;
      }
    }
    return dropped;
  }

  /** Every tensor the edges hold (the layers written and the displaced rows). */
  tensors(): Tensor[] {
    return [...this.edges.values()].flatMap((e) => e.displaced.flatMap((d) => [d.layer, d.rows]));
  }

  /** The displaced rows the edges hold (what the lineage adds to the versions' caches). */
  rows(): Tensor[] {
    return [...this.edges.values()].flatMap((e) => e.displaced.map((d) => d.rows));
  }

  /** Forgets every edge, giving back the displaced rows (the versions are gone). */
  clear(): void {
    for (const t of this.rows()) this.ops.dispose(t);
    this.edges.clear();
    this.holding.clear();
  }

  /** The version the buffers of v's tree hold. */
  private holds(v: number): number {
    const r = this.root(v);
    return this.holding.get(r) ?? r;
  }

  private root(v: number): number {
    const a = this.ancestry(v);
    return a[a.length - 1]!;
  }

  /** v, its parent, ... up to its tree's root. */
  private ancestry(v: number): number[] {
    const a = [v];
    for (let e = this.edges.get(v); e; e = this.edges.get(e.parent)) a.push(e.parent);
    return a;
  }

  private children(v: number): number[] {
    return [...this.edges].filter(([, e]) => e.parent === v).map(([x]) => x);
  }

  /** Exchanges the rows edge x keeps with its layers': across the edit, whichever way the buffers stand. */
  private across(x: number): void {
    swapBack(this.ops, this.edges.get(x)!.displaced);
  }
}
