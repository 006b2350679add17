#!/usr/bin/env node
// smm's browser tests: journeys through the web pages in a real Chromium.
//
//   SMM_BIN=target/debug/smm node tests/browser/run.mjs [journey …]
//
// Builds nothing: SMM_BIN names the smm binary. Makes a temporary data directory, users through
// the CLI and data through the API, starts `smm serve` on a free port, and runs each journey in
// fresh browser contexts. Exits 0 when every journey passes, 1 when one fails, 2 when it cannot
// run at all (no binary, no browser).
//
// Environment:
//   SMM_BIN              the smm binary (required)
//   CHROMIUM             the browser (default /usr/bin/chromium)
//   SMM_SCREENSHOTS      where the screenshots go (default target/screenshots at the repository root)
//   SMM_JOURNEY_SECONDS  the time limit of each journey (default 180: it catches a hang, not a slow
//                        machine; the main-pages journey photographs and audits about forty pages)
//
// A journey is a module in journeys/ exporting { name, description, run(t) }; add it to JOURNEYS.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, Session } from './lib/browser.mjs';
import { tempDataDir } from './lib/server.mjs';
import { makeWorld } from './lib/world.mjs';

import journey from './journeys/journey.mjs';
import pipeline from './journeys/pipeline.mjs';
import permissions from './journeys/permissions.mjs';
import mainPages from './journeys/main-pages.mjs';
import sso from './journeys/sso.mjs';

const JOURNEYS = [journey, pipeline, permissions, mainPages, sso];

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

function fatal(message) {
  console.error(`browser tests: ${message}`);
  process.exit(2);
}

const bin = process.env.SMM_BIN;
if (!bin) fatal('set SMM_BIN to the smm binary (for example target/debug/smm after `cargo build`)');
if (!existsSync(bin)) fatal(`SMM_BIN names ${bin}, which does not exist`);
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) fatal(`no browser at ${chromium} (install Debian's chromium, or set CHROMIUM)`);
const options = {
  screenshots: resolve(process.env.SMM_SCREENSHOTS || join(root, 'target', 'screenshots')),
  limit: Number(process.env.SMM_JOURNEY_SECONDS || 180) * 1000,
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!JOURNEYS.some((j) => j.name === name)) {
    fatal(`no journey ${name}; there are: ${JOURNEYS.map((j) => j.name).join(', ')}`);
  }
}
const selected = JOURNEYS.filter((j) => wanted.length === 0 || wanted.includes(j.name));

const elapsed = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Runs `promise` but gives up after `ms`. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const started = performance.now();
  const data = tempDataDir();
  let world;
  let browser;
  const failed = [];
  let passed = 0;
  try {
    world = await within(60_000, 'setting up the server and its data', makeWorld({ bin, root, dataDir: data.dir }));
    console.log(`browser tests: smm serve at ${world.url}, data in ${data.dir} (${elapsed(started)})`);
    browser = await launch(chromium);
    console.log(`browser tests: ${chromium} ${browser.version()}`);

    for (const j of selected) {
      const begun = performance.now();
      console.log(`\n${j.name}: ${j.description}`);
      const session = new Session(browser, world, options);
      // Notes made during a step are printed under its line, once it is known how it went.
      let notes = null;
      const t = {
        world,
        options,
        page: (o) => session.page(o),
        note: (text) => (notes ? notes.push(text) : console.log(`    ${text}`)),
        async step(title, fn) {
          const at = performance.now();
          notes = [];
          let mark = '✓';
          try {
            await fn();
          } catch (e) {
            mark = '✗';
            throw e;
          } finally {
            console.log(`  ${mark} ${title} (${elapsed(at)})`);
            for (const n of notes) console.log(`      ${n}`);
            notes = null;
          }
        },
      };
      try {
        await within(options.limit, `the journey ${j.name}`, j.run(t));
        if (session.problems.length > 0) {
          throw new Error(`the pages reported problems:\n  ${session.problems.join('\n  ')}`);
        }
        passed += 1;
        console.log(`${j.name}: passed (${elapsed(begun)})`);
      } catch (e) {
        failed.push(j.name);
        console.log(`${j.name}: FAILED (${elapsed(begun)})\n${indent(e.stack ?? String(e))}`);
      } finally {
        await session.close();
      }
    }
  } catch (e) {
    failed.push('setup');
    console.log(`browser tests: could not start: ${e.stack ?? e}`);
  } finally {
    await browser?.close().catch(() => {});
    await world?.server.stop();
    if (failed.length > 0 && world) {
      console.log(`\nthe server's log:\n${indent(world.server.log.slice(-80).join('\n'))}`);
    }
    data.remove();
  }
  console.log(`\nbrowser tests: ${passed} of ${selected.length} journeys passed`
    + `${failed.length ? `; failed: ${failed.join(', ')}` : ''} (${elapsed(started)})`);
  process.exit(failed.length ? 1 : 0);
}

function indent(text) {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}

main();
