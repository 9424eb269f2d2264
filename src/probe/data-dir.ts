// Finds data/ from this file, whether run from src/ (tsx) or dist/src/ (built).
import { dataPath } from '../core/data-dir.js';

export function dataFile(name: string): string {
  return dataPath(name);
}
