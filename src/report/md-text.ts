// Text from the data inside Markdown (notify bundles, `report --format md`): shown as written,
// never as markup. Links and images (`[x](javascript:...)`, `![](http://...)`), emphasis, HTML
// and table breaks are escaped, and control characters made visible (printable).
import { printable } from '../core/printable.js';

/** Markdown-inert text: hostile names cannot add links, images, HTML or table breaks. */
export function mdText(s: string): string {
  return printable(s.replace(/[\r\n]+/g, ' ')).replace(/[\\`*_{}[\]()<>|~!]/g, (c) => `\\${c}`);
}
