// World map by country, drawn at report time into inline SVG (no scripts, no fetches):
// world-atlas 110m shapes joined on ISO numeric ids, coloured by Exchange servers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { alpha2ToNumeric, numericToAlpha2 } from '../iso-numeric.js';
import { countryLabel } from '../names.js';
import { esc } from './escape.js';

type CountryFeature = Feature<Geometry, { name: string }>;

// Shapes without an ISO id in world-atlas, keyed by their name there.
const UNNUMBERED: Record<string, string> = { Kosovo: 'XK' };

let cached: FeatureCollection<Geometry, { name: string }> | undefined;
function countries(): FeatureCollection<Geometry, { name: string }> {
  if (cached) return cached;
  const path = createRequire(import.meta.url).resolve('world-atlas/countries-110m.json');
  const topo = JSON.parse(readFileSync(path, 'utf8')) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  cached = feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  return cached;
}

/** Sequential palette, light to dark; index 0 is "no servers". */
export const MAP_COLOURS = [
  '#eef0f3',
  '#fde0c5',
  '#facba6',
  '#f8b58b',
  '#f59e72',
  '#f2855d',
  '#ef6a4c',
  '#c9373c',
];

function bucket(n: number, max: number): number {
  if (n <= 0 || max <= 0) return 0;
  const steps = MAP_COLOURS.length - 1;
  // equal steps of log(1 + n): each colour spans the same ratio of counts
  return Math.min(steps, 1 + Math.floor((Math.log1p(n) / Math.log1p(max)) * steps + 1e-9));
}

function alpha2Of(f: CountryFeature): string | undefined {
  return f.id !== undefined ? numericToAlpha2(String(f.id)) : UNNUMBERED[f.properties.name];
}

/** Inline SVG; `counts` maps ISO alpha-2 -> Exchange servers. Unknown codes are listed, not dropped. */
interface Outline {
  name: string;
  cc: string | undefined;
  /** The SVG path of the country's shape, projected. */
  d: string;
}

/** Projected outlines by map size: projecting the world costs a dashboard page most of its time and garbage. */
const outlines = new Map<string, Outline[]>();
function outlinesOf(width: number, height: number): Outline[] {
  const key = `${width}x${height}`;
  let out = outlines.get(key);
  if (!out) {
    const fc = countries();
    const path = geoPath(geoNaturalEarth1().fitSize([width, height], fc)).digits(1);
    out = fc.features.map((f) => ({ name: f.properties.name, cc: alpha2Of(f), d: path(f) ?? '' }));
    outlines.set(key, out);
  }
  return out;
}

export function renderWorldMap(
  counts: Map<string, number>,
  width = 960,
  height = 480,
): { svg: string; unmapped: string[] } {
  const max = Math.max(0, ...counts.values());
  const drawn = new Set<string>();
  const shapes = outlinesOf(width, height).map(({ name, cc, d }) => {
    const n = cc ? (counts.get(cc) ?? 0) : 0;
    if (cc) drawn.add(cc);
    const label = `${cc ? (countryLabel(cc) ?? name) : name}: ${n.toLocaleString('en-US')}`;
    return `<path class="country" d="${d}" fill="${MAP_COLOURS[bucket(n, max)]}"${cc ? ` data-cc="${esc(cc)}"` : ''} data-n="${n}"><title>${esc(label)}</title></path>`;
  });
  const unmapped = [...counts.keys()].filter(
    (cc) =>
      !drawn.has(cc) && (counts.get(cc) ?? 0) > 0 && (alpha2ToNumeric(cc) === undefined || !drawn.has(cc)),
  );
  const svg = `<svg id="world-map" viewBox="0 0 ${width} ${height}" role="img" aria-label="Exchange servers by country">${shapes.join('')}</svg>`;
  return { svg, unmapped: unmapped.sort() };
}

/** The smallest count that gets colour `k` (counts are bucketed on a log scale up to `max`). */
function bucketStart(k: number, max: number): number {
  let lo = 1;
  let hi = max;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (bucket(mid, max) >= k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The colour ranges the map uses for counts up to `max`: "0", "1", "2–3", ..., each with its colour. */
export function mapRanges(max: number): Array<{ colour: string; label: string }> {
  const out = [{ colour: MAP_COLOURS[0]!, label: '0' }];
  const fmt = (n: number) => n.toLocaleString('en-US');
  for (let k = 1; k < MAP_COLOURS.length; k++) {
    const from = bucketStart(k, max);
    const to = k + 1 < MAP_COLOURS.length ? bucketStart(k + 1, max) - 1 : max;
    if (from > max || bucket(from, max) !== k || to < from) continue; // a colour no count up to max gets
    out.push({ colour: MAP_COLOURS[k]!, label: from === to ? fmt(from) : `${fmt(from)}–${fmt(to)}` });
  }
  return out;
}

/** The map's key: what the colours count (`unit`) and the range each colour stands for. */
export function mapLegend(max: number, unit = 'on-premises Exchange servers per country'): string {
  const cells = mapRanges(max).map(
    (r) =>
      `<span class="range"><span class="swatch" style="background:${r.colour}"></span>${esc(r.label)}</span>`,
  );
  return `<div class="legend" id="map-legend"><span class="unit">${esc(unit)}:</span> ${cells.join(' ')}</div>`;
}
