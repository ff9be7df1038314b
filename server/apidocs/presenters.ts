/** The API document as the docs page shows it: operations in path order, schemas as indented JSON. */
import type { OpenApiDocument } from './openapi';

interface ParameterView {
  name: string;
  in: string;
  required: boolean;
  schema: string;
}

export interface OperationView {
  id: string;
  method: string;
  path: string;
  tag: string;
  summary: string | null;
  access: 'public' | 'signed-in';
  parameters: ParameterView[];
  body: { type: string; schema: string } | null;
  status: string;
  response: string | null;
  errorIds: string[];
}

type Loose = Record<string, any>;

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function presentOperations(document: OpenApiDocument): OperationView[] {
  const views: OperationView[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [method, op] of Object.entries(item as Loose) as Array<[string, Loose]>) {
      const content = (op['requestBody']?.content ?? {}) as Loose;
      const bodyType = Object.keys(content)[0];
      const [status, ok] = (Object.entries(op['responses'] ?? {}) as Array<[string, Loose]>).find(([code]) => code !== 'default') ?? ['200', {}];
      views.push({
        id: String(op['operationId']),
        method: method.toUpperCase(),
        path,
        tag: String(op['tags']?.[0] ?? ''),
        summary: (op['summary'] as string | undefined) ?? null,
        access: op['x-access'] === 'signed-in' ? 'signed-in' : 'public',
        parameters: ((op['parameters'] ?? []) as Loose[]).map((p) => ({ name: String(p['name']), in: String(p['in']), required: Boolean(p['required']), schema: json(p['schema']) })),
        body: bodyType ? { type: bodyType, schema: json(content[bodyType]?.schema) } : null,
        status,
        response: ok['content']?.['application/json']?.schema ? json(ok['content']['application/json'].schema) : null,
        errorIds: (op['x-error-ids'] ?? []) as string[],
      });
    }
  }
  return views;
}
