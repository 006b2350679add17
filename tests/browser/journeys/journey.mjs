// The main journey, as a person does it: sign in through the form, from the portfolio to a system
// and its gap (charts loaded, the table, the report downloads), a certificate issued, checked on
// the public verification page as it is and with one character of it changed, and signing out.
// All of it with JavaScript off: the pages must not need it.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { example } from '../lib/server.mjs';
import { submit, visit } from '../lib/browser.mjs';

export default {
  name: 'journey',
  description: 'sign in, portfolio, system, gap with charts and reports, certificate verified, sign out',
  async run(t) {
    const { world } = t;
    const { acme, systems, users } = world;
    const page = await t.page({ javaScript: false });
    const main = page.getByRole('main');

    await t.step('an anonymous visitor is sent to the sign-in form and back', async () => {
      await visit(page, `/orgs/${acme.id}`);
      assert.match(page.url(), new RegExp(`/login\\?next=/orgs/${acme.id}$`));
      await main.getByLabel('User name').fill(users.owner.name);
      await main.getByLabel('Password').fill(users.owner.password);
      const response = await submit(page, () => main.getByRole('button', { name: 'Sign in' }).click());
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).pathname, `/orgs/${acme.id}`);
      const session = (await page.context().cookies()).find((c) => c.name === 'smm_session');
      assert.ok(session, 'a session cookie is set');
      assert.equal(session.httpOnly, true, 'the session cookie is HttpOnly');
      assert.equal(session.sameSite, 'Strict', 'the session cookie is SameSite=Strict');
    });

    await t.step('the portfolio lists the systems with their status', async () => {
      await main.getByRole('heading', { level: 1, name: `Portfolio of ${acme.name}` }).waitFor();
      const row = main.getByRole('row').filter({ has: page.getByRole('link', { name: systems.line.name }) });
      await row.waitFor();
      assert.match(await row.innerText(), /under target|meets target/);
      for (const name of [systems.gateway.name, systems.cell.name]) {
        await main.getByRole('link', { name }).waitFor();
      }
      assert.equal(await main.getByText(systems.foreign.name).count(), 0, "another organization's system is not listed");
    });

    await t.step('the system page lists its target and assessment', async () => {
      await submit(page, () => main.getByRole('link', { name: systems.line.name }).click());
      assert.equal(new URL(page.url()).pathname, `/systems/${systems.line.id}`);
      await main.getByRole('heading', { level: 1, name: systems.line.name }).waitFor();
      await main.getByRole('rowheader', { name: 'Smart beverage bottling line, version 1.0' }).waitFor();
      await main.getByRole('rowheader', { name: 'Bottling line BL-2 (plant Lyon) 2026.1, assessed 2026-04-22 by Claire Martin and Hugo Lefebvre' }).waitFor();
    });

    await t.step('the gap page shows both charts loaded and the table', async () => {
      const row = main.getByRole('row').filter({ has: page.locator(`a[href="/documents/${systems.line.assessment}/gap"]`) });
      await submit(page, () => row.getByRole('link', { name: 'Gap' }).click());
      assert.equal(new URL(page.url()).pathname, `/documents/${systems.line.assessment}/gap`);
      await main.getByRole('heading', { level: 1, name: /^Gap of / }).waitFor();
      const charts = main.locator('img.chart');
      assert.equal(await charts.count(), 2, 'two charts');
      await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10_000 });
      for (const chart of await charts.all()) {
        const { naturalWidth, src } = await chart.evaluate((i) => ({ naturalWidth: i.naturalWidth, src: i.src }));
        assert.ok(naturalWidth > 0, `the chart ${src} is drawn (naturalWidth ${naturalWidth})`);
        assert.ok((await chart.getAttribute('alt'))?.length > 20, `the chart ${src} has a text alternative`);
      }
      const rows = main.getByRole('table').getByRole('row');
      assert.ok(await rows.count() > 10, 'the table has a row per practice');
      await main.getByRole('rowheader', { name: 'Patch Management' }).waitFor();
    });

    await t.step('the report links download the HTML and PDF reports', async () => {
      const link = main.getByRole('link', { name: 'Download the report (HTML)' });
      const href = await link.getAttribute('href');
      const answer = await page.request.get(href);
      assert.equal(answer.status(), 200, `GET ${href}`);
      assert.match(answer.headers()['content-type'], /^text\/html/);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.equal(await download.failure(), null, 'the download completes');
      const html = await readFile(await download.path(), 'utf8');
      assert.match(html, /<html/i, 'the download is an HTML document');
      const pdf = await page.request.get(await main.getByRole('link', { name: 'PDF', exact: true }).getAttribute('href'));
      assert.equal(pdf.status(), 200, 'the PDF report');
      assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
    });

    let envelope;
    await t.step('a supplier\'s declaration is signed (through the API) and listed on its system', async () => {
      ({ envelope } = await world.issueCertificate());
      assert.ok(envelope?.payload, 'the declaration is a DSSE envelope');
      await visit(page, `/systems/${systems.gateway.id}`);
      await main.getByRole('heading', { name: 'Certificates' }).waitFor();
      const rows = main.getByRole('row').filter({ hasText: 'valid' }).filter({ hasText: 'Supplier\'s declaration' });
      assert.ok(await rows.count() >= 1, 'a valid declaration is listed as one');
    });

    // Anyone may verify: a visitor who never signed in.
    const visitor = await t.page({ javaScript: false });
    const visitorMain = visitor.getByRole('main');
    await t.step('the public verification page says the certificate is valid', async () => {
      await verify(visitor, JSON.stringify(envelope), example(world.root, 'ota-gateway/target.yaml'));
      await visitorMain.getByRole('heading', { name: 'Valid: every check holds' }).waitFor();
      assert.equal(await visitorMain.locator('ul.checks li.failed').count(), 0, 'no failed check');
      assert.match(await visitorMain.locator('p.kind').innerText(), /^Supplier's declaration/, 'the kind comes first');
    });

    await t.step('with one character of its payload changed it is not valid', async () => {
      const tampered = { ...envelope, payload: changeOneCharacter(envelope.payload) };
      await verify(visitor, JSON.stringify(tampered), '');
      await visitorMain.getByRole('heading', { name: 'Not valid' }).waitFor();
      assert.equal(await visitorMain.getByRole('heading', { name: /^Valid/ }).count(), 0);
    });

    await t.step('signing out ends the session', async () => {
      await visit(page, `/orgs/${acme.id}`);
      const response = await submit(page, () => page.getByRole('button', { name: 'Sign out' }).click());
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/login');
      await visit(page, `/orgs/${acme.id}`);
      assert.equal(new URL(page.url()).pathname, '/login', 'the portfolio asks to sign in again');
    });
  },
};

/** Fills the verification form and submits it. */
async function verify(page, certificate, target) {
  const main = page.getByRole('main');
  await visit(page, '/verify');
  await main.getByLabel(/^Certificate/).fill(certificate);
  await main.getByLabel(/^Target profile/).fill(target);
  const response = await submit(page, () => main.getByRole('button', { name: 'Verify' }).click());
  assert.equal(response.status(), 200, 'POST /verify');
}

/** The same base64 text with the character in its middle replaced by another one. */
function changeOneCharacter(text) {
  const at = Math.floor(text.length / 2);
  const other = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + other + text.slice(at + 1);
}
