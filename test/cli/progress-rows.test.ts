// The progress line (stderr, a terminal) never mixes with result rows on the same terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** What a terminal shows for this output: \r returns to column 0, ESC[K erases to the line's end. */
function screen(text: string): string[] {
  const lines: string[] = [''];
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const row = lines.length - 1;
    if (text.startsWith('\x1b[K', i)) {
      lines[row] = lines[row]!.slice(0, col);
      i += 2;
    } else if (ch === '\r') col = 0;
    else if (ch === '\n') {
      lines.push('');
      col = 0;
    } else {
      const l = lines[row]!;
      lines[row] = l.slice(0, col) + ch + l.slice(col + 1);
      col++;
    }
  }
  return lines;
}

test('scan on a terminal: each row is printed on a cleared line, the progress line is drawn after it', async () => {
  // stdout and stderr are one terminal: both write into the same stream
  const tty = new PassThrough();
  let text = '';
  tty.on('data', (c: Buffer) => (text += c.toString()));
  const code = await main(
    // refused loopback addresses: each answers at once and prints a row
    ['scan', '127.61.9.0/29', '-p', '9', '--no-store', '--rate', '0', '--timeout', '500ms', '--quiet'],
    {
      stdout: tty,
      stderr: tty,
      stdin: Readable.from(['']),
      stdoutIsTTY: true,
      stderrIsTTY: true,
      terminalWidth: 120,
    },
  );
  assert.equal(code, 0, text);
  assert.match(text, /hosts\/s/, 'a progress line was drawn');
  const shown = screen(text);
  const rows = shown.filter((l) => /^127\.61\.9\.\d+:9\s/.test(l));
  assert.equal(rows.length, 8, shown.join('\n'));
  for (const l of shown)
    assert.ok(
      !(/hosts\/s/.test(l) && /127\.61\.9\./.test(l)),
      `a row mixed with progress: ${JSON.stringify(l)}`,
    );
});
