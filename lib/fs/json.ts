/** Reading back a JSON file ocfkit wrote (a record, a status file, a memory). */
import { readFileSync } from 'node:fs';

/**
 * The parsed content, or null when the file is missing, unreadable, torn or not JSON: the
 * caller then acts as if there were none. What the content must look like is the caller's check.
 */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
