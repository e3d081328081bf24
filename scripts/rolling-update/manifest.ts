// -f NEW: the new controller from a file (or `-` for stdin), JSON or YAML,
// exactly one object, as old kubectl's resource builder read it.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { RollingUpdateError } from './errors.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The one object in `filename`; refused as upstream Run refuses none or several. */
export async function readManifest(filename: string): Promise<{ apiVersion?: string; kind?: string }> {
  const text = filename === '-' ? await readStdin() : await readFile(filename, 'utf8');
  const objects = parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new RollingUpdateError(`error parsing ${filename}: ${document.errors[0]!.message}`);
      return document.toJS() as unknown;
    })
    .filter((object): object is Record<string, unknown> => typeof object === 'object' && object !== null);
  // a List counts as its items, as the builder flattens it
  const items = objects.flatMap((object) => (Array.isArray(object.items) && String(object.kind).endsWith('List') ? (object.items as Record<string, unknown>[]) : [object]));
  if (items.length > 1) throw new RollingUpdateError(`${filename} specifies multiple items`);
  if (items.length === 0) throw new RollingUpdateError(`please make sure ${filename} exists and is not empty`);
  return items[0]!;
}
