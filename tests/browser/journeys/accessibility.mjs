// axe-core on every main page, at desktop and at phone width (a table that fits a desktop
// scrolls on a phone, and then must be reachable by keyboard): every violation is printed; a
// serious or critical one fails.

import { audit } from '../lib/browser.mjs';
import { mainPages, open } from '../lib/pages.mjs';

const FAILING = new Set(['serious', 'critical']);

export default {
  name: 'accessibility',
  description: 'axe-core finds nothing serious or critical on the main pages, on a desktop and a phone',
  async run(t) {
    const failures = [];
    for (const view of ['desktop', 'phone']) {
      for (const entry of mainPages(t.world)) {
        await t.step(`axe on ${entry.name} (${entry.path}) at ${view} width`, async () => {
          // The pages forbid every script; the audit's own script needs the policy set aside.
          const page = await t.page({ user: entry.user, view, bypassCSP: true });
          await open(page, entry);
          const { violations, passed } = await audit(page);
          t.note(`${violations.length} violations, ${passed} rules passed`);
          for (const v of violations) {
            t.note(`[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
            for (const node of v.nodes) t.note(`    at ${node.target}: ${node.summary.replace(/\n\s*/g, ' ')}`);
          }
          const serious = violations.filter((v) => FAILING.has(v.impact));
          if (serious.length > 0) {
            failures.push(`${entry.name} at ${view} width: ${serious.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
          }
          await page.context().close();
        });
      }
    }
    if (failures.length > 0) {
      throw new Error(`serious or critical accessibility violations:\n  ${failures.join('\n  ')}`);
    }
  },
};
