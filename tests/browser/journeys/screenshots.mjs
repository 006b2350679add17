// Every main page photographed at desktop and phone width (for people to look at), and checked
// not to scroll sideways on a phone: wide tables scroll inside their own box, not the page.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sidewaysOverflow } from '../lib/browser.mjs';
import { mainPages, open } from '../lib/pages.mjs';

export default {
  name: 'screenshots',
  description: 'each main page at desktop and phone width, without sideways scrolling',
  async run(t) {
    const dir = t.options.screenshots;
    await mkdir(dir, { recursive: true });
    const failures = [];
    for (const view of ['desktop', 'phone']) {
      for (const entry of mainPages(t.world)) {
        await t.step(`${entry.name} at ${view} width`, async () => {
          const page = await t.page({ user: entry.user, view });
          await open(page, entry);
          await page.waitForFunction(() => [...document.images].every((i) => i.complete));
          const file = join(dir, `${entry.name}-${view}.png`);
          await page.screenshot({ path: file, fullPage: true });
          const overflow = await sidewaysOverflow(page);
          if (overflow > 0) failures.push(`${entry.name} scrolls ${overflow} px sideways at ${view} width`);
          await page.context().close();
        });
      }
    }
    t.note(`screenshots in ${dir}`);
    if (failures.length > 0) throw new Error(failures.join('\n'));
  },
};
