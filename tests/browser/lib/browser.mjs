// Chromium through playwright-core, and what every journey does with it: open a page as someone,
// sign in through the form, submit a form and wait for the page it leads to, watch a page for
// errors, run axe-core.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
let axeText;
/** axe-core's script, read once. */
function axeSource() {
  axeText ??= readFileSync(AXE_PATH, 'utf8');
  return axeText;
}

/** Desktop and phone sizes for screenshots and layout checks. */
export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
};

/** Starts headless Chromium with the flags a closed network and a root user need. */
export async function launch(executablePath) {
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    // playwright-core gives each launch a fresh, temporary profile (--user-data-dir).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * What a journey is given: the world, and pages in fresh browser contexts (closed at its end).
 * Every page is watched: a console error (a CSP violation, say), a script error, or a resource
 * the page loads that fails or answers 4xx/5xx fails the journey at its end.
 */
export class Session {
  constructor(browser, world, options) {
    this.browser = browser;
    this.world = world;
    this.options = options;
    this.contexts = [];
    this.problems = [];
    this.signedIn = new Map();
  }

  /**
   * A new page. `user` ('owner', 'viewer', 'other' or null) is signed in through the form (once
   * per journey: its later pages reuse the cookies); `view` is 'desktop' or 'phone';
   * `javaScript: false` turns the pages' scripts off, as some people do. The pages' own
   * Content-Security-Policy always holds: a journey sees them as a visitor does.
   */
  async page({ user = null, view = 'desktop', javaScript = true } = {}) {
    const storageState = user ? await this.cookiesOf(user) : undefined;
    const context = await this.browser.newContext({
      ...VIEWPORTS[view],
      baseURL: this.world.url,
      javaScriptEnabled: javaScript,
      acceptDownloads: true,
      storageState,
    });
    this.contexts.push(context);
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    const page = await context.newPage();
    this.watch(page);
    return page;
  }

  async cookiesOf(user) {
    if (!this.signedIn.has(user)) {
      const context = await this.browser.newContext({ baseURL: this.world.url });
      try {
        const page = await context.newPage();
        await signIn(page, this.world.users[user]);
        this.signedIn.set(user, await context.storageState());
      } finally {
        await context.close();
      }
    }
    return this.signedIn.get(user);
  }

  watch(page) {
    const where = () => page.url();
    page.on('console', (message) => {
      // A status >= 400 is also logged as "Failed to load resource": for the page itself the
      // journeys check the status they expect, for what it loads the 'response' handler below
      // does, and the browser's own /favicon.ico (the pages name none) is no concern of theirs.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded')) {
        this.problems.push(`console error on ${where()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => this.problems.push(`script error on ${where()}: ${error.message}`));
    page.on('requestfailed', (request) => {
      // A download the browser hands over is reported as an aborted request.
      const failure = request.failure()?.errorText ?? '';
      if (!failure.includes('ERR_ABORTED')) {
        this.problems.push(`request failed on ${where()}: ${request.url()} (${failure})`);
      }
    });
    page.on('response', (response) => {
      const request = response.request();
      if (response.status() >= 400 && !request.isNavigationRequest()
          && request.resourceType() !== 'fetch') {
        this.problems.push(`${request.resourceType()} ${response.url()} answered ${response.status()} on ${where()}`);
      }
    });
  }

  async close() {
    await Promise.all(this.contexts.map((c) => c.close().catch(() => {})));
    this.contexts = [];
  }
}

/** Signs in through the form on /login: lands where `next` says (the portfolio by default). */
export async function signIn(page, { name, password }, path = '/login') {
  const first = await page.goto(path);
  assert.equal(first.status(), 200, `GET ${path}`);
  assert.match(page.url(), /\/login/, `${path} leads to the sign-in form`);
  const main = page.getByRole('main');
  await main.getByLabel('User name').fill(name);
  await main.getByLabel('Password').fill(password);
  const response = await submit(page, () => main.getByRole('button', { name: 'Sign in' }).click());
  assert.equal(response.status(), 200, `signing in as ${name}: the page after it`);
  assert.doesNotMatch(page.url(), /\/login/, `signing in as ${name} leaves the sign-in page`);
  return response;
}

/**
 * Does `action` (a click that submits a form or follows a link) and waits until the page it
 * leads to has loaded. Answers that page's response (after redirects).
 */
export async function submit(page, action) {
  const responses = [];
  const seen = (response) => {
    if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) {
      responses.push(response);
    }
  };
  page.on('response', seen);
  try {
    const loaded = page.waitForEvent('load');
    await action();
    await loaded;
  } finally {
    page.off('response', seen);
  }
  const last = responses.at(-1);
  assert.ok(last, `no page was loaded after the action on ${page.url()}`);
  return last;
}

/** Goes to `path` and checks the status of the answer. */
export async function visit(page, path, status = 200) {
  const response = await page.goto(path);
  assert.equal(response.status(), status, `GET ${path} (now at ${page.url()})`);
  return response;
}

/**
 * Runs axe-core on the page as it is served: the violations (each with its impact and where) and
 * how many rules passed. axe's source is evaluated through the browser's debugging protocol, which
 * the page's Content-Security-Policy does not govern, so the audit needs no policy set aside.
 */
export async function audit(page) {
  await page.evaluate(axeSource());
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    const violations = r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
    return { violations, passed: r.passes.length };
  });
}

/** How far the page scrolls sideways (0 when it fits its width). */
export async function sidewaysOverflow(page) {
  // Not innerWidth: a phone's browser widens the visual viewport to show what overflows.
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
