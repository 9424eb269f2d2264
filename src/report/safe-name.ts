// File names built from organisation names (which come from whois data and scan files):
// only [a-z0-9-], bounded length, never "." or "..", unique within a bundle directory.
export function slug(text: string, max = 48): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s === '' ? 'unnamed' : s;
}

export class UniqueNames {
  private readonly used = new Set<string>();
  take(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}-${i}`;
    this.used.add(name);
    return name;
  }
}
