// UI checks of Kubeside in the real workbench, driven through playwright-core in the runner's browser:
// the activity-bar entry, the Kubeside views with the embedded cluster's nodes, and a manifest applied
// from the command palette showing up in the Workloads tree, and the dashboard, topology, logs and details webviews. Screenshots land in test-results/vscode/ for people to look at.
import { mkdir } from 'node:fs/promises';
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
  const activityBarItem = page.locator('.part.activitybar').getByRole('tab', { name: /^Kubeside/ });
  const sideBar = page.locator('.part.sidebar');

  const pane = (title) => sideBar.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: title }) });
  const clusterView = pane('Cluster');
  const workloadsView = pane('Workloads');
  const statusItem = page.locator('.part.statusbar .statusbar-item', { hasText: /Kubeside|embedded/ });
  const runCommand = async (title) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    // Click the exact command: Enter would run the first row, which may be a recently used look-alike.
    await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.getByText(title, { exact: true }) }).first().click();
  };

  const checks = [
    ['the workbench opens with the Explorer', async () => {
      await page.goto(url.href);
      await sideBar.locator('.composite.title', { hasText: /explorer/i }).waitFor({ timeout: 30_000 });
      await sideBar.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    }],
    ['the Kubeside icon is in the activity bar', async () => {
      await activityBarItem.waitFor({ timeout: 30_000 });
    }],
    ['clicking it shows the Kubeside views; the embedded cluster starts and the Cluster tree lists its four nodes', async () => {
      if (await clusterView.isVisible()) throw new Error('the Cluster view is showing before the click');
      await activityBarItem.click();
      await sideBar.locator('.composite.title', { hasText: /kubeside/i }).waitFor();
      for (const node of ['control-plane', 'worker-1', 'worker-2', 'worker-3']) {
        await clusterView.locator('.monaco-list-row', { hasText: node }).first().waitFor({ timeout: 60_000 });
      }
      await statusItem.filter({ hasText: 'embedded 4/4' }).first().waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0); // no hover highlight in the picture
      await page.screenshot({ path: join(screenshotDir, 'kubeside-cluster.png') });
    }],
    ['"Kubeside: Apply to Cluster" on the open web tier makes its Deployment appear in the Workloads tree', async () => {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('10-web.yaml');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '10-web.yaml' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.editor-group-container .tab', { hasText: '10-web.yaml' }).waitFor();
      await runCommand('Kubeside: Apply to Cluster');
      // Room for the Workloads tree: fold the Cluster view.
      await clusterView.locator('.pane-header').click();
      await workloadsView.locator('.monaco-list-row', { hasText: 'shop' }).first().waitFor({ timeout: 30_000 });
      const row = (text) => workloadsView.locator('.monaco-list-row').filter({ has: page.getByText(text, { exact: true }) }).first();
      if ((await row('shop').getAttribute('aria-expanded')) !== 'true') await row('shop').click();
      if ((await row('Deployments').getAttribute('aria-expanded')) !== 'true') await row('Deployments').click();
      if ((await row('web').getAttribute('aria-expanded')) !== 'true') await row('web').click();
      // Deployment → ReplicaSet → its pods.
      // A row's text runs its label into its description, so match the label element itself.
      const replicaSet = workloadsView.locator('.monaco-list-row').filter({ has: page.getByText(/^web-[a-z0-9]{8,10}$/) }).first();
      await replicaSet.waitFor({ timeout: 30_000 });
      if ((await replicaSet.getAttribute('aria-expanded')) !== 'true') await replicaSet.click();
      await workloadsView.locator('.monaco-list-row').filter({ has: page.getByText(/^web-[a-z0-9]{8,10}-[a-z0-9]{5}$/) }).first().waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(screenshotDir, 'kubeside-workloads.png') });
    }],
    ['"Kubeside: Open Cluster Dashboard" shows every node as a card with its pods as chips', async () => {
      await runCommand('Kubeside: Open Cluster Dashboard');
      // A webview is an iframe holding the page's own iframe.
      const dashboard = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      for (const node of ['control-plane', 'worker-1', 'worker-2', 'worker-3']) {
        await dashboard.locator(`article.node-card[data-node="${node}"]`).waitFor({ timeout: 30_000 });
      }
      await dashboard.locator('article.node-card .chips > *').first().waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(screenshotDir, 'kubeside-dashboard.png') });
    }],
    ['"Kubeside: Open Topology" draws the shop: Ingress, Services, Deployments and their pods', async () => {
      await runCommand('Kubeside: Open Topology');
      const topology = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
      for (const kind of ['Ingress', 'Service', 'Deployment', 'Pod']) {
        await topology.locator(`button.node[data-kind="${kind}"]`).first().waitFor({ timeout: 30_000 });
      }
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(screenshotDir, 'kubeside-topology.png') });
    }],
    ['a pod\'s context menu opens the logs viewer, streaming its container\'s log', async () => {
      const pod = workloadsView.locator('.monaco-list-row').filter({ has: page.getByText(/^web-[a-z0-9]{8,10}-[a-z0-9]{5}$/) }).first();
      await pod.click({ button: 'right' });
      const item = page.locator('.context-view .action-label', { hasText: 'Open Logs Viewer' });
      await item.hover();
      // The workbench's menu sometimes takes the first click as a hover only; Enter runs the highlighted item.
      await item.click();
      if (await item.isVisible().catch(() => false)) await page.keyboard.press('Enter');
      const logs = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
      await logs.locator('h1', { hasText: /web-/ }).waitFor({ timeout: 30_000 });
      await logs.locator('.rows .line').first().waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(screenshotDir, 'kubeside-logs.png') });
    }],
    ['a Deployment\'s inline Details action opens its details with the rollout history', async () => {
      const web = workloadsView.locator('.monaco-list-row').filter({ has: page.getByText('web', { exact: true }) }).first();
      await web.hover();
      await web.getByRole('button', { name: 'Open Details' }).click();
      const details = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('#active-frame');
      await details.locator('h1', { hasText: 'web' }).waitFor({ timeout: 30_000 });
      await details.getByText('Rollout history').first().waitFor({ timeout: 30_000 });
      await details.getByText(/^web-[a-z0-9]{8,10}$/).first().waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(screenshotDir, 'kubeside-details.png') });
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
