// The editor, share links, embeds and challenges, driven as a person would: by accessible
// names, in Debian's headless Chromium. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { out, open as openPage, setup } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const ctx = setup();

const open = (url, opts = {}) => openPage(ctx.browser, url, opts);
const verdict = (page) => page.locator('.verdict');

/** Type into a labelled field and leave it, as a person does (the change commits on blur). */
async function type(page, label, value) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(value);
  await field.press('Tab');
}

/** Select a component from the list of components (the canvas's non-visual equivalent). */
async function pick(page, name) {
  await page.getByRole('region', { name: /^Components/ }).getByRole('button', { name }).click();
}

/** The drawing, canonically: each box's key, classes and geometry, and the paths. */
async function drawing(page) {
  return page.locator('svg.topology').evaluate((svg) => ({
    boxes: [...svg.querySelectorAll('g[data-key]')].map((g) => [g.dataset.key, [...g.classList].sort().join(' '), g.querySelector('rect')?.getAttribute('x'), g.querySelector('rect')?.getAttribute('y')]),
    paths: [...svg.querySelectorAll('polyline.path')].map((p) => p.getAttribute('points')),
  }));
}

async function add(page, kind) {
  await page.getByLabel('New component').selectOption({ label: kind });
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

test('build a public web server from an empty canvas, query it, flip it with one rule, undo, reload', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'My network' }).waitFor());
  // An empty network has nothing to ask about yet: a hint, not an error.
  assert.match(await page.getByRole('status').first().innerText(), /^Nothing to ask about yet/);

  await add(page, 'VPC');
  assert.equal(await page.getByLabel('IPv4 CIDR blocks (up to 5)').inputValue(), '10.0.0.0/16');
  await type(page, 'Name', 'prod');
  await add(page, 'subnet');
  assert.equal(await page.getByLabel('IPv4 CIDR block', { exact: true }).inputValue(), '10.0.0.0/24');
  // A CIDR typed with host bits is refused, with the fix, and nothing changes.
  await type(page, 'IPv4 CIDR block', '10.0.0.7/24');
  // The field says so as it is typed, and the refusal says so again when it is committed.
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'did you mean 10.0.0.0/24?' }).waitFor());
  await assert.doesNotReject(page.getByText('subnet-1: 10.0.0.7/24 has host bits set: did you mean 10.0.0.0/24?').waitFor());
  await type(page, 'Name', 'web-a');
  await add(page, 'internet gateway');
  await add(page, 'route table');
  await page.getByRole('checkbox', { name: /web-a/ }).click();
  await page.getByRole('button', { name: 'Add route' }).click();
  await page.getByLabel('Route 1 target').selectOption('igw-1');
  await add(page, 'security group');
  await page.getByRole('button', { name: 'Add inbound rule' }).click();
  assert.equal(await page.getByLabel('Inbound rule 1 ports').inputValue(), '443');
  // The instance goes in the selected subnet, in the VPC's default security group (which
  // admits only its own members); the web group, sg-2, is ticked beside it.
  await pick(page, /subnet web-a/);
  await add(page, 'instance');
  await pick(page, /network interface eni-1/);
  assert.equal(await page.getByRole('checkbox', { name: /^default \(sg-1\)/ }).isChecked(), true);
  await page.getByRole('checkbox', { name: 'sg-2', exact: true }).click();
  await type(page, 'Public IPv4', '203.0.113.10');
  await page.screenshot({ path: join(out, 'built-by-hand.png'), fullPage: true });

  await page.getByLabel('Source', { exact: true }).selectOption('internet');
  await page.getByLabel('Destination', { exact: true }).selectOption('i-1');
  await page.getByLabel('Destination port').fill('443');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).first().waitFor());

  // One rule edited: the verdict flips and names the security group.
  await pick(page, /security group sg-2/);
  await type(page, 'Inbound rule 1 ports', '8443');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Not reachable' }).waitFor());
  assert.match(await page.getByRole('region', { name: 'Answer' }).innerText(), /sg-2/);
  // Undo brings it back.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+z');
  await assert.doesNotReject(verdict(page).filter({ hasText: /^\s*✓?\s*Reachable/ }).first().waitFor());

  // Reload: the work is restored from the address and from autosave.
  await page.reload();
  await page.locator('svg.topology').waitFor();
  await assert.doesNotReject(page.getByRole('heading', { name: 'My network' }).waitFor());
  assert.equal(await page.locator('svg.topology g[data-key="i-1"]').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('moving an interface to an instance in another AZ is refused; undo walks back every step', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  const original = await drawing(page);
  // The app server's second interface (app-back, us-east-1a), dragged onto web-2 (us-east-1b).
  const box = async (key) => page.locator(`svg.topology g[data-key="${key}"] > rect`).first().boundingBox();
  const drag = async (from, to) => {
    await page.locator(`svg.topology g[data-key="${from}"]`).scrollIntoViewIfNeeded();
    const [a, b] = [await box(from), await box(to)];
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + 12, { steps: 8 });
    await page.mouse.up();
  };
  await drag('eni-app1', 'i-web2');
  await assert.doesNotReject(page.getByText(/can only be attached to an instance in its own Availability Zone/).waitFor());
  await page.screenshot({ path: join(out, 'eni-refused.png'), fullPage: true });
  // The primary interface stays with its instance (AWS cannot detach it).
  await page.locator('svg.topology g[data-key="eni-web1"]').click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Network interface eni-web1' }).waitFor());
  await page.getByLabel('Instance', { exact: true }).selectOption('i-app');
  await assert.doesNotReject(page.getByText(/primary interface \(device index 0\).*cannot detach/).waitFor());
  // A move within the AZ works, from the form: db is in us-east-1a too.
  await page.locator('svg.topology g[data-key="eni-app1"]').click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Network interface eni-app1' }).waitFor());
  await page.getByLabel('Instance', { exact: true }).selectOption('i-db');
  await assert.doesNotReject(page.locator('svg.topology g[data-key="i-db"] g[data-key="eni-app1"], svg.topology g[data-key="eni-app1"]').first().waitFor());
  assert.equal(await page.getByLabel('Instance', { exact: true }).inputValue(), 'i-db');
  await page.getByRole('button', { name: 'Delete eni-app1' }).click();
  await assert.doesNotReject(page.getByText('Deleted eni-app1').waitFor());
  await page.getByRole('button', { name: /Undo/ }).click();
  await page.getByRole('button', { name: /Undo/ }).click();
  await page.keyboard.press('Escape');
  assert.deepEqual(await drawing(page), original);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a copied link opens the same network in a fresh browser; broken and frozen links', async () => {
  const { page, errors, context } = await open(ctx.site.url, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.getByLabel('Example').selectOption('bastion');
  await page.locator('svg.topology g[data-key="sg-bastion"], svg.topology g').first().waitFor();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const url = await page.getByLabel('Link to this network').inputValue();
  assert.match(url, /#v1\./);
  assert.ok(url.length < 1200, `bastion link is ${url.length} characters`);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, url);
  const before = await drawing(page);

  const fresh = await open(url);
  assert.deepEqual(await drawing(fresh.page), before);
  assert.match(await fresh.page.getByRole('heading', { level: 2 }).first().innerText(), /Bastion/i);
  await fresh.context.close();

  // Truncated: the page opens anyway and says why.
  const cut = await open(url.slice(0, url.length - 300));
  await assert.doesNotReject(cut.page.getByText(/This link could not be opened: this link is truncated or damaged/).waitFor());
  await cut.page.screenshot({ path: join(out, 'broken-link.png') });
  assert.deepEqual(cut.errors, []);
  await cut.context.close();

  // A link made by an earlier build still opens (tests/links/).
  const frozen = (await readFile(join(here, '..', 'links', 'three-tier.v1.txt'), 'utf8')).trim();
  const old = await open(`${ctx.site.url}#${frozen}`);
  await assert.doesNotReject(old.page.getByRole('heading', { name: /Three-tier app/ }).waitFor());
  await old.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a shared link never overwrites autosaved work without asking', async () => {
  const { page, context } = await open(ctx.site.url);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await add(page, 'VPC');
  const other = `${ctx.site.url}#${(await readFile(join(here, '..', 'links', 'hub-and-spoke-tgw.v1.txt'), 'utf8')).trim()}`;
  await page.goto(other);
  await page.locator('svg.topology').waitFor();
  await assert.doesNotReject(page.getByText(/You opened a shared link/).waitFor());
  await page.getByRole('button', { name: 'Restore my work' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'My network' }).waitFor());
  await context.close();
});

test('embedded in a course page on another origin: ready, height, load; other origins ignored', async () => {
  const link = (await readFile(join(here, '..', 'links', 'three-tier.v1.txt'), 'utf8')).trim();
  const hub = (await readFile(join(here, '..', 'links', 'hub-and-spoke-tgw.v1.txt'), 'utf8')).trim();
  let hostOrigin = '';
  const host = createServer((req, res) => {
    const frame = (id, origins) =>
      `<iframe id="${id}" title="vpclab ${id}" src="${ctx.site.url}?embed=1&origins=${encodeURIComponent(origins)}#${link}" style="width:900px;height:600px"></iframe>`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Course</title>
      <script>window.got = []; addEventListener('message', (e) => got.push({ from: e.source === document.getElementById('good').contentWindow ? 'good' : 'bad', data: e.data }));</script>
      ${frame('good', hostOrigin)}${frame('bad', 'https://elsewhere.example')}`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostOrigin = `http://127.0.0.1:${host.address().port}`;
  const context = await ctx.browser.newContext({ viewport: { width: 1400, height: 1400 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(hostOrigin + '/');
  const good = page.frameLocator('#good');
  const bad = page.frameLocator('#bad');
  await good.locator('svg.topology').waitFor();
  await bad.locator('svg.topology').waitFor();
  // Chrome-less, with a way out to the full page.
  assert.equal(await good.getByRole('link', { name: /Open in vpclab/ }).count(), 1);
  assert.equal(await good.getByRole('button', { name: 'Copy link' }).count(), 0);
  const got = () => page.evaluate(() => window.got);
  await page.waitForFunction(() => window.got.some((m) => m.from === 'good' && m.data.type === 'vpclab:ready'));
  await page.waitForFunction(() => window.got.some((m) => m.from === 'good' && m.data.type === 'vpclab:height' && m.data.height > 300));
  // Load from the host: obeyed by the frame that trusts this origin, ignored by the other;
  // malformed messages are ignored by both.
  await page.evaluate(({ hub }) => {
    for (const id of ['good', 'bad']) {
      const w = document.getElementById(id).contentWindow;
      w.postMessage('not json {', '*');
      w.postMessage({ type: 'vpclab:load', topology: { format: 'nonsense' } }, '*');
      w.postMessage({ type: 'vpclab:load', link: `#${hub}` }, '*');
    }
  }, { hub });
  await assert.doesNotReject(good.locator('header').getByText(/Transit gateway hub and spoke/).waitFor());
  await assert.doesNotReject(good.getByText(/Opened the host page's link/).waitFor());
  await page.waitForFunction(() => window.got.some((m) => m.from === 'good' && m.data.type === 'vpclab:state' && m.data.link.startsWith('#v1.')));
  assert.match(await bad.locator('header').innerText(), /Three-tier/);
  await page.screenshot({ path: join(out, 'embedded.png') });
  assert.ok((await got()).length > 0);
  assert.deepEqual(errors, []);
  await context.close();
  await new Promise((r) => host.close(r));
});

test('a built-in challenge solved step by step reaches 100 %, and progress survives reload', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Challenge').selectOption('ssh-lockdown');
  const panel = page.getByRole('region', { name: /^Challenge:/ });
  await panel.waitFor();
  const progress = page.getByRole('progressbar', { name: 'Goals met' });
  // Nothing done yet: 0 %, though half the goals already hold; those are listed to keep true.
  assert.equal(await progress.getAttribute('aria-valuenow'), '0');
  assert.match(await panel.innerText(), /0 of 2 goals achieved/);
  const toAchieve = panel.getByRole('list', { name: 'Goals to achieve' });
  const keep = panel.getByRole('list', { name: 'Keep true' });
  assert.equal(await toAchieve.getByRole('listitem').count(), 2);
  assert.deepEqual((await keep.getByRole('listitem').allTextContents()).map((t) => t.split(' — ')[0]),
    ['✓ Holds: an admin in the office (198.51.100.25) still reaches web on ssh', '✓ Holds: everyone still reaches web on https']);
  await page.screenshot({ path: join(out, 'challenge-start.png') });
  await page.getByRole('button', { name: /Show a hint/ }).click();
  assert.match(await panel.innerText(), /Hint 1:/);
  // The fix: the ssh rule's source becomes the office network.
  await pick(page, /security group .*sg-web/);
  const rows = await page.getByLabel(/^Inbound rule \d+ ports$/).all();
  let fixed = false;
  for (let i = 0; i < rows.length; i += 1) {
    if ((await rows[i].inputValue()) === '22') {
      // Rules without ports (ICMP, all traffic) have no ports field: number from the label.
      const n = (await rows[i].getAttribute('aria-label')).match(/\d+/)[0];
      await type(page, `Inbound rule ${n} source / destination (CIDR, sg-…, pl-…)`, '198.51.100.0/24');
      fixed = true;
    }
  }
  assert.ok(fixed, 'found the ssh rule');
  await assert.doesNotReject(panel.getByText('All goals met').waitFor());
  assert.equal(await progress.getAttribute('aria-valuenow'), '100');
  await page.screenshot({ path: join(out, 'challenge-done.png'), fullPage: true });
  await page.reload();
  await page.getByRole('region', { name: /^Challenge:/ }).waitFor();
  assert.equal(await page.getByRole('progressbar', { name: 'Goals met' }).getAttribute('aria-valuenow'), '100');
  // Solved: on to the next one.
  const title = await page.getByRole('region', { name: /^Challenge:/ }).getByRole('heading').first().innerText();
  await page.getByRole('button', { name: 'Next challenge →' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: /^Challenge:/ }).filter({ hasNotText: title.replace('Challenge: ', '') }).waitFor());
  assert.notEqual(await page.getByRole('progressbar', { name: 'Goals met' }).getAttribute('aria-valuenow'), '100');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an author turns a network into a challenge and shares it; the learner sees it graded', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByRole('button', { name: 'Make a challenge from this network' }).click();
  await type(page, 'Title', 'Keep the database private');
  await page.getByLabel('Source', { exact: true }).selectOption('internet');
  await page.getByLabel('Destination', { exact: true }).selectOption('i-db');
  await page.getByLabel('Destination port').fill('5432');
  await page.getByRole('button', { name: /must not$/ }).click();
  await page.locator('svg.topology g[data-key="i-db"]').click({ position: { x: 12, y: 10 } });
  await page.getByRole('button', { name: 'Lock i-db' }).click();
  const panel = page.getByRole('region', { name: /^Challenge: Keep the database private/ });
  await assert.doesNotReject(panel.getByText('internet must not reach i-db on tcp/5432').first().waitFor());
  await page.getByRole('button', { name: 'Copy link' }).click();
  const url = await page.getByLabel('Link to this network').inputValue();

  const learner = await open(url);
  const lp = learner.page.getByRole('region', { name: /^Challenge: Keep the database private/ });
  await lp.waitFor();
  assert.equal(await learner.page.getByRole('progressbar', { name: 'Goals met' }).getAttribute('aria-valuenow'), '100');
  assert.match(await lp.innerText(), /Locked: i-db/);
  await learner.page.locator('svg.topology g[data-key="i-db"]').click({ position: { x: 12, y: 10 } });
  assert.equal(await learner.page.getByRole('button', { name: 'Delete i-db' }).count(), 0, 'locked: no delete');
  await learner.page.screenshot({ path: join(out, 'authored-challenge.png'), fullPage: true });
  assert.deepEqual(learner.errors, []);
  await learner.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('simulation mode moves the packet hop by hop, both ways, and plays to the end', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  const sim = page.getByRole('group', { name: 'Simulation' });
  await sim.getByRole('button', { name: 'Step forward' }).click();
  await assert.doesNotReject(sim.getByText(/^Hop 1 of \d+ \(forward\): internet/).waitFor());
  const at = () => page.locator('svg.topology circle.packet').evaluate((c) => [c.getAttribute('cx'), c.getAttribute('cy')]);
  const first = await at();
  await sim.getByRole('button', { name: 'Step forward' }).click();
  await assert.doesNotReject(sim.getByText(/^Hop 2 of/).waitFor());
  assert.notDeepEqual(await at(), first, 'the packet moved');
  assert.equal(await page.locator('.path-list li[aria-current="step"]').count(), 1);
  await sim.getByRole('button', { name: 'Step back' }).click();
  await assert.doesNotReject(sim.getByText(/^Hop 1 of/).waitFor());
  await sim.getByRole('button', { name: 'Play the packet' }).click();
  await assert.doesNotReject(sim.getByText(/\(return\)/).waitFor({ timeout: 20000 }));
  await page.screenshot({ path: join(out, 'simulation.png') });
  await page.waitForFunction(() => document.querySelector('.simulation button[aria-pressed]')?.getAttribute('aria-pressed') === 'false', null, { timeout: 20000 });
  assert.equal(await page.locator('svg.topology circle.packet.back').count(), 1, 'ends on the return path');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the CIDR workbench describes a block, plans subnets by host count and adds them', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByText('CIDR workbench').click();
  await type(page, 'CIDR block or address', '10.0.1.7/24');
  const facts = page.getByRole('definition');
  await assert.doesNotReject(page.getByText('host bits set: the block is 10.0.1.0/24').waitFor());
  assert.match(await page.locator('dl.calc').innerText(), /251 \(AWS reserves 5\)/);
  assert.match(await page.locator('dl.calc').innerText(), /overlaps subnet web-a \(10\.0\.1\.0\/24\)/);
  // The plan follows the typing: the button right after applies what is on screen, with no
  // need to leave the box first (a change-only update once made that click miss).
  await page.getByLabel('Tiers: name and hosts per subnet, one per line').fill('cache 29');
  const plan = page.getByRole('table', { name: 'Planned subnets' });
  await assert.doesNotReject(plan.getByText('cache-a').waitFor());
  assert.equal(await page.getByLabel('Tiers: name and hosts per subnet, one per line').evaluate((e) => e === document.activeElement), true);
  assert.match(await plan.innerText(), /\/26/, '29 hosts need a /26');
  await page.getByRole('button', { name: 'Add these subnets to vpc-prod' }).click();
  await assert.doesNotReject(page.getByRole('region', { name: /^Components/ }).getByRole('button', { name: /cache-b/ }).waitFor());
  // Which table routes them, and how a tier becomes public.
  await assert.doesNotReject(page.getByText(/Added 2 subnet\(s\) to vpc-prod\. They use vpc-prod's main route table .* they are (private|public)/).waitFor());
  await page.screenshot({ path: join(out, 'workbench.png'), fullPage: true });
  assert.ok(facts);
  assert.deepEqual(errors, []);
  await context.close();
});

test('export JSON, SVG and PNG; import the JSON back; zoom and fit', async () => {
  const { page, errors, context } = await open(ctx.site.url, { acceptDownloads: true });
  const save = async (name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    const path = join(out, download.suggestedFilename());
    await download.saveAs(path);
    return path;
  };
  const json = await save('Export JSON');
  assert.match(await readFile(json, 'utf8'), /"format": 1/);
  const svg = await readFile(await save('Export SVG'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<style>[^<]*\.vpc rect \{ fill: #/, 'theme colours are resolved in the exported SVG');
  assert.match(svg, /data-key="i-web1"/);
  const png = await readFile(await save('Export PNG'));
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
  assert.ok(png.length > 10000, `PNG is ${png.length} bytes`);

  // Import: a new network, then the exported file brings the example back.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByLabel('Import JSON').setInputFiles(json);
  await assert.doesNotReject(page.getByRole('heading', { name: /Three-tier app/ }).waitFor());

  const width = () => page.locator('svg.topology').evaluate((s) => s.getBoundingClientRect().width);
  const fit = await width();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  assert.ok((await width()) > fit * 1.2, 'zoomed in');
  await page.getByRole('button', { name: 'Fit' }).click();
  assert.equal(await width(), fit);
  assert.deepEqual(errors, []);
  await context.close();
});

test('load balancing: shares with and without cross-zone, and a failed health check', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Example').selectOption('alb-private-targets');
  await page.getByRole('button', { name: 'Load balancing' }).click();
  const table = page.getByRole('table', { name: /spreads new connections/ });
  assert.match(await table.innerText(), /50\.00 %\s+50\.00 %/);
  // Take one target out of rotation: the other gets everything, both ways.
  await pick(page, /target group/);
  await page.getByLabel('Target 1 healthy').click();
  await assert.doesNotReject(table.getByText('unhealthy').waitFor());
  assert.match(await table.innerText(), /100\.00 %\s+100\.00 %/);
  assert.match(await table.innerText(), /has no healthy target/);
  await page.screenshot({ path: join(out, 'load-balancing.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('launch and provisioning: ready-for-service lag by approach follows the step times', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByText('Launch and provisioning').click();
  const chart = page.locator('svg.timeline');
  assert.match(await chart.getAttribute('aria-label'), /Bootstrapping: ready after 12\.5 min; AMI baking: ready after 1\.5 min; Combined: ready after 4\.5 min/);
  await type(page, 'Base install', '20');
  await assert.doesNotReject(page.getByText('Bootstrapping — ready in 24.5 min').waitFor());
  // The instance records its AMI and user data.
  await pick(page, /instance web-1/);
  await type(page, 'AMI', 'ami-0123456789abcdef0');
  assert.equal(await page.getByLabel('AMI', { exact: true }).inputValue(), 'ami-0123456789abcdef0');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an Auto Scaling group launches across AZs and registers with the target group', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Example').selectOption('alb-private-targets');
  await pick(page, /subnet .*app-a/);
  await add(page, 'Auto Scaling group');
  await type(page, 'Desired capacity', '3');
  for (const k of [1, 2, 3]) {
    assert.equal(await page.locator(`svg.topology g[data-key="i-1-${k}"]`).count(), 1, `instance ${k} drawn`);
  }
  await page.getByRole('button', { name: 'Load balancing' }).click();
  const table = page.getByRole('table', { name: /spreads new connections/ });
  assert.equal((await table.locator('tbody tr').count()), 5, '2 instances + 3 from the group');
  // Outside min/max: a diagnostic on the group, named by field.
  await type(page, 'Desired capacity', '9');
  await assert.doesNotReject(page.getByText(/desired capacity 9 must lie between the minimum 1 and the maximum 4/).first().waitFor());
  await page.screenshot({ path: join(out, 'auto-scaling.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('ENI failover: the interface moves to the standby in its AZ with its address and MAC; the service answers again', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Example').selectOption('mac-licensing');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).first().waitFor());
  await pick(page, /network interface license/);
  const mac = await page.getByLabel('MAC address').inputValue();
  assert.equal(mac, '0a:1b:2c:3d:4e:5f');
  await page.getByLabel('Instance', { exact: true }).selectOption('i-standby-b');
  await assert.doesNotReject(page.getByText(/own Availability Zone/).waitFor());
  await page.getByLabel('Instance', { exact: true }).selectOption('i-standby-a');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).first().waitFor());
  assert.equal(await page.getByLabel('Instance', { exact: true }).inputValue(), 'i-standby-a');
  assert.equal(await page.getByLabel('MAC address').inputValue(), mac, 'the MAC moves with the interface');
  assert.equal(await page.locator('svg.topology g[data-key="eni-license"]').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard: select a box, duplicate with Ctrl+D, delete with the Delete key, Escape closes', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  const box = page.locator('svg.topology g[data-key="sg-web"], svg.topology g[data-key="subnet-db-b"]').last();
  await box.focus();
  await page.keyboard.press('Enter');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Subnet subnet-db-b' }).waitFor());
  await page.keyboard.press('Control+d');
  await assert.doesNotReject(page.getByText('Copied subnet-db-b as subnet-1.').waitFor());
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'db-b copy');
  await page.locator('svg.topology g[data-key="subnet-1"]').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Delete');
  await assert.doesNotReject(page.getByText('Deleted subnet-1').waitFor());
  assert.equal(await page.locator('svg.topology g[data-key="subnet-1"]').count(), 0);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('region', { name: /^Subnet / }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('drag a VPC with everything in it, nudge it with the arrow keys, undo, auto layout', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  const rectX = (key) => page.locator(`svg.topology g[data-key="${key}"] > rect`).evaluate((r) => Number(r.getAttribute('x')));
  const [vpc0, eni0] = [await rectX('vpc-prod'), await rectX('eni-web1')];
  const box = await page.locator('svg.topology g[data-key="vpc-prod"] > rect').boundingBox();
  // Grab the VPC by its own corner (not an Availability Zone inside it).
  await page.mouse.move(box.x + 6, box.y + 6);
  await page.mouse.down();
  for (let i = 1; i <= 10; i += 1) await page.mouse.move(box.x + 6 + 12 * i, box.y + 6 + 3 * i);
  await page.mouse.up();
  await page.waitForFunction((x) => Number(document.querySelector('svg.topology g[data-key="vpc-prod"] > rect').getAttribute('x')) > x + 20, vpc0);
  const [vpc1, eni1] = [await rectX('vpc-prod'), await rectX('eni-web1')];
  assert.equal(vpc1 % 10, 0, 'snapped to the grid');
  assert.equal(eni1 - eni0, vpc1 - vpc0, 'the contents moved with the VPC');
  // Keyboard: focus the VPC and nudge it right by one grid step.
  await page.locator('svg.topology g[data-key="vpc-prod"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((x) => Number(document.querySelector('svg.topology g[data-key="vpc-prod"] > rect').getAttribute('x')) === x + 10, vpc1);
  await page.screenshot({ path: join(out, 'dragged.png'), fullPage: true });
  await page.getByRole('button', { name: /Undo/ }).click();
  assert.equal(await rectX('vpc-prod'), vpc1);
  await page.getByRole('button', { name: 'Auto layout' }).click();
  assert.equal(await rectX('vpc-prod'), vpc0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('storage blocked (a sandboxed frame): the page says autosave is off and still works from the link', async () => {
  const link = (await readFile(join(here, '..', 'links', 'three-tier.v1.txt'), 'utf8')).trim();
  const host = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Sandboxed</title>
      <iframe id="f" title="vpclab sandboxed" sandbox="allow-scripts" src="${ctx.site.url}?embed=1#${link}" style="width:1000px;height:800px"></iframe>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  const context = await ctx.browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${host.address().port}/`);
  const frame = page.frameLocator('#f');
  await frame.locator('svg.topology').waitFor();
  await assert.doesNotReject(frame.getByText(/Autosave is off/).waitFor());
  // Still a working page: ask a question.
  await frame.getByLabel('Destination port').fill('22');
  await assert.doesNotReject(frame.locator('.verdict').filter({ hasText: 'Not reachable' }).waitFor());
  assert.deepEqual(errors, []);
  await context.close();
  await new Promise((r) => host.close(r));
});

test('pick the query ends by clicking boxes; the theme can be forced light or dark', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.locator('svg.topology g[data-key="i-db"]').click({ position: { x: 12, y: 10 } });
  await page.getByRole('button', { name: 'Use as source' }).click();
  await page.locator('svg.topology g[data-key="i-web2"]').click({ position: { x: 12, y: 10 } });
  await page.getByRole('button', { name: 'Use as destination' }).click();
  assert.equal(await page.getByLabel('Source', { exact: true }).inputValue(), 'i-db');
  assert.equal(await page.getByLabel('Destination', { exact: true }).inputValue(), 'i-web2');
  await page.getByLabel('Theme').selectOption('dark');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(13, 17, 23)');
  assert.deepEqual(errors, []);
  await context.close();
});

test('build the three-tier app by hand (multi-homed app server), then query every tier', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  const name = (v) => type(page, 'Name', v);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await add(page, 'VPC');
  await name('prod');
  await add(page, 'subnet');
  await name('web-a');
  await add(page, 'subnet');
  await name('web-b');
  await add(page, 'subnet');
  await name('db-a');
  await type(page, 'Availability Zone', 'us-east-1a');
  await add(page, 'internet gateway');
  await add(page, 'route table');
  await name('public');
  await page.getByRole('checkbox', { name: /web-a/ }).click();
  await page.getByRole('checkbox', { name: /web-b/ }).click();
  await page.getByRole('button', { name: 'Add route' }).click();
  await page.getByLabel('Route 1 target').selectOption('igw-1');
  // Security groups: web (443 from anywhere), app-front (8080 from web), app-back, db (5432 from app-back).
  const group = async (label, port, peer) => {
    await add(page, 'security group');
    await name(label);
    if (port) {
      await page.getByRole('button', { name: 'Add inbound rule' }).click();
      await type(page, 'Inbound rule 1 ports', port);
      await type(page, 'Inbound rule 1 source / destination (CIDR, sg-…, pl-…)', peer);
    }
  };
  await group('web', '443', '0.0.0.0/0');
  // The VPC's default group is sg-1, so these are sg-2 to sg-5.
  await group('app-front', '8080', 'sg-2');
  await group('app-back');
  await group('db', '5432', 'sg-4');
  // Each interface starts in the default group (all traffic among its members): untick it.
  const only = async (keep) => {
    for (const sg of ['default', 'web', 'app-front', 'app-back', 'db']) {
      const box = page.getByRole('checkbox', { name: new RegExp(`^${sg} \\(sg-`) });
      if ((await box.isChecked()) !== (sg === keep)) await box.click();
    }
  };
  // web-1, web-2 with public addresses; app with a front interface; db.
  for (const [subnet, label, ip] of [['web-a', 'web-1', '203.0.113.10'], ['web-b', 'web-2', '203.0.113.11'], ['web-a', 'app', ''], ['db-a', 'db', '']]) {
    await pick(page, new RegExp(`subnet ${subnet} `));
    await add(page, 'instance');
    await name(label);
    const eni = await page.getByRole('region', { name: /^Components/ }).getByRole('button', { name: /network interface eni-/ }).last();
    await eni.click();
    await only(label.startsWith('web') ? 'web' : label === 'app' ? 'app-front' : 'db');
    if (ip) await type(page, 'Public IPv4', ip);
  }
  // The app server's second interface, in the database subnet, with its own group.
  await pick(page, /subnet db-a /);
  await add(page, 'network interface');
  await only('app-back');
  await page.getByLabel('Instance', { exact: true }).selectOption({ label: 'app (i-3)' });
  await assert.doesNotReject(page.getByLabel('Device index').waitFor());
  assert.equal(await page.getByLabel('Device index').inputValue(), '1');
  await page.keyboard.press('Escape');
  await page.screenshot({ path: join(out, 'three-tier-by-hand.png'), fullPage: true });
  assert.match(await page.locator('.diagnostics').first().innerText(), /No configuration problems/);

  const ask = async (from, to, port, expect) => {
    await page.getByLabel('Source', { exact: true }).selectOption(from);
    await page.getByLabel('Destination', { exact: true }).selectOption(to);
    await page.getByLabel('Destination port').fill(String(port));
    await assert.doesNotReject(verdict(page).filter({ hasText: expect }).first().waitFor(), `${from} → ${to}:${port}`);
  };
  await ask('internet', 'i-1', 443, /^\s*✓ Reachable/);
  await ask('i-1', 'i-3', 8080, /^\s*✓ Reachable/);
  await ask('i-3', 'i-4', 5432, /^\s*✓ Reachable/);
  await ask('i-1', 'i-4', 5432, 'Not reachable');
  await ask('internet', 'i-4', 5432, 'Not reachable');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the gallery opens each seed architecture with its explanation and questions', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  const gallery = page.getByRole('region', { name: 'Example gallery' });
  assert.equal(await gallery.getByRole('article').count(), 12);
  await gallery.getByRole('button', { name: 'Open ENI failover between two instances' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'ENI failover between two instances' }).waitFor());
  assert.equal(await gallery.count(), 0, 'the gallery closes');
  assert.match(await page.locator('.suggested').innerText(), /10\.0\.1\.50/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a box whose component has a configuration error is marked on the canvas', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  // web-1 said to run in us-east-1b while its interface is in us-east-1a.
  await pick(page, /instance web-1/);
  await type(page, 'Availability Zone (when it has no interface)', 'us-east-1b');
  await assert.doesNotReject(page.getByText(/attaches only to an instance in its own Availability Zone/).first().waitFor());
  assert.equal(await page.locator('svg.topology g.has-problem[data-key="eni-web1"]').count(), 1);
  assert.match(await page.locator('svg.topology g[data-key="eni-web1"]').getAttribute('aria-label'), /has configuration errors/);
  // Ctrl+Z in a text field undoes the typing; leave the field first.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('svg.topology g.has-problem').length === 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a newcomer\'s first steps: a VPC offered first, the planner ready for it, dialogs close with Escape, the form comes into view', async () => {
  const { page, errors, context } = await open(ctx.site.url, { viewport: { width: 820, height: 1180 } });
  await page.getByRole('button', { name: 'New', exact: true }).click();
  // With no VPC yet, the palette offers one; adding it needs no choice.
  assert.equal(await page.getByLabel('New component').inputValue(), 'vpcs');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: /^VPC vpc-/ }).waitFor());
  // The form of what was just added is on screen (on a tablet it sits below the diagram).
  const box = await page.getByRole('heading', { name: /^VPC vpc-/ }).boundingBox();
  assert.ok(box && box.y >= 0 && box.y < 1180, `the inspector is in view (y = ${box?.y})`);
  // The planner works on the VPC without choosing it again.
  await page.getByText('CIDR workbench').click();
  await assert.doesNotReject(page.getByRole('button', { name: /^Add these subnets to vpc-/ }).waitFor());
  assert.equal(await page.getByText('add a VPC first').count(), 0);
  // Dialogs close with Escape and with their Close button.
  await page.getByRole('button', { name: 'Copy link' }).click();
  await assert.doesNotReject(page.getByRole('region', { name: 'Share link' }).waitFor());
  await page.keyboard.press('Escape');
  await assert.doesNotReject(page.getByRole('region', { name: 'Share link' }).waitFor({ state: 'detached' }));
  // Escape with the focus elsewhere, and a press outside, close it too.
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByLabel('Source', { exact: true }).focus();
  await page.keyboard.press('Escape');
  await assert.doesNotReject(page.getByRole('region', { name: 'Share link' }).waitFor({ state: 'detached' }));
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('heading', { name: 'Can it reach?' }).click();
  await assert.doesNotReject(page.getByRole('region', { name: 'Share link' }).waitFor({ state: 'detached' }));
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('region', { name: 'Example gallery' }).getByRole('button', { name: 'Close' }).click();
  assert.equal(await page.getByRole('region', { name: 'Example gallery' }).count(), 0);
  await page.screenshot({ path: join(out, 'newcomer-tablet.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the internet is one host: its address is shown and can be changed', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Example').selectOption('bastion');
  // The first question: SSH from the internet, which here is a host of the office range.
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).waitFor());
  const address = page.getByLabel('Source address');
  assert.match(await address.getAttribute('placeholder'), /^198\.51\.100\.10 /);
  await address.fill('192.0.2.77');
  await address.press('Enter');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Not reachable' }).waitFor());
  // The select says so too, rather than "the internet".
  assert.equal(await page.getByLabel('Source', { exact: true }).inputValue(), '192.0.2.77');
  assert.match(await page.getByLabel('Source', { exact: true }).locator('option:checked').innerText(), /address 192\.0\.2\.77/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an instance lists its interfaces; a rule shows only the fields its protocol uses', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  // The multi-homed app server: both interfaces listed, each opening its own form.
  await pick(page, /instance .*i-app/);
  const nics = page.getByRole('region', { name: 'Network interfaces of i-app' });
  await assert.doesNotReject(nics.getByRole('button', { name: /^eth0 / }).waitFor());
  await nics.getByRole('button', { name: /^eth1 / }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: /^Network interface eni-/ }).waitFor());
  // A new rule is tcp: ports, no ICMP fields; made ICMP, it swaps them (its port range goes).
  await pick(page, /security group .*sg-web/);
  await page.getByRole('button', { name: 'Add inbound rule' }).click();
  const n = await page.getByRole('group', { name: /^Inbound rule \d+$/ }).count();
  const field = (what) => page.getByLabel(`Inbound rule ${n} ${what}`, { exact: true });
  assert.equal(await field('ports').count(), 1);
  assert.equal(await field('ICMP type').count(), 0);
  await field('protocol').selectOption('icmp');
  await assert.doesNotReject(field('ICMP type').waitFor());
  assert.equal(await field('ports').count(), 0);
  await page.screenshot({ path: join(out, 'icmp-rule.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a CIDR is checked as it is typed, and the check ends when it is right', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await pick(page, /subnet .*subnet-web-a/);
  const cidr = page.getByLabel('IPv4 CIDR block', { exact: true });
  await cidr.fill('10.0.1.7/24');
  // Not committed yet: the field says what is wrong, and how to mend it.
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'has host bits set: did you mean 10.0.1.0/24?' }).waitFor());
  assert.equal(await cidr.getAttribute('aria-invalid'), 'true');
  assert.equal(await cidr.inputValue(), '10.0.1.7/24', 'what was typed stays');
  await page.screenshot({ path: join(out, 'cidr-as-typed.png'), fullPage: false });
  await cidr.fill('10.0.1.0/24');
  await assert.doesNotReject(page.getByText('has host bits set').waitFor({ state: 'detached' }));
  assert.equal(await cidr.getAttribute('aria-invalid'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('on a tablet a finger drags a box by its name, and swiping elsewhere pans', async () => {
  const { page, errors, context } = await open(ctx.site.url, { viewport: { width: 820, height: 1180 }, hasTouch: true, isMobile: true });
  const rect = page.locator('svg.topology g[data-key="vpc-prod"] > rect');
  await rect.scrollIntoViewIfNeeded();
  const x0 = Number(await rect.getAttribute('x'));
  const box = await rect.boundingBox();
  // Real touch sequences, as a finger makes them (pointer events alone would not show
  // whether the browser takes the gesture for a scroll).
  const cdp = await context.newCDPSession(page);
  const finger = (x, y) => [{ x, y, id: 1 }];
  const swipe = async (sx, sy, dx, dy) => {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: finger(sx, sy) });
    for (let i = 1; i <= 12; i += 1) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: finger(sx + i * dx, sy + i * dy) });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  };
  // A swipe on the VPC's body pans the page: the VPC stays (it covers most of the diagram).
  const scroll0 = await page.evaluate(() => window.scrollY);
  const [bx, by] = [box.x + 4, box.y + box.height / 2]; // the VPC's own margin, left of its AZs
  assert.equal(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('g')?.dataset.key, [bx, by]), 'vpc-prod');
  await swipe(bx, by, 0, -12);
  await page.waitForTimeout(400);
  assert.equal(Number(await rect.getAttribute('x')), x0, 'the VPC did not move');
  assert.ok((await page.evaluate(() => window.scrollY)) > scroll0, 'the page scrolled');
  // Grabbed by its name, it moves.
  await page.locator('svg.topology g[data-key="vpc-prod"] > text.label').scrollIntoViewIfNeeded();
  const name = await page.locator('svg.topology g[data-key="vpc-prod"] > text.label').boundingBox();
  await swipe(name.x + 10, name.y + name.height / 2, 10, 2);
  await assert.doesNotReject(page.waitForFunction(
    (x) => Number(document.querySelector('svg.topology g[data-key="vpc-prod"] > rect').getAttribute('x')) > x + 60, x0, { timeout: 5000 }));
  await page.screenshot({ path: join(out, 'touch-drag.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('stepping a blocked path stops on the hop that blocks, with its fix', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Source', { exact: true }).selectOption('i-web1');
  await page.getByLabel('Destination', { exact: true }).selectOption('i-db');
  await page.getByLabel('Destination port').fill('5432');
  await page.getByLabel('Destination port').press('Enter');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Not reachable' }).waitFor());
  const sim = page.getByRole('group', { name: 'Simulation' });
  for (let i = 0; i < 20 && (await sim.getByText(/^Stopped here/).count()) === 0; i += 1) {
    await sim.getByRole('button', { name: 'Step forward' }).click();
  }
  await assert.doesNotReject(sim.getByText(/^Stopped here \([A-Z_]+\): /).waitFor());
  await assert.doesNotReject(sim.getByText(/^Fix: /).waitFor());
  await page.screenshot({ path: join(out, 'simulation-stopped.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a new VPC brings its default security group, default ACL and main route table; a subnet says which it uses', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await add(page, 'VPC');
  // AWS creates them with the VPC: listed, and each opens its own form.
  const components = page.getByRole('region', { name: /^Components/ });
  for (const name of ['security group default (sg-1)', 'network ACL acl-1 (default)', 'route table rtb-1 (main)']) {
    await assert.doesNotReject(components.getByRole('button', { name, exact: true }).waitFor(), name);
  }
  await pick(page, 'security group default (sg-1)');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Security group sg-1' }).waitFor());
  assert.equal(await page.getByLabel('Inbound rule 1 source / destination (CIDR, sg-…, pl-…)').inputValue(), 'sg-1');

  // A subnet that auto-assigns public IPv4; an instance launched into it.
  await add(page, 'subnet');
  await page.getByRole('checkbox', { name: 'Auto-assign public IPv4' }).click();
  await add(page, 'instance');
  // (The advice names the interface too, as its public address has no route yet: the list's entry is first.)
  await components.getByRole('button', { name: 'network interface eni-1', exact: true }).first().click();
  assert.equal(await page.getByRole('checkbox', { name: 'default (sg-1)' }).isChecked(), true);
  assert.equal(await page.getByLabel('Public IPv4').inputValue(), '203.0.113.10');

  // The subnet's form says what it uses, and jumps there.
  await pick(page, /^subnet subnet-1/);
  const uses = page.getByRole('region', { name: 'Route table and network ACL of subnet-1' });
  await assert.doesNotReject(uses.getByRole('button', { name: 'Network ACL: acl-1 (default)' }).waitFor());
  await uses.getByRole('button', { name: 'Route table: rtb-1 (main)' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Route table rtb-1' }).waitFor());
  assert.equal(await page.getByRole('checkbox', { name: 'Main route table' }).isChecked(), true);
  // The subnet is not ticked among its associations, yet uses it: the form says so.
  await assert.doesNotReject(page.getByText(/^Also used, as the VPC's main route table, by every subnet associated with no other: subnet-1\.$/).waitFor());
  await page.screenshot({ path: join(out, 'vpc-defaults.png'), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});
