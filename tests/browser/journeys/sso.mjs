// Signing in through the OpenID Connect provider, as a person does: the button on the sign-in
// form, the provider's own pages (on another site: localhost, while smm is on 127.0.0.1), and
// back to smm signed in with the role the provider's groups give. The round trip crosses sites,
// so it proves the cookies' SameSite settings work together: the Lax one that ties the answer to
// this browser reaches the callback, and the Strict session is there on the next page.

import assert from 'node:assert/strict';
import { submit, visit } from '../lib/browser.mjs';

export default {
  name: 'sso',
  description: 'sign in through the OpenID Connect provider, land where you were going, with its role',
  async run(t) {
    const { world } = t;
    const { acme, sso } = world;
    const page = await t.page({ javaScript: false });
    const main = page.getByRole('main');
    // The provider's development pages ask Google for a font; nothing leaves the machine in a test.
    await page.route('https://fonts.googleapis.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/css', body: '' }));

    await t.step('the sign-in form offers the provider', async () => {
      await visit(page, `/orgs/${acme.id}`);
      assert.match(page.url(), new RegExp(`/login\\?next=/orgs/${acme.id}$`));
      await main.getByRole('link', { name: `Sign in with ${sso.name}` }).waitFor();
    });

    await t.step("the provider's pages sign the person in", async () => {
      await submit(page, () => main.getByRole('link', { name: `Sign in with ${sso.name}` }).click());
      assert.ok(page.url().startsWith(sso.issuer), `at the provider: ${page.url()}`);
      await page.locator('input[name=login]').fill(sso.login);
      await page.locator('input[name=password]').fill('any password');
      await submit(page, () => page.locator('button[type=submit]').click());
      // The provider asks to share the details with smm.
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL((url) => url.pathname === `/orgs/${acme.id}`, { timeout: 20_000 });
    });

    await t.step('back at smm, signed in with the role the groups give', async () => {
      await page.getByRole('main').getByRole('heading', { level: 1, name: `Portfolio of ${acme.name}` }).waitFor();
      const cookies = await page.context().cookies();
      const session = cookies.find((c) => c.name === 'smm_session');
      assert.ok(session, 'a session cookie is set');
      assert.equal(session.sameSite, 'Strict');
      assert.ok(!cookies.some((c) => c.name === 'smm_oidc' && c.value !== ''), 'the sign-in cookie is cleared');
      const me = await page.request.get('/api/session');
      const body = await me.json();
      assert.equal(body.user, sso.login);
      assert.deepEqual(body.organizations.map((o) => [o.name, o.role]), [[acme.name, 'viewer']]);
    });

    await t.step('the same answer cannot sign in twice', async () => {
      const again = await page.request.get('/auth/oidc/callback?code=x&state=y');
      assert.equal(again.status(), 400);
    });
  },
};
