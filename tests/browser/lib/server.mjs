// A private smm server for one run: a temporary data directory, users made with the CLI (as an
// operator would), data posted through the API (as CI would), and `smm serve` on a free port.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Runs `smm admin create-user`: the way the first owner of an organization is made. */
export function createUser(bin, dataDir, { name, organization, role, password }) {
  const result = spawnSync(
    bin,
    ['admin', 'create-user', '--name', name, '--organization', organization, '--role', role,
      '--database-url', `sqlite://${join(dataDir, 'smm.db')}`],
    { env: { ...process.env, SMM_PASSWORD: password }, encoding: 'utf8', timeout: 30_000 },
  );
  if (result.status !== 0) {
    throw new Error(`smm admin create-user ${name} failed (${result.status ?? result.signal}):\n` +
      `${result.stdout}${result.stderr}${result.error ?? ''}`);
  }
}

/** A running `smm serve`. */
export class Server {
  constructor(child, url, dataDir, log) {
    this.child = child;
    this.url = url;
    this.dataDir = dataDir;
    this.log = log;
  }

  /** Starts `smm serve` (on `listen`, by default a free port) and waits until it says where it
   *  listens. */
  static async start(bin, dataDir, { listen = '127.0.0.1:0', args = [] } = {}) {
    const log = [];
    const child = spawn(bin, ['serve', '--listen', listen, '--data-dir', dataDir, ...args], {
      env: { ...process.env, SMM_LOG: process.env.SMM_LOG ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
    const lines = createInterface({ input: child.stdout });
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(
        `smm serve did not say where it listens within 30 s; its log:\n${log.join('\n')}`)), 30_000);
      lines.on('line', (line) => {
        log.push(line);
        const found = /listening on (http:\/\/\S+)/.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`smm serve exited (${code ?? signal}) before listening; its log:\n${log.join('\n')}`));
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`smm serve could not be started (${bin}): ${e.message}`));
      });
    });
    return new Server(child, url.replace(/\/$/, ''), dataDir, log);
  }

  /** Stops the server gracefully (SIGTERM), or for good after 10 s; and its sign-in provider. */
  async stop() {
    this.provider?.stop();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** A temporary data directory, removed by `remove()`. */
export function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'smm-browser-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small client of the server's JSON API, as a person (session + CSRF) or a token. */
export class Api {
  constructor(base, headers = {}) {
    this.base = base;
    this.headers = headers;
  }

  /** Signs in with `POST /api/session`: a client carrying the session and its CSRF token. */
  static async signIn(base, name, password) {
    const answer = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
    const body = await answer.json();
    if (answer.status !== 200) {
      throw new Error(`POST /api/session as ${name}: ${answer.status} ${JSON.stringify(body)}`);
    }
    const cookie = answer.headers.getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('smm_session='));
    return {
      api: new Api(base, { cookie, 'x-csrf-token': body.csrf_token }),
      organizations: body.organizations,
      csrf: body.csrf_token,
    };
  }

  /** Sends a request; fails unless the status is the one expected. Answers the parsed body. */
  async send(method, path, { json, yaml, expect = [200, 201] } = {}) {
    const headers = { ...this.headers };
    let body;
    if (json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (yaml !== undefined) {
      headers['content-type'] = 'application/yaml';
      body = yaml;
    }
    const answer = await fetch(`${this.base}${path}`, { method, headers, body });
    const text = await answer.text();
    const wanted = Array.isArray(expect) ? expect : [expect];
    if (!wanted.includes(answer.status)) {
      throw new Error(`${method} ${path}: expected ${wanted.join(' or ')}, got ${answer.status}: ${text}`);
    }
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return text;
    }
  }

  post(path, options) {
    return this.send('POST', path, options);
  }

  put(path, options) {
    return this.send('PUT', path, options);
  }

  get(path, options) {
    return this.send('GET', path, options);
  }
}

/** The text of a file under `examples/`. */
export function example(root, path) {
  return readFileSync(join(root, 'examples', path), 'utf8');
}

/** A port nothing listens on now, on loopback. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The OpenID Connect provider of lib/oidc-provider.mjs, for sign-in through it: started with
 *  one client (smm's) and these accounts, stopped by `stop()`. */
export class Provider {
  constructor(child, issuer) {
    this.child = child;
    this.issuer = issuer;
  }

  static async start({ redirect, clientSecret, accounts }) {
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(process.execPath, [join(here, 'oidc-provider.mjs')], {
      env: {
        ...process.env,
        OIDC_ISSUER: 'http://localhost:0',
        OIDC_CLIENT_ID: 'smm',
        OIDC_CLIENT_SECRET: clientSecret,
        OIDC_REDIRECT_URI: redirect,
        OIDC_ACCOUNTS: JSON.stringify(accounts),
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const issuer = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the OpenID provider did not start within 30 s')), 30_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const found = /^listening (http:\/\/\S+)$/.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the OpenID provider exited (${code}) before listening`));
      });
    });
    return new Provider(child, issuer);
  }

  stop() {
    this.child.kill('SIGTERM');
  }
}
