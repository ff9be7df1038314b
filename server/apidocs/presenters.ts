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
  /** the success statuses, e.g. "201, 200" */
  status: string;
  response: string | null;
  /** content types of a file answer (XLSX, CSV, PDF…) */
  files: string[];
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
      const successes = (Object.entries(op['responses'] ?? {}) as Array<[string, Loose]>).filter(([code]) => /^2\d\d$/.test(code));
      const ok = successes.find(([, answer]) => answer['content'])?.[1] ?? {};
      views.push({
        id: String(op['operationId']),
        method: method.toUpperCase(),
        path,
        tag: String(op['tags']?.[0] ?? ''),
        summary: (op['summary'] as string | undefined) ?? null,
        access: op['x-access'] === 'signed-in' ? 'signed-in' : 'public',
        parameters: ((op['parameters'] ?? []) as Loose[]).map((p) => ({ name: String(p['name']), in: String(p['in']), required: Boolean(p['required']), schema: json(p['schema']) })),
        body: bodyType ? { type: bodyType, schema: json(content[bodyType]?.schema) } : null,
        status: successes.map(([code]) => code).join(', ') || '200',
        response: ok['content']?.['application/json']?.schema ? json(ok['content']['application/json'].schema) : null,
        files: Object.keys(ok['content'] ?? {}).filter((type) => type !== 'application/json'),
        errorIds: (op['x-error-ids'] ?? []) as string[],
      });
    }
  }
  return views;
}
