/**
 * The API description (issue #16): every /api/v1 route the router holds is in
 * /api/v1/openapi.json, real answers validate against the document's response schemas
 * (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), and /api/docs renders it without scripts.
 */
import { expect } from 'chai';
import Ajv2020 from 'ajv/dist/2020';
import { startTestPlatform, type Client, type Reply, type TestPlatform } from '../http';
import { buildUnit } from '../factories';
import { collectRoutes } from '../authorization/routes';
import { createAccount } from '../../server/users/service';
import type { Unit } from '../../server/units/model';

const PASSWORD = 'mật khẩu mô tả api';

type Doc = { openapi: string; paths: Record<string, Record<string, any>> };

describe('apidocs: OpenAPI 3.1 for /api/v1 and the docs page', function () {
  this.timeout(60_000);
  let tp: TestPlatform;
  let doc: Doc;
  let unit: Unit;

  before(async () => {
    tp = await startTestPlatform('openapi');
    unit = await buildUnit({ name: 'Sở Mô Tả' });
    await createAccount(tp.platform.services.db, { username: 'api.mo.ta', displayName: 'Người Mô Tả', role: 'coordinator', password: PASSWORD, unitId: unit._id }, 4);
    const reply = await tp.client().request('GET', '/api/v1/openapi.json');
    expect(reply.status).to.equal(200);
    doc = reply.json<Doc>();
  });
  after(async () => tp?.close());

  /** Checks `reply` against the schema the document gives for this operation and status (or `default` for errors). */
  function validate(method: string, path: string, reply: Reply): string[] {
    const op = doc.paths[path]?.[method];
    expect(op, `${method} ${path} in the document`).to.not.equal(undefined);
    const response = op.responses[String(reply.status)] ?? op.responses['default'];
    const schema = response?.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} ${reply.status}: a response schema`).to.not.equal(undefined);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const check = ajv.compile(schema);
    return check(reply.json()) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }

  it('is OpenAPI 3.1 and holds every /api/v1 route of the router, with its method', () => {
    expect(doc.openapi).to.match(/^3\.1\./);
    const routes = collectRoutes(tp.platform.app).filter((r) => r.key.split(' ')[1]!.startsWith('/api/v1/'));
    expect(routes.length).to.be.greaterThan(30);
    const missing = routes
      .map((r) => r.key.split(' ') as [string, string])
      .filter(([method, path]) => !doc.paths[path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[method.toLowerCase()])
      .map((pair) => pair.join(' '));
    expect(missing).to.deep.equal([]);
  });

  it('describes a route without doc metadata from its zod input: path parameters, body fields, access', () => {
    const create = doc.paths['/api/v1/units']!['post'];
    const body = create.requestBody.content['application/json'].schema;
    expect(body.properties).to.include.keys('code', 'name', 'kind', 'parentId');
    expect(body.required).to.include.members(['code', 'name', 'kind']);
    expect(body.properties.kind.enum).to.include('department');
    expect(create['x-access']).to.equal('signed-in');
    const transfer = doc.paths['/api/v1/officers/{id}/transfer']!['post'];
    expect(transfer.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).to.include('path:id');
    expect(transfer.parameters.find((p: { name: string }) => p.name === 'id').schema.pattern).to.equal('^[0-9a-fA-F]{24}$');
    const list = doc.paths['/api/v1/units']!['get'];
    expect(list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).to.include('query:includeInactive');
    expect(doc.paths['/api/v1/auth/login']!['post']['x-access']).to.equal('public');
  });

  it('real answers validate against the response schemas; a leaked field or a wrong type does not', async () => {
    const client: Client = tp.client();
    const login = await client.request('POST', '/api/v1/auth/login', { json: { login: 'api.mo.ta', password: PASSWORD } });
    expect(login.status).to.equal(200);
    expect(validate('post', '/api/v1/auth/login', login)).to.deep.equal([]);
    client.bearer = login.json<{ token: string }>().token;

    const calls: Array<[string, string, string]> = [
      ['get', '/api/v1/me', '/api/v1/me'],
      ['get', '/api/v1/units', '/api/v1/units'],
      ['get', '/api/v1/units/{id}', `/api/v1/units/${unit._id.toHexString()}`],
      // failures answer the shared error body
      ['get', '/api/v1/units/{id}', '/api/v1/units/0123456789abcdef01234567'],
      ['post', '/api/v1/units', '/api/v1/units'],
    ];
    for (const [method, path, url] of calls) {
      const reply = await client.request(method.toUpperCase(), url, method === 'post' ? { json: { code: '' } } : {});
      expect(reply.status, `${url}: ${reply.text}`).to.be.oneOf([200, 404, 422]);
      expect(validate(method, path, reply), `${method} ${url}`).to.deep.equal([]);
    }
    const failed = await tp.client().request('POST', '/api/v1/auth/login', { json: { login: 'api.mo.ta', password: 'sai mật khẩu' } });
    expect(failed.status).to.equal(401);
    expect(validate('post', '/api/v1/auth/login', failed)).to.deep.equal([]);

    // the schemas are allowlists: a presenter that leaked a field, or sent a wrong type, would fail here
    const me = await client.request('GET', '/api/v1/me');
    const leaked = { ...me, json: () => ({ user: { ...me.json<{ user: object }>().user, passwordHash: 'x' } }) } as Reply;
    expect(validate('get', '/api/v1/me', leaked)).to.not.deep.equal([]);
    const wrong = { ...me, json: () => ({ user: { ...me.json<{ user: object }>().user, role: 'emperor' } }) } as Reply;
    expect(validate('get', '/api/v1/me', wrong)).to.not.deep.equal([]);
  });

  it('GET /api/docs lists every operation server-side, scripts only from self', async () => {
    const reply = await tp.client().request('GET', '/api/docs');
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-security-policy')).to.match(/script-src 'self'/);
    expect(reply.text).to.not.match(/<script[^>]+src="https?:/);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) expect(reply.text, `${method} ${path}`).to.contain(`${method.toUpperCase()} ${path}`);
    }
    expect(reply.text).to.contain('Mô tả API');
  });
});
