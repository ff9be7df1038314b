/**
 * The browser-test layer: a real headless Chromium driven by playwright-core, pages in
 * Vietnamese on a phone or a desktop screen, accessibility checks with axe-core, and
 * screenshots kept in test-artifacts/screenshots for people to look at.
 *
 * Chromium is not downloaded by playwright: the system one is used (Debian's package at
 * /usr/bin/chromium, or CHROMIUM_PATH). Without it the browser tests fail, on purpose —
 * CI installs it (.ci/run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { t } from '../../server/i18n';
import { startTestPlatform, type TestPlatform } from '../http';

// test code, not the platform: the platform's one-config-module rule does not apply here
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ROOT_DIR = path.resolve(__dirname, '../../..');
export const SCREENSHOT_DIR = path.join(ROOT_DIR, 'test-artifacts', 'screenshots');
const AXE_DIR = path.join(ROOT_DIR, 'test-artifacts', 'axe');
const AXE_SOURCE_FILE = path.join(ROOT_DIR, 'node_modules', 'axe-core', 'axe.min.js');

/** A safe file name for an artifact called `name`. */
const fileName = (name: string) => name.replace(/[^a-z0-9._-]+/gi, '-');

/** A common phone (iPhone 12–15 class), in CSS pixels. */
export const PHONE = { width: 390, height: 844 } as const;
/** A common office screen, in CSS pixels. */
export const DESKTOP = { width: 1366, height: 768 } as const;

/** The two screens every page is checked on. */
export const SCREENS = { phone: PHONE, desktop: DESKTOP } as const;

/** The rules the platform promises: WCAG 2.0 and 2.1, levels A and AA. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** Starts headless Chromium; throws a readable error when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need it. ` +
        'Install it with "apt-get install -y chromium" (CI does this in .ci/run) or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  locale?: string;
  timezoneId?: string;
  /**
   * The platform's service worker (public/sw.js) is blocked unless a test asks for it:
   * its own requests (precaching the shell) carry no frame, and a page answered from its
   * cache would hide what the server sent.
   */
  serviceWorkers?: 'allow' | 'block';
}

/** What went wrong inside a page: console errors, uncaught exceptions, CSP violations. */
const problemsByPage = new WeakMap<Page, string[]>();
/** Main-document responses a test expects to fail (a 404 page, a 401 sign-in), by URL. */
const expectedFailures = new WeakMap<Page, Set<string>>();

/**
 * A fresh page in its own browser context (its own cookies), in Vietnamese and Vietnam's
 * time zone, on a phone unless told otherwise. Console errors, uncaught exceptions and
 * CSP violations are recorded; read them with `pageProblems`.
 */
export async function newPage(browser: Browser, options: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? PHONE,
    locale: options.locale ?? 'vi-VN',
    timezoneId: options.timezoneId ?? 'Asia/Ho_Chi_Minh',
    serviceWorkers: options.serviceWorkers ?? 'block',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const expected = new Set<string>();
  problemsByPage.set(page, problems);
  expectedFailures.set(page, expected);
  page.on('console', (message) => {
    const text = message.text();
    // Chromium reports a CSP violation as a console error ("… violates the following Content Security Policy directive …")
    const csp = /Content Security Policy/i.test(text);
    if (message.type() !== 'error' && !csp) return;
    // a page that answers 404 or 401 on purpose is reported as "Failed to load resource"
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text) && expected.has(message.location().url)) return;
    problems.push(`${csp ? 'CSP violation' : 'console error'} on ${message.location().url || page.url()}: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  return page;
}

/** Console errors, uncaught exceptions and CSP violations seen on `page` so far. */
export function pageProblems(page: Page): readonly string[] {
  return problemsByPage.get(page) ?? [];
}

/**
 * Navigates to `url` when the test expects the page itself to answer with an error status
 * (so Chromium's "Failed to load resource" for it is not counted as a problem).
 */
export async function gotoExpectingError(page: Page, url: string): Promise<Response | null> {
  expectedFailures.get(page)?.add(url);
  return page.goto(url);
}

/** Tells the problem recorder that `url` may answer with an error status in this test (e.g. a failed sign-in's 401). */
export function expectErrorStatus(page: Page, url: string): void {
  expectedFailures.get(page)?.add(url);
}

/**
 * Makes `page` a stranger again, cheaper than a new page: the site's cookies (session,
 * language) are dropped and the recorded problems forgotten. A new context would start a
 * new renderer process, which costs about a second on a busy 2-core CI machine.
 */
export async function startOver(page: Page): Promise<void> {
  await page.context().clearCookies();
  problemsByPage.get(page)?.splice(0);
  expectedFailures.get(page)?.clear();
}

export async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  /** CSS selectors of the offending elements */
  targets: string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page as it is now; returns every violation.
 *
 * How axe gets in: the platform's CSP is `script-src 'self'`, so page.addScriptTag({ content })
 * inserts an inline <script> that Chromium refuses (and reports as a CSP violation, which
 * would itself fail the test). A context with `bypassCSP: true` would work but would also
 * hide real CSP violations of the page under test. page.evaluate(source) instead runs the
 * source through the DevTools protocol, which the page's CSP does not govern: axe is
 * defined on `window` and the page keeps its real policy.
 */
export async function checkAccessibility(page: Page, name: string): Promise<AxeViolation[]> {
  axeSource ??= fs.readFileSync(AXE_SOURCE_FILE, 'utf8');
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  // the callback runs in the page: `globalThis` there is the window (this project's TS has no DOM types)
  const violations = await page.evaluate(async (tags) => {
    const axe = (globalThis as any).axe;
    const result = await axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return (result.violations as any[]).map((v) => ({
      id: String(v.id),
      impact: v.impact ?? null,
      help: String(v.help),
      helpUrl: String(v.helpUrl),
      targets: (v.nodes as any[]).map((n) => (n.target as unknown[]).join(' ')),
    }));
  }, [...AXE_TAGS]);
  // every finding, minor ones included, is kept beside the screenshots for review
  fs.mkdirSync(AXE_DIR, { recursive: true });
  fs.writeFileSync(path.join(AXE_DIR, `${fileName(name)}.json`), JSON.stringify({ url: page.url(), violations }, null, 2));
  return violations as AxeViolation[];
}

/** Runs axe and throws, listing every violation, when one is serious or critical. */
export async function assertAccessible(page: Page, name: string): Promise<AxeViolation[]> {
  const violations = await checkAccessibility(page, name);
  if (blockingViolations(violations).length) throw new Error(describeViolations(name, violations));
  return violations;
}

/** One line per violation: id, impact, help and the first offending element. */
export function describeViolations(name: string, violations: readonly AxeViolation[]): string {
  const lines = violations.map((v) => `  - ${v.id} [${v.impact ?? 'unknown'}] ${v.help} — first: ${v.targets[0] ?? '?'}${v.targets.length > 1 ? ` (+${v.targets.length - 1} more)` : ''}`);
  return `axe on "${name}" found ${violations.length} violation(s):\n${lines.join('\n')}`;
}

/** The violations that block: impact serious or critical. */
export function blockingViolations(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a full-page PNG to test-artifacts/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${fileName(name)}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/**
 * Chromium and a test platform, started side by side (each takes seconds). When one fails,
 * the other is closed before the failure is thrown, so `after` has nothing half-open to close.
 */
export async function launchWithPlatform(name: string, settings?: Parameters<typeof startTestPlatform>[1]): Promise<{ browser: Browser; tp: TestPlatform }> {
  const [launched, started] = await Promise.allSettled([launchBrowser(), startTestPlatform(name, settings)]);
  if (launched.status === 'fulfilled' && started.status === 'fulfilled') return { browser: launched.value, tp: started.value };
  if (launched.status === 'fulfilled') await launched.value.close();
  if (started.status === 'fulfilled') await started.value.close();
  throw launched.status === 'rejected' ? launched.reason : (started as PromiseRejectedResult).reason;
}

/** Signs in through the Vietnamese login form and waits until the platform has left it. */
export async function signInAs(page: Page, base: string, login: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel(t('vi', 'sign_in_login')).fill(login);
  await page.getByLabel(t('vi', 'sign_in_password'), { exact: true }).fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: t('vi', 'sign_in_submit') }).click()]);
}

/**
 * axe and a full-page screenshot of the same page on each screen (`<name>-phone.png`,
 * `<name>-desktop.png`), then back to the phone. `noSidewaysScroll`: also checks that the
 * page fits the phone's width.
 */
export async function checkScreens(page: Page, name: string, options: { noSidewaysScroll?: boolean } = {}): Promise<void> {
  for (const [screen, size] of Object.entries(SCREENS)) {
    await page.setViewportSize(size);
    await assertAccessible(page, `${name}-${screen}`);
    await screenshot(page, `${name}-${screen}`);
    if (options.noSidewaysScroll && screen === 'phone') {
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      if (width > PHONE.width) throw new Error(`${name}: the page is ${width} px wide on a ${PHONE.width} px phone (sideways scrolling)`);
    }
  }
  await page.setViewportSize(PHONE);
}
