/**
 * Authorization cannot be skipped: every route is either declared public or covered by
 * the matrix in cases.ts, and every cell of the matrix — route × role × own / other unit —
 * is exercised over HTTP.
 */
import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../http';
import { ROLES } from '../../server/users/model';
import { buildWorld, type Actor, type Scope, type World } from './fixture';
import { CASES, PUBLIC_ROUTES, type Case } from './cases';
import { collectRoutes } from './routes';

describe('authorization: the router walk and the route × role × unit matrix', function () {
  this.timeout(120_000);
  let tp: TestPlatform;
  let world: World;

  before(async () => {
    tp = await startTestPlatform('matrix');
    world = await buildWorld(tp.platform.services, tp.base);
  });
  after(() => tp.close());

  it('every route was registered through route() and is either public or in the matrix', () => {
    const routes = collectRoutes(tp.platform.app);
    expect(routes.length).to.be.greaterThan(10);
    const covered = new Set(CASES.map((c) => c.route));
    const problems: string[] = [];
    for (const { key, access } of routes) {
      if (access === undefined) problems.push(`${key}: not declared with route() (no access level)`);
      else if (access === 'public' && !PUBLIC_ROUTES.has(key)) problems.push(`${key}: public but not listed in PUBLIC_ROUTES`);
      else if (access === 'signed-in' && !covered.has(key)) problems.push(`${key}: not covered by the authorization matrix`);
      else if (access === 'signed-in' && PUBLIC_ROUTES.has(key)) problems.push(`${key}: listed as public but requires sign-in`);
    }
    const registered = new Set(routes.map((r) => r.key));
    for (const c of CASES) if (!registered.has(c.route)) problems.push(`${c.route}: in the matrix but not registered`);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  async function run(c: Case, actor: Actor, scope: Scope) {
    const request = await c.request(world, scope, actor);
    const client = await world.clientAs(actor);
    const isApi = request.path.startsWith('/api/');
    const headers: Record<string, string> = {};
    let form = request.form;
    let body: FormData | undefined;
    const token = request.method !== 'GET' && actor !== 'anonymous' ? await client.csrf('/') : null;
    if (request.multipart) {
      body = new FormData();
      if (token) body.set('_csrf', token);
      for (const [name, value] of Object.entries(request.multipart)) body.set(name, value);
      if (request.file) body.set('file', new Blob([request.file.content]), request.file.name);
    } else if (token) {
      if (form) form = { _csrf: token, ...form };
      else headers['x-csrf-token'] = token;
    }
    const reply = await client.request(request.method, request.path, { ...(form ? { form } : {}), ...(body ? { body } : {}), ...(request.json !== undefined ? { json: request.json } : {}), headers });
    return { reply, isApi };
  }

  for (const c of CASES) {
    describe(c.route, () => {
      it('anonymous: sent to sign in (page) or 401 (API)', async () => {
        const { reply, isApi } = await run(c, 'anonymous', 'own');
        if (isApi) {
          expect(reply.status, reply.text.slice(0, 200)).to.equal(401);
        } else {
          expect(reply.status, reply.text.slice(0, 200)).to.equal(303);
          expect(reply.location).to.match(/^\/login\?next=/);
        }
      });
      for (const role of ROLES) {
        for (const scope of ['own', 'other'] as const) {
          const allowed = c.allow[role]?.includes(scope) ?? false;
          it(`${role} on ${scope} unit: ${allowed ? 'allowed' : '403'}`, async () => {
            const { reply } = await run(c, role, scope);
            const detail = `${reply.status} ${reply.location ?? ''} ${reply.text.slice(0, 300)}`;
            if (allowed) {
              expect(reply.status, detail).to.be.below(400);
              expect(reply.location ?? '', detail).not.to.match(/^\/login\?next=/);
            } else {
              expect(reply.status, detail).to.equal(403);
            }
          });
        }
      }
    });
  }
});
