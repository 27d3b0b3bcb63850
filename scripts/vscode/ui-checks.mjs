// UI checks of Kubeside in the real workbench, driven through playwright-core in the runner's browser:
// the activity-bar entry, the Kubeside view with its Cluster tree, and the version command from the
// view's welcome content. Screenshots land in test-results/vscode/ for people to look at.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshotDir = join(root, 'test-results', 'vscode');

/**
 * Runs each check in order, printing one line per check like a spec reporter. Resolves with the number
 * of failed checks; a failing check still leaves a screenshot of what the page showed.
 *
 * @param {import('playwright-core').Page} page
 * @param {URL} url the workbench with Kubeside loaded as a development extension
 */
export async function runUiChecks(page, url) {
  await mkdir(screenshotDir, { recursive: true });
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const activityBarItem = page.locator('.part.activitybar').getByRole('tab', { name: /^Kubeside/ });
  const sideBar = page.locator('.part.sidebar');
  const clusterView = sideBar.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Cluster' }) });

  const checks = [
    ['the workbench opens with the Explorer', async () => {
      await page.goto(url.href);
      await sideBar.locator('.composite.title', { hasText: /explorer/i }).waitFor({ timeout: 30_000 });
      await sideBar.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    }],
    ['the Kubeside icon is in the activity bar', async () => {
      await activityBarItem.waitFor({ timeout: 30_000 });
    }],
    ['clicking it shows the Kubeside view with the Cluster tree and its welcome content', async () => {
      if (await clusterView.isVisible()) throw new Error('the Cluster view is showing before the click');
      await activityBarItem.click();
      await sideBar.locator('.composite.title', { hasText: /kubeside/i }).waitFor();
      await clusterView.locator('.welcome-view-content', { hasText: 'No cluster is running yet' }).waitFor();
      await page.mouse.move(0, 0); // no hover highlight in the picture
      await page.screenshot({ path: join(screenshotDir, 'kubeside-view.png') });
    }],
    [`the welcome button runs kubeside.showVersion, which shows "Kubeside ${version}"`, async () => {
      await clusterView.getByRole('button', { name: 'Show Kubeside Version' }).click();
      // The smoke-test driver suppresses toasts; the notification centre lists the message instead.
      await page.locator('.part.statusbar [id="status.notifications"]').click();
      await page.locator('.notifications-center .notification-list-item', { hasText: `Kubeside ${version}` }).waitFor();
      await page.screenshot({ path: join(screenshotDir, 'kubeside-version.png') });
    }],
  ];

  console.log('\n  Kubeside in the VS Code workbench');
  let failures = 0;
  for (const [title, check] of checks) {
    try {
      await check();
      console.log(`    ✔ ${title}`);
    } catch (err) {
      failures++;
      console.log(`    ✘ ${title}\n      ${err.message.split('\n')[0]}`);
      await page.screenshot({ path: join(screenshotDir, 'failure.png') }).catch(() => {});
      break; // later checks build on earlier ones
    }
  }
  console.log(`\n  ${checks.length - failures} of ${checks.length} UI checks passed; screenshots in ${screenshotDir}\n`);
  return failures;
}
