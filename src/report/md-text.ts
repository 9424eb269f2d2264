// Text from the data inside Markdown (notify bundles, `report --format md`): shown as written,
// never as markup, and still readable as plain text. Only what Markdown acts on is escaped: a pipe
// ends a table cell, `<` opens HTML, `[`/`]` and `![` make links and images, `*`, `_` at a word's
// edge, backticks and `~` change the type; line breaks become spaces and control characters are
// made visible (printable).
import { printable } from '../core/printable.js';

/** Markdown-inert text: hostile names cannot add links, images, HTML or table breaks. */
export function mdText(s: string): string {
  return printable(s.replace(/[\r\n]+/g, ' '))
    .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/!(?=\\\[)/g, '\\!') // "![" starts no image
    .replace(/\\\]\(/g, '\\]\\(') // "](" inert even where the escape before "]" is lost
    .replace(/(^|[^A-Za-z0-9])_|_(?=$|[^A-Za-z0-9])/g, (m) => m.replace('_', '\\_'));
}
