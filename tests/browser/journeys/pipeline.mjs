// The whole pipeline through the pages only, as a newcomer does it: a new organization, a
// product, a target set with the five-step wizard (a goal saved in the background as it is
// chosen, an override refused without its reason), an
// assessment with an evidence file in the editor, the gap with its charts, the report download,
// a certificate issued from the system page, and the public page verifying it — and refusing it
// with one character changed.

import assert from 'node:assert/strict';
import { submit, visit } from '../lib/browser.mjs';

export default {
  name: 'pipeline',
  description: 'organization, product, wizard target, assessment with evidence, gap, report, certificate, verification',
  async run(t) {
    const page = await t.page({ user: 'owner' });
    const main = page.getByRole('main');
    const stamp = Date.now().toString(36);
    let orgPath;
    let systemPath;

    await t.step('a new organization and a product, from the portfolio', async () => {
      await visit(page, `/orgs/${t.world.acme.id}`);
      await main.getByText('Start another organization').click();
      await main.getByLabel('Organization name').fill(`Pipeline Lab ${stamp}`);
      await submit(page, () => main.getByRole('button', { name: 'Create' }).click());
      orgPath = new URL(page.url()).pathname;
      assert.match(orgPath, /^\/orgs\/\d+$/);
      await main.getByRole('heading', { level: 1, name: `Portfolio of Pipeline Lab ${stamp}` }).waitFor();
      await main.getByText('Add a system or product').click();
      await main.getByLabel('Name', { exact: true }).fill('Gateway X');
      await main.getByLabel('Kind').selectOption('product');
      await submit(page, () => main.getByRole('button', { name: 'Add' }).click());
      systemPath = new URL(page.url()).pathname;
      await main.getByRole('heading', { level: 1, name: 'Gateway X' }).waitFor();
    });

    await t.step('a target with the five-step wizard', async () => {
      await submit(page, () => main.getByRole('button', { name: 'Set a new target' }).click());
      await main.getByRole('heading', { name: 'Step 1: background' }).waitFor();
      await main.getByLabel(/^Profile name/).fill('Gateway X target');
      await main.getByLabel(/^Your role/).selectOption('vendor');
      await submit(page, () => main.getByRole('button', { name: 'Save and continue' }).click());
      await main.getByRole('heading', { name: 'Step 2: factors' }).waitFor();
      await main.locator('#factor-exposure-impact').selectOption('high');
      await main.locator('#factor-exposure-description').fill('Updates arrive over the internet.');
      await submit(page, () => main.getByRole('button', { name: 'Save and continue' }).click());
      await main.getByRole('heading', { name: 'Step 3: a goal per domain' }).waitFor();
      await page.getByRole('complementary').getByText('Consistency warnings').or(page.getByText('No consistency warning.')).first().waitFor();
      // With JavaScript on, a choice is saved without leaving the page and the summary beside the
      // form is redrawn: after a reload, the choice is there and the summary is the same.
      // Each background save is based on the draft's revision the previous one returned.
      const side = page.getByRole('complementary');
      const unchecked = () => main.locator('input[type=radio][name^="goal."]:not([value="custom"]):not(:checked)');
      const revision = async () => Number(await main.locator('[data-revision]').inputValue());
      const savedAs = (n) => page.waitForFunction((v) => document.querySelector('[data-revision]').value === v, String(n));
      const start = await revision();
      const other = unchecked().first();
      const otherId = await other.getAttribute('id');
      await other.check();
      await side.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
      await savedAs(start + 1);
      const last = unchecked().last();
      const lastId = await last.getAttribute('id');
      await last.check();
      await savedAs(start + 2);
      await side.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
      const live = await side.locator('[data-live-region]').innerText();
      await visit(page, new URL(page.url()).pathname);
      assert.equal(await main.locator(`#${otherId}`).isChecked(), true, 'the choice was saved in the background');
      assert.equal(await main.locator(`#${lastId}`).isChecked(), true, 'the second choice was saved too');
      assert.equal(await side.locator('[data-live-region]').innerText(), live, 'the live summary is the saved one');
      await submit(page, () => main.getByRole('button', { name: 'Save and continue' }).click());
      await main.getByRole('heading', { name: 'Step 4: needs per subdomain' }).waitFor();
      // Set one subdomain by hand without a reason: refused, the choice kept.
      await main.locator('#take-threats-override').check();
      await main.locator('#c-threats').selectOption('3');
      let response = await submit(page, () => main.getByRole('button', { name: 'Save and continue' }).click());
      assert.equal(response.status(), 422);
      await main.getByText('A change needs a reason').first().waitFor();
      assert.equal(await main.locator('#take-threats-override').isChecked(), true, 'the choice is kept');
      await main.locator('#r-threats').fill('Over-the-air updates need a worked-out threat model.');
      response = await submit(page, () => main.getByRole('button', { name: 'Save and continue' }).click());
      assert.equal(response.status(), 200);
      await main.getByRole('heading', { name: 'Step 5: purpose per practice' }).waitFor();
      await submit(page, () => main.getByRole('button', { name: 'Save and continue' }).click());
      await main.getByRole('heading', { name: 'Review' }).waitFor();
      await main.getByText('Over-the-air updates need a worked-out threat model.').first().waitFor();
      await submit(page, () => main.getByRole('button', { name: 'Save the target profile' }).click());
      assert.equal(new URL(page.url()).pathname, systemPath);
      await main.getByRole('status').filter({ hasText: 'Target profile saved as version 1.' }).waitFor();
      await main.getByRole('rowheader', { name: /^Gateway X target/ }).waitFor();
    });

    await t.step('an assessment with an evidence file, meeting the target', async () => {
      await submit(page, () => main.getByRole('link', { name: 'Assess against the latest target' }).click());
      await main.getByRole('heading', { level: 1, name: 'Assess Gateway X' }).waitFor();
      await main.getByLabel('Version assessed').fill('3.2.0');
      // The default scheme asks for a vulnerability analysis among the methods.
      await main.getByLabel('vulnerability analysis').check();
      // Every practice starts not assessed; each is set at exactly its target (the legend says
      // it: "target 2 / industry").
      for (const fieldset of await main.locator('fieldset[id^="practice-"]').all()) {
        const id = (await fieldset.getAttribute('id')).slice('practice-'.length);
        const legend = await fieldset.locator('legend').innerText();
        const [, c, s] = legend.match(/target (\d) \/ (\w+)/);
        await fieldset.locator(`#c-${id}`).selectOption(c);
        await fieldset.locator(`#s-${id}`).selectOption(s);
      }
      const patch = main.locator('#practice-patch-management');
      await patch.getByText('Add evidence').click();
      await patch.getByLabel(/^A file/).setInputFiles({ name: 'patch-policy.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n% patch policy\n') });
      await patch.getByLabel('What it shows').fill('The signed patch policy');
      await submit(page, () => main.getByRole('button', { name: 'Save the assessment' }).click());
      assert.match(new URL(page.url()).pathname, /^\/documents\/\d+\/gap$/);
      await main.getByRole('status').filter({ hasText: 'Assessment saved as version 1.' }).waitFor();
    });

    await t.step('the gap shows its charts, every practice met, and the report downloads', async () => {
      await main.getByRole('heading', { level: 1, name: /^Gap of Gateway X 3\.2\.0/ }).waitFor();
      await page.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 10_000 });
      assert.equal(await main.locator('img.chart').count(), 2);
      assert.equal(await main.locator('td.status.under').count(), 0, 'nothing under target');
      const href = await main.getByRole('link', { name: 'Download the report (HTML)' }).getAttribute('href');
      const report = await page.request.get(href);
      assert.equal(report.status(), 200);
      assert.match(await report.text(), /Gateway X/);
      // The evidence file is downloadable from the editor's link.
      await visit(page, systemPath);
      const edit = main.getByRole('link', { name: 'Edit' }).first();
      await submit(page, () => edit.click());
      const evidence = main.getByRole('link', { name: 'patch-policy.pdf' });
      const file = await page.request.get(await evidence.getAttribute('href'));
      assert.equal(file.status(), 200);
      assert.match(file.headers()['content-disposition'], /^attachment/);
    });

    let envelope;
    await t.step('the owner signs a supplier\'s declaration from the system page (never a certificate)', async () => {
      await visit(page, systemPath);
      assert.equal(await main.getByText('Issue a certificate as').count(), 0, 'no certificate is offered to the owner');
      await main.getByText('Sign a supplier\'s declaration', { exact: true }).click();
      await main.getByRole('checkbox').first().check();
      const issued = await submit(page, () => main.getByRole('button', { name: 'Sign the declaration' }).click());
      assert.equal(issued.status(), 200, await page.locator('main').innerText());
      const link = main.locator('a[href^="/certificates/"][href$="/cert.json"]').first();
      const certificate = await page.request.get(await link.getAttribute('href'));
      assert.equal(certificate.status(), 200);
      envelope = await certificate.json();
      assert.ok(envelope.payload && envelope.signatures?.length === 1);
    });

    const visitor = await t.page();
    const visitorMain = visitor.getByRole('main');
    await t.step('anyone verifies it, and a changed copy fails', async () => {
      await visit(visitor, '/verify');
      await visitorMain.getByLabel(/^Certificate/).fill(JSON.stringify(envelope));
      await submit(visitor, () => visitorMain.getByRole('button', { name: 'Verify' }).click());
      await visitorMain.getByRole('heading', { name: 'Valid: every check holds' }).waitFor();
      const at = Math.floor(envelope.payload.length / 2);
      const changed = envelope.payload.slice(0, at) + (envelope.payload[at] === 'A' ? 'B' : 'A') + envelope.payload.slice(at + 1);
      await visit(visitor, '/verify');
      await visitorMain.getByLabel(/^Certificate/).fill(JSON.stringify({ ...envelope, payload: changed }));
      await submit(visitor, () => visitorMain.getByRole('button', { name: 'Verify' }).click());
      await visitorMain.getByRole('heading', { name: 'Not valid' }).waitFor();
    });
  },
};
