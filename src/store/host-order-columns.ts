// The columns host-order.ts keeps per row, each as narrow as its values allow: a column starts as
// one byte per row and widens (two bytes, four, then a double) when a value does not fit, so a
// million rows of a few hundred products or countries take 1 MB, not 4 or 8.
import { utf8Compare } from './utf8-order.js';

export type Cells = Uint8Array | Uint16Array | Uint32Array | Float64Array;

const LIMITS: Array<[max: number, make: (n: number) => Cells]> = [
  [0xff, (n) => new Uint8Array(n)],
  [0xffff, (n) => new Uint16Array(n)],
  [0xffffffff, (n) => new Uint32Array(n)],
  [Infinity, (n) => new Float64Array(n)],
];

/** Numbers per row (codes, masks, ports): non-negative integers in the narrowest array that holds them. */
export class UintColumn {
  cells: Cells;
  private level = 0;
  private max = LIMITS[0]![0];

  constructor(readonly size: number) {
    this.cells = new Uint8Array(size);
  }

  set(i: number, v: number): void {
    // doubles hold any number: widened to them once, a column is never copied again
    if (this.max !== Infinity && (v > this.max || v < 0 || !Number.isInteger(v))) this.widen(v);
    this.cells[i] = v;
  }

  private widen(v: number): void {
    let level = this.level;
    // a negative or fractional value (not expected) still keeps its value in a double
    const fits = (l: number) =>
      Number.isInteger(v) && v >= 0 ? v <= LIMITS[l]![0] : l === LIMITS.length - 1;
    while (!fits(level)) level++;
    const wider = LIMITS[level]![1](this.size);
    wider.set(this.cells);
    this.cells = wider;
    this.level = level;
    this.max = level === LIMITS.length - 1 ? Infinity : LIMITS[level]![0];
  }
}

/** A column as codes per row (0 = NULL) and its distinct values (index = code - 1). */
export interface CodedColumn {
  codes: Cells;
  values: Array<string | number>;
}

/** Codes a column's values as they are read, row by row. */
export class Coder {
  private readonly col: UintColumn;
  private readonly dict = new Map<string | number, number>();
  readonly values: Array<string | number> = [];

  constructor(n: number) {
    this.col = new UintColumn(n);
  }

  set(i: number, v: unknown): void {
    if (v === null || v === undefined) return;
    const key = typeof v === 'bigint' ? Number(v) : (v as string | number);
    let c = this.dict.get(key);
    if (c === undefined) {
      this.values.push(key);
      c = this.values.length;
      this.dict.set(key, c);
    }
    this.col.set(i, c);
  }

  column(): CodedColumn {
    return { codes: this.col.cells, values: this.values };
  }
}

/** Rows sorted by a key: non-NULL rows ascending (ties in (ip, port) order), then NULL rows. */
export interface Permutation {
  rows: Int32Array;
  nonNull: number;
}

/** Values of a coded column in the database's order: numbers by value, text by UTF-8 bytes. */
function byteOrder(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return utf8Compare(String(a), String(b));
}

/** A counting sort of the rows by their codes' values; stable, so ties keep (ip, port) order. */
export function permute(col: CodedColumn): Permutation {
  const distinct = col.values.length;
  const order = col.values.map((_, i) => i).sort((a, b) => byteOrder(col.values[a]!, col.values[b]!));
  // slot of each code: 1..distinct by value, distinct + 1 for NULL (code 0)
  const slot = new Uint32Array(distinct + 1);
  slot[0] = distinct + 1;
  order.forEach((code, r) => {
    slot[code + 1] = r + 1;
  });
  const next = new Int32Array(distinct + 2);
  for (const c of col.codes) next[slot[c]!] = next[slot[c]!]! + 1;
  let at = 0;
  for (let s = 1; s < next.length; s++) {
    const n = next[s]!;
    next[s] = at;
    at += n;
  }
  const nonNull = next[distinct + 1]!;
  const rows = new Int32Array(col.codes.length);
  for (let i = 0; i < col.codes.length; i++) {
    const s = slot[col.codes[i]!]!;
    rows[next[s]!] = i;
    next[s] = next[s]! + 1;
  }
  return { rows, nonNull };
}

/** Whether two masks (exact integers below 2^53) share a bit. */
export function shares(a: number, b: number): boolean {
  if (((a % 4294967296) & (b % 4294967296)) !== 0) return true;
  return (Math.floor(a / 4294967296) & Math.floor(b / 4294967296)) !== 0;
}

/** One bit per row. */
export class RowBits {
  readonly bits: Uint8Array;
  constructor(size: number) {
    this.bits = new Uint8Array((size + 7) >>> 3);
  }
  set(row: number): void {
    this.bits[row >>> 3] = this.bits[row >>> 3]! | (1 << (row & 7));
  }
  has(row: number): boolean {
    return (this.bits[row >>> 3]! & (1 << (row & 7))) !== 0;
  }
}
