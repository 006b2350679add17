// What a viewer cannot do: change anything with their session (refused, 403) or see another
// organization's pages (404, as if they did not exist), and a form sent with a stale CSRF token
// is refused with the reason on the page.
//
// When pages with state-changing forms land (target wizard, assessment editor, certificate
// issue, users and tokens), add each to FORMS below: the viewer opens it and sends it, and is
// refused on the page.

import assert from 'node:assert/strict';
import { submit, visit } from '../lib/browser.mjs';

/** State-changing forms a viewer must be refused: `path` to open, `button` to press. */
const FORMS = () => [];

export default {
  name: 'permissions',
  description: 'a viewer is refused changes (403) and cannot see another organization (404)',
  async run(t) {
    const { world } = t;
    const { acme, globex, systems } = world;
    const page = await t.page({ user: 'viewer' });
    const main = page.getByRole('main');

    await t.step('the viewer reads their organization', async () => {
      await visit(page, `/orgs/${acme.id}`);
      await main.getByRole('link', { name: systems.line.name }).waitFor();
      await visit(page, `/documents/${systems.line.assessment}/gap`);
      await main.getByRole('heading', { level: 1, name: /^Gap of / }).waitFor();
      await visit(page, `/systems/${systems.line.id}`);
      assert.match(await main.innerText(), /Your role here: viewer/);
    });

    await t.step('changes sent with the viewer\'s session are refused with 403', async () => {
      const csrf = await page.locator('form[action="/logout"] input[name="csrf"]').inputValue();
      assert.ok(csrf, 'the signed-in page carries a CSRF token');
      const attempts = [
        ['create a system', `/api/organizations/${acme.id}/systems`, { data: { name: 'Sneaky' } }],
        ['post a target', `/api/systems/${systems.line.id}/targets`, { data: world.systems.line.targetYaml, headers: { 'content-type': 'application/yaml' } }],
        ['issue a certificate', `/api/systems/${systems.gateway.id}/certificates`, { data: { assessments: [systems.gateway.assessment] } }],
        ['sign a declaration', `/api/systems/${systems.gateway.id}/certificates`, { data: { kind: 'declaration', assessments: [systems.gateway.assessment] } }],
        ['add a member', `/api/organizations/${acme.id}/members/mallory`, { method: 'PUT', data: { role: 'owner', password: 'mallory-password-1' } }],
      ];
      for (const [what, path, { method = 'POST', data, headers = {} }] of attempts) {
        // page.request carries the browser context's cookies: the viewer's session.
        const answer = await page.request.fetch(path, {
          method,
          data,
          headers: { 'x-csrf-token': csrf, ...headers },
        });
        assert.equal(answer.status(), 403, `a viewer trying to ${what}: ${await answer.text()}`);
      }
      for (const form of FORMS(world)) {
        await visit(page, form.path, form.status ?? 200);
        const response = await submit(page, () => main.getByRole('button', { name: form.button }).click());
        assert.equal(response.status(), 403, `a viewer sending the form on ${form.path}`);
        await main.getByRole('alert').waitFor();
      }
    });

    await t.step('a form sent with a stale CSRF token is refused on the page', async () => {
      await visit(page, `/orgs/${acme.id}`);
      await page.locator('form[action="/logout"] input[name="csrf"]')
        .evaluate((input) => { input.value = 'stale'; });
      const response = await submit(page, () => page.getByRole('button', { name: 'Sign out' }).click());
      assert.equal(response.status(), 403, 'signing out with a stale token');
      const alert = main.getByRole('alert');
      assert.match(await alert.innerText(), /reload the page/);
      // Still signed in.
      await visit(page, `/orgs/${acme.id}`);
      assert.equal(new URL(page.url()).pathname, `/orgs/${acme.id}`);
    });

    await t.step("another organization's pages are not found (404)", async () => {
      for (const path of [
        `/orgs/${globex.id}`,
        `/switch?org=${globex.id}`,
        `/systems/${systems.foreign.id}`,
        `/documents/${systems.foreign.assessment}/gap`,
        `/documents/${systems.foreign.assessment}/chart.svg?kind=bar`,
        `/api/documents/${systems.foreign.assessment}/report?format=html`,
      ]) {
        const response = await page.goto(path);
        assert.equal(response.status(), 404, `GET ${path}`);
        assert.doesNotMatch(await page.content(), new RegExp(systems.foreign.name), `${path} names nothing of Globex`);
      }
      await visit(page, `/systems/${systems.foreign.id}`, 404);
      await main.getByRole('alert').waitFor();
    });
  },
};
