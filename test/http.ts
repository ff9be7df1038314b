/**
 * The platform under test: a real app on a real (embedded) database in a temporary
 * directory, listening on a free port, driven over HTTP. `Client` is a tiny browser: it
 * keeps cookies, reads the CSRF token from pages, and signs in like a person would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import { parseEnv, type Env } from '../server/env';
import { startPlatform, type Platform } from '../server/platform';
import { useFactoryConnection } from './factories';

export interface TestPlatform {
  platform: Platform;
  base: string;
  /** the content origin's listener, reached by address (http://127.0.0.1:port); browsers use CONTENT_ORIGIN (content.localhost) */
  contentBase: string;
  dataDir: string;
  client(): Client;
  close(): Promise<void>;
}

/**
 * Starts the platform with test settings (fast bcrypt, silent logs, no demo data or starter
 * content unless asked). `settings` may be a function of the two listeners' ports, for tests
 * that name the addresses themselves (e.g. sibling host names a browser maps to 127.0.0.1).
 */
export async function startTestPlatform(name: string, settings: Record<string, string> | ((ports: { port: number; contentPort: number }) => Record<string, string>) = {}): Promise<TestPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `vhcv-http-${name}-`));
  // both listeners first (free ports), so the settings can name the addresses browsers use
  const listen = (): Promise<Server> => new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  const [server, contentServer] = await Promise.all([listen(), listen()]);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const contentPort = (contentServer.address() as AddressInfo).port;
  const chosen = typeof settings === 'function' ? settings({ port: (server.address() as AddressInfo).port, contentPort }) : settings;
  // the content origin is another host (content.localhost resolves to this machine in Chromium)
  const config: Env = parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir, BCRYPT_COST: '4', LOG_LEVEL: 'silent', DEMO_DATA: 'off', STARTER_CONTENT: 'off', SIGN_IN_RATE_PER_MINUTE: '100000', PUBLIC_URL: base, CONTENT_ORIGIN: `http://content.localhost:${contentPort}`, ...chosen });
  const platform = await startPlatform(config);
  useFactoryConnection(platform.services.db);
  server.on('request', platform.app);
  contentServer.on('request', platform.contentApp);
  return {
    platform,
    base,
    contentBase: `http://127.0.0.1:${contentPort}`,
    dataDir,
    client: () => new Client(base),
    async close() {
      await Promise.all([server, contentServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      server.closeAllConnections();
      contentServer.closeAllConnections();
      await platform.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T;
  location: string | null;
}

/** A cookie-keeping HTTP client that never follows redirects (tests assert on them). */
export class Client {
  readonly cookies = new Map<string, string>();
  bearer: string | null = null;

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, url: string, options: { form?: Record<string, string>; json?: unknown; body?: RequestInit['body']; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers['cookie'] = this.cookieHeader();
    if (this.bearer) headers['authorization'] = `Bearer ${this.bearer}`;
    let body: RequestInit['body'] = options.body;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + url, { method, headers, body, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text), location: res.headers.get('location') };
  }

  get(url: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', url, headers ? { headers } : {});
  }

  /** The CSRF token of the forms on `page` (fetching it sets the token's cookie). */
  async csrf(page = '/login'): Promise<string> {
    const reply = await this.get(page);
    const match = /name="_csrf" value="([^"]+)"/.exec(reply.text);
    if (!match) throw new Error(`no CSRF token on ${page} (status ${reply.status})`);
    return match[1]!;
  }

  /** Posts a form the way the page would: with its CSRF token. */
  async submit(url: string, form: Record<string, string>, page = '/login'): Promise<Reply> {
    return this.request('POST', url, { form: { _csrf: await this.csrf(page), ...form } });
  }

  /** Signs in through the login form; throws unless it worked. */
  async signIn(login: string, password: string): Promise<Reply> {
    const reply = await this.submit('/login', { login, password });
    if (reply.status !== 303) throw new Error(`sign-in as ${login} failed: ${reply.status}`);
    return reply;
  }
}
