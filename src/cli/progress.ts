// The progress line on stderr (a terminal only). When result rows go to the same terminal, the
// line is cleared before each row and drawn again after it, so rows never carry its fragments.
import type { Writable } from 'node:stream';

const CLEAR = '\r\x1b[K';

export class ProgressLine {
  private shown = '';
  constructor(private readonly stderr: Writable) {}

  draw(text: string): void {
    this.shown = text;
    this.stderr.write(`\r${text}\x1b[K`);
  }

  /** Writes `row` (to stdout, on the same terminal) with the progress line out of its way. */
  async around(row: () => Promise<void>): Promise<void> {
    if (!this.shown) return row();
    this.stderr.write(CLEAR);
    await row();
    this.stderr.write(`\r${this.shown}\x1b[K`);
  }

  /** Removes the line for good (before the summary). */
  clear(): void {
    if (this.shown) this.stderr.write(CLEAR);
    this.shown = '';
  }
}
