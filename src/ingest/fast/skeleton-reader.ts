// The "skeleton" of a JSON line: what JSON.parse gives, restricted to the keys a mapper reads (a
// whitelist tree the reader declares), read by the native addon (native/json_skeleton.c), which
// validates the whole line but describes only those values. A 4.5 KB Shodan banner has ~100
// properties; its mapper reads ~25: the rest is neither decoded nor built. Without the addon (or
// for a line it is not sure of) there is no skeleton and the caller parses the line in full.
import { nativeScanner, type NativeScanner } from './native-scan.js';

/** Per key: "whole" (its value as JSON.parse gives it), "string" (the same, but any other type
 * than a string makes the line go to JSON.parse), or the tree of the object it holds (a value of
 * another type is then taken whole). */
export interface SkeletonTree {
  readonly [key: string]: SkeletonTree | 'whole' | 'string';
}

/** Entry kinds, as native/json_skeleton.c writes them. */
const OPEN = 0;
const ARRAY = 1;
const CLOSE = 2;
const SHORT = 3;
const LONG = 4;
const UTF8 = 5;
const JSON_TEXT = 6;
const NUMBER = 7;
const TRUE = 8;
const FALSE = 9;
/** Children in the flattened tree (as in the C file). */
const WHOLE = -1;
const WHOLE_STRING = -2;
/** Longer lines are parsed in full (the text buffer stays small). */
const MAX_LINE = 1 << 16;
const MAX_ENTRIES = 1024;

type Slice = (this: Uint8Array, start: number, end: number) => string;
const bufferProto = Buffer.prototype as unknown as { latin1Slice: Slice; utf8Slice: Slice };
const latin1Slice = bufferProto.latin1Slice;
const utf8Slice = bufferProto.utf8Slice;

/** The tree as the addon takes it: per node its key count, then (key index, child) pairs; keys once each. */
export function flattenSkeleton(tree: SkeletonTree): { nodes: Int32Array; keys: string[] } {
  const keys: string[] = [];
  const nodes: number[] = [];
  const put = (t: SkeletonTree): number => {
    const at = nodes.length;
    const entries = Object.entries(t);
    nodes.push(entries.length, ...entries.flatMap(() => [0, 0]));
    entries.forEach(([key, child], i) => {
      // an own "__proto__" property cannot be made by assignment
      if (key === '__proto__') throw new Error('a skeleton cannot hold "__proto__"');
      if (!keys.includes(key)) keys.push(key);
      nodes[at + 1 + 2 * i] = keys.indexOf(key);
      nodes[at + 2 + 2 * i] = child === 'whole' ? WHOLE : child === 'string' ? WHOLE_STRING : put(child);
    });
    return at;
  };
  put(tree);
  return { nodes: Int32Array.from(nodes), keys };
}

export class SkeletonReader {
  private readonly entries = new Int32Array(4 * (MAX_ENTRIES + 1));
  private readonly numbers = new Float64Array(MAX_ENTRIES);
  /** Decoded strings: short ones in the front half, long ones in the back half. */
  private readonly text = Buffer.allocUnsafe(4 * MAX_LINE);
  private readonly keys: string[];
  private readonly handle: object;
  private readonly stack: Array<Record<string, unknown> | unknown[]> = [];

  private constructor(
    private readonly lib: NativeScanner,
    tree: SkeletonTree,
  ) {
    const { nodes, keys } = flattenSkeleton(tree);
    this.keys = keys;
    const bytes = keys.map((k) => Buffer.from(k));
    const starts = Int32Array.from([
      0,
      ...bytes.map((_, i) => bytes.slice(0, i + 1).reduce((n, b) => n + b.length, 0)),
    ]);
    this.handle = lib.skeletonCompile!(nodes, Buffer.concat(bytes), starts);
  }

  /** A reader for `tree`, or null without the addon (or with one built before it could). */
  static create(tree: SkeletonTree): SkeletonReader | null {
    const lib = nativeScanner();
    return lib?.skeletonCompile && lib.skeleton ? new SkeletonReader(lib, tree) : null;
  }

  /** The skeleton of the JSON object at buf[start, stop), or null: parse the line in full. */
  read(buf: Buffer, start: number, stop: number): Record<string, unknown> | null {
    if (stop - start > MAX_LINE) return null;
    const { entries, numbers, text, keys, stack } = this;
    const n = this.lib.skeleton!(this.handle, buf, start, stop, entries, numbers, text);
    if (n < 0) return null;
    const short = latin1Slice.call(text, 0, entries[0]!);
    const root: Record<string, unknown> = {};
    let at: Record<string, unknown> | unknown[] = root;
    stack.length = 0;
    for (let i = 0, e = 4; i < n; i++, e += 4) {
      const kind = entries[e]!;
      let v: unknown;
      switch (kind) {
        case OPEN:
          v = {};
          break;
        case ARRAY:
          v = [];
          break;
        case CLOSE:
          at = stack.pop()!;
          continue;
        case SHORT:
          v = short.slice(entries[e + 2], entries[e + 3]);
          break;
        case LONG:
          v = latin1Slice.call(text, entries[e + 2]!, entries[e + 3]!);
          break;
        case UTF8:
          v = utf8Slice.call(buf, entries[e + 2]!, entries[e + 3]!);
          break;
        case JSON_TEXT:
          v = JSON.parse(utf8Slice.call(buf, entries[e + 2]!, entries[e + 3]!));
          break;
        case NUMBER:
          v = numbers[i];
          break;
        default:
          v = kind === TRUE ? true : kind === FALSE ? false : null;
      }
      const key = entries[e + 1]!;
      if (key < 0) (at as unknown[]).push(v);
      else (at as Record<string, unknown>)[keys[key]!] = v;
      if (kind === OPEN || kind === ARRAY) {
        stack.push(at);
        at = v as Record<string, unknown> | unknown[];
      }
    }
    return root;
  }
}
