// Every main page, opened once at desktop and once at phone width, under the policy it is
// served with: photographed (for people to look at), checked not to scroll sideways on a phone
// (wide tables scroll inside their own box, not the page), and audited by axe-core (a table that
// fits a desktop scrolls on a phone, and then must be reachable by keyboard). Every violation is
// printed; a serious or critical one fails, as does sideways scrolling.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { audit, sidewaysOverflow } from '../lib/browser.mjs';
import { mainPages, open } from '../lib/pages.mjs';

const FAILING = new Set(['serious', 'critical']);

export default {
  name: 'main-pages',
  description: 'each main page at desktop and phone width: photographed, no sideways scrolling, nothing serious or critical for axe-core',
  async run(t) {
    const dir = t.options.screenshots;
    await mkdir(dir, { recursive: true });
    const failures = [];
    for (const view of ['desktop', 'phone']) {
      for (const entry of mainPages(t.world)) {
        await t.step(`${entry.name} (${entry.path}) at ${view} width`, async () => {
          const page = await t.page({ user: entry.user, view });
          await open(page, entry);
          await page.waitForFunction(() => [...document.images].every((i) => i.complete));
          await page.screenshot({ path: join(dir, `${entry.name}-${view}.png`), fullPage: true });
          const overflow = await sidewaysOverflow(page);
          if (overflow > 0) failures.push(`${entry.name} scrolls ${overflow} px sideways at ${view} width`);

          const { violations, passed } = await audit(page);
          t.note(`${violations.length} accessibility violations, ${passed} rules passed`);
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
    t.note(`screenshots in ${dir}`);
    if (failures.length > 0) throw new Error(`the main pages:\n  ${failures.join('\n  ')}`);
  },
};
