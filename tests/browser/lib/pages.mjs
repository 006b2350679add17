// The main pages, as the accessibility audit and the screenshots see them. A new page is one more
// entry here: its name (the screenshot's file name), who looks at it, where it is, the status it
// answers, and optionally what to do on it first (fill a form, say).

import { example } from './server.mjs';
import { submit } from './browser.mjs';

/** The pages to audit and photograph, in the world `world`. */
export function mainPages(world) {
  const { acme, systems } = world;
  return [
    { name: 'login', user: null, path: '/login' },
    {
      name: 'login-failed',
      user: null,
      path: '/login',
      status: 401,
      async prepare(page) {
        const main = page.getByRole('main');
        // Not a real user, so the throttle of a real one is not touched.
        await main.getByLabel('User name').fill('nobody');
        await main.getByLabel('Password').fill('not the password');
        return submit(page, () => main.getByRole('button', { name: 'Sign in' }).click());
      },
    },
    { name: 'portfolio', user: 'owner', path: `/orgs/${acme.id}` },
    { name: 'system', user: 'owner', path: `/systems/${systems.gateway.id}`, before: () => world.certificate() },
    { name: 'gap', user: 'owner', path: `/documents/${systems.line.assessment}/gap` },
    { name: 'risk', user: 'owner', path: `/documents/${systems.line.assessment}/risk?iterations=2000` },
    // The gateway keeps no loss scenarios: the page says how to store them.
    { name: 'risk-empty', user: 'owner', path: `/documents/${systems.gateway.assessment}/risk` },
    { name: 'standards', user: 'owner', path: `/documents/${systems.line.assessment}/standards?standard=iec-62443-3-3` },
    { name: 'verify', user: null, path: '/verify' },
    {
      name: 'verify-valid',
      user: null,
      path: '/verify',
      before: () => world.certificate(),
      async prepare(page) {
        const { envelope } = await world.certificate();
        const main = page.getByRole('main');
        await main.getByLabel(/^Certificate/).fill(JSON.stringify(envelope));
        await main.getByLabel(/^Target profile/).fill(example(world.root, 'ota-gateway/target.yaml'));
        return submit(page, () => main.getByRole('button', { name: 'Verify' }).click());
      },
    },
    // The public register, with the certificate issued above among its results.
    { name: 'register', user: null, path: '/register', before: () => world.certificate() },
    { name: 'roadmap', user: 'owner', path: `/documents/${systems.line.assessment}/roadmap?budget=40000&period=quarter&start=2027-01` },
    { name: 'compare', user: 'owner', path: `/orgs/${acme.id}/compare?left=${systems.line.target}&right=${systems.line.assessment}` },
    {
      name: 'members',
      user: 'owner',
      path: `/orgs/${acme.id}/members`,
      // A signing key, so the keys' table and its forms are on the page.
      before: () => world.signingKey(),
    },
    { name: 'audit', user: 'owner', path: `/orgs/${acme.id}/audit` },
    { name: 'assessment-editor', user: 'owner', path: `/documents/${systems.line.assessment}/edit` },
    {
      name: 'wizard-background',
      user: 'owner',
      path: `/systems/${systems.cell.id}`,
      async prepare(page) {
        return submit(page, () => page.getByRole('main').getByRole('button', { name: 'Set a new target' }).click());
      },
    },
    {
      name: 'wizard-practices',
      user: 'owner',
      path: `/systems/${systems.cell.id}`,
      async prepare(page) {
        await submit(page, () => page.getByRole('main').getByRole('button', { name: 'Set a new target' }).click());
        return page.goto(page.url().replace(/background$/, 'practices'));
      },
    },
    { name: 'not-found', user: 'owner', path: `/systems/${systems.foreign.id}`, status: 404 },
  ];
}

/** Opens `entry` on `page` (after its `before` and with its `prepare`): the final response. */
export async function open(page, entry) {
  if (entry.before) await entry.before();
  let response = await page.goto(entry.path);
  if (entry.prepare) response = await entry.prepare(page);
  const status = entry.status ?? 200;
  if (response.status() !== status) {
    throw new Error(`page ${entry.name} (${entry.path}) answered ${response.status()}, expected ${status}`);
  }
  return response;
}
