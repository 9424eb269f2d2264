// Text from scanned servers, made safe to show: HTML-escaped (the report's esc), and with control
// characters (ANSI escapes, bells) and bidirectional overrides shown as their code points, so a
// name cannot recolour a terminal copy or display reversed ("exe.png" that is "gnp.exe").
import { esc as escapeHtml } from '../../report/html/escape.js';

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visible(value: unknown): string {
  return String(value ?? '').replace(
    INVISIBLE,
    (ch) => `⟨U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}

/** Escapes for element content and quoted attributes, after making invisible characters visible. */
export function esc(value: unknown): string {
  return escapeHtml(visible(value));
}
