// End-to-end tests of the built page (dist/) in Debian's headless Chromium, driven as a
// person would: by the accessible names of controls. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { dist, out, open as openPage, setup } from './harness.mjs';
import { serve } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ctx = setup();

const open = (url, opts = {}) => openPage(ctx.browser, url, opts);

const verdict = (page) => page.getByRole('status');

test('opens on the three-tier example, drawn, with the first suggested query answered', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await assert.doesNotReject(page.getByRole('heading', { name: /Three-tier app/ }).waitFor());
  // The drawing nests instances in subnets in AZs in the VPC, with the gateway on its edge.
  for (const key of ['vpc-prod', 'az:vpc-prod:us-east-1a', 'subnet-web-a', 'subnet-db-a', 'i-web1', 'i-app', 'eni-app1', 'igw-prod', 'internet']) {
    assert.equal(await page.locator(`svg.topology g[data-key="${key}"]`).count(), 1, `diagram lacks ${key}`);
  }
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).waitFor());
  assert.match(await page.getByRole('region', { name: 'Forward path' }).innerText(), /one-to-one NAT: destination 203\.0\.113\.10 → 10\.0\.1\.10/);
  assert.match(await page.getByRole('region', { name: 'Return path' }).innerText(), /stateful/);
  // The path is drawn and the endpoints are highlighted.
  assert.equal(await page.locator('svg.topology polyline.path.forward').count(), 1);
  assert.equal(await page.locator('svg.topology g.on-path[data-key="eni-web1"]').count(), 1);
  await page.screenshot({ path: join(out, 'default.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('at 1280×800 the first answer is in view without scrolling; the suggestions follow it', async () => {
  const { page, errors, context } = await open(ctx.site.url, { viewport: { width: 1280, height: 800 } });
  const status = verdict(page).filter({ hasText: 'Reachable' });
  await status.waitFor();
  const box = await status.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= 800, `verdict at y ${box.y}..${box.y + box.height}`);
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'nothing scrolled');
  const first = page.getByRole('button', { name: 'i-db → internet tcp/443' });
  assert.ok((await first.boundingBox()).y > box.y + box.height, 'suggestions come after the answer');
  await page.screenshot({ path: join(out, 'first-answer-1280x800.png') });
  // A suggestion far down the answer brings the question and its new verdict back into view.
  await first.click();
  await verdict(page).filter({ hasText: 'Not reachable' }).waitFor();
  const question = await page.getByRole('heading', { name: 'Can it reach?' }).boundingBox();
  assert.ok(question.y >= 0 && question.y < 800, `question at y ${question.y}`);
  const after = await verdict(page).boundingBox();
  assert.ok(after.y >= 0 && after.y + after.height <= 800, `new verdict at y ${after.y}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a query chosen by hand shows the blocking security group and its fix', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Source', { exact: true }).selectOption('i-web1');
  await page.getByLabel('Destination', { exact: true }).selectOption('i-db');
  await page.getByLabel('Destination port').fill('5432');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Not reachable' }).waitFor());
  const answer = await page.getByRole('region', { name: 'Answer' }).innerText();
  assert.match(answer, /ENI_SG_RULES_MISMATCH/);
  // AWS's advice within a VPC: reference the source's security group (the tier), or the one address.
  assert.match(answer, /Fix: add an inbound rule to sg-db allowing tcp 5432 from sg-web \(the security group of 10\.0\.1\.10\), or from 10\.0\.1\.10\/32 for that address alone/);
  assert.equal(await page.locator('svg.topology g.blocked[data-key="eni-db"]').count(), 1);
  // The blocker opens the group it names, to apply the fix there.
  await page.getByRole('region', { name: 'Answer' }).getByRole('button', { name: 'Open security group db' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Security group sg-db' }).waitFor());
  assert.equal(await page.locator('svg.topology polyline.path.not-reachable').count(), 1);
  await page.screenshot({ path: join(out, 'blocked-by-sg.png'), fullPage: true });

  // Swapping the ends asks the reverse question: db → web-1 is blocked by db's empty outbound rules.
  await page.getByRole('button', { name: 'Swap source and destination' }).click();
  assert.equal(await page.getByLabel('Source', { exact: true }).inputValue(), 'i-db');
  await assert.doesNotReject(page.getByRole('region', { name: 'Answer' }).getByText('no outbound rule of sg-db').first().waitFor());
  assert.deepEqual(errors, []);
  await context.close();
});

test('a suggested query names every blocker on a private subnet', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByRole('button', { name: 'i-db → internet tcp/443' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Blocked by 3 components' }).waitFor());
  const answer = await page.getByRole('region', { name: 'Answer' }).innerText();
  for (const code of ['ENI_SG_RULES_MISMATCH', 'SUBNET_ACL_RESTRICTION', 'NO_ROUTE_TO_DESTINATION']) assert.match(answer, new RegExp(code));
  // ICMP has no ports: the port field gives way to the ICMP message, echo request by default.
  await page.getByLabel('Protocol').selectOption('icmp');
  assert.equal(await page.getByLabel('Destination port').count(), 0);
  assert.equal(await page.getByLabel('ICMP message').inputValue(), '8/0');
  const answerRegion = page.getByRole('region', { name: 'Answer' });
  await assert.doesNotReject(answerRegion.getByText(/icmp echo-request/).first().waitFor());
  await page.getByLabel('ICMP message').selectOption({ label: 'timestamp request' });
  await assert.doesNotReject(answerRegion.getByText(/icmp type 13 code 0/).first().waitFor());
  await page.screenshot({ path: join(out, 'every-blocker.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('every control has an accessible name', async () => {
  const { page, context } = await open(ctx.site.url);
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, select, input, a[href], textarea')]
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  await context.close();
});

test('works in dark mode and when hosted under a sub-path', async () => {
  const sub = await serve(dist, '/courses/networking/vpclab/');
  try {
    const { page, errors, context } = await open(sub.url, { colorScheme: 'dark' });
    await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).waitFor());
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(13, 17, 23)');
    await page.screenshot({ path: join(out, 'dark-subpath.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await sub.close();
  }
});

test('the example picker opens the hub-and-spoke transit gateway and answers its questions', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByLabel('Example').selectOption('hub-and-spoke-tgw');
  await assert.doesNotReject(page.getByRole('heading', { name: /hub and spoke/i }).waitFor());
  assert.equal(await page.locator('svg.topology g[data-key="tgw-hub"]').count(), 1, 'the transit gateway is drawn');
  // Its first suggested question (spoke → shared DNS) is answered at once.
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).waitFor());
  assert.match(await page.getByRole('region', { name: 'Forward path' }).innerText(), /transit gateway route table/);
  // Spoke to spoke is isolated by the route tables.
  await page.getByLabel('Destination', { exact: true }).selectOption('i-app-b');
  await assert.doesNotReject(page.getByRole('region', { name: 'Answer' }).getByText('TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT', { exact: true }).waitFor());
  // Each code says what it means.
  await assert.doesNotReject(page.getByText(/^TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT: the transit gateway route table has no route/).waitFor());
  await page.screenshot({ path: join(out, 'hub-and-spoke.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the diagram draws the Region, the egress-only gateway and the load balancer, as AWS does', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  const svg = page.locator('svg.topology');
  await assert.doesNotReject(svg.getByText('Region us-east-1', { exact: true }).waitFor());
  // The egress-only gateway is a box on the VPC's edge, and the IPv6 path goes through it.
  await page.getByLabel('Example').selectOption('dual-stack-egress-only');
  const eigw = svg.getByRole('button', { name: /egress-only internet gateway/ });
  await assert.doesNotReject(eigw.waitFor());
  // (The example opens on its first question: app → 2001:db8::10 on tcp/443.)
  await assert.doesNotReject(page.locator('svg.topology g.eigw.on-path').waitFor());
  // The load balancer spans its nodes; selecting it opens it in the inspector.
  await page.getByLabel('Example').selectOption('alb-private-targets');
  const lb = svg.getByRole('button', { name: /^application load balancer web-alb internet-facing · HTTPS:443/ });
  await assert.doesNotReject(lb.waitFor());
  await lb.click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Load balancer alb-web' }).waitFor());
  await svg.screenshot({ path: join(out, 'load-balancer.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the reachability matrix and the exposure list open the trace behind each answer', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.getByRole('button', { name: /Reachability matrix \(tcp 443\)/ }).click();
  const matrix = page.getByRole('table', { name: /Reachability matrix for tcp 443/ });
  await assert.doesNotReject(matrix.waitFor());
  // web-2 reaches web-1 on 443 (sg-web admits anyone); db reaches nothing (no outbound rules).
  await page.getByRole('button', { name: 'web-2 to web-1: reachable' }).click();
  assert.equal(await page.getByLabel('Source', { exact: true }).inputValue(), 'i-web2');
  assert.equal(await page.getByLabel('Destination', { exact: true }).inputValue(), 'i-web1');
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).waitFor());
  assert.equal(await page.getByRole('button', { name: /^db to web-1: ENI_SG_RULES_MISMATCH/ }).count(), 1);
  await page.getByRole('button', { name: 'Internet exposure' }).click();
  const exposed = page.getByRole('list', { name: 'Reachable from the internet' });
  assert.match(await exposed.innerText(), /eni-web1 at 203\.0\.113\.10 — tcp 443/);
  assert.doesNotMatch(await exposed.innerText(), /app|db/);
  await page.screenshot({ path: join(out, 'matrix-exposure.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a large network computes its matrix and exposure in a background worker', async () => {
  // 320 interfaces: past the page's threshold (web/src/background.rs), so the analyses leave
  // the main thread. The synthetic topology comes from the benchmark tool.
  const json = execFileSync('cargo', ['run', '-q', '-p', 'vpclab-cli', '--bin', 'vpclab-bench', '--', '--topology', '2', '8', '20'],
    { cwd: join(here, '..', '..'), maxBuffer: 1 << 26 });
  const { page, errors, context } = await open(ctx.site.url);
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.getByLabel('Import JSON').setInputFiles({ name: 'large.json', mimeType: 'application/json', buffer: json });
  await assert.doesNotReject(page.getByRole('heading', { name: /synthetic/i }).waitFor());
  await page.getByRole('button', { name: /Reachability matrix/ }).click();
  await assert.doesNotReject(page.getByText('Showing the first 30 of 320 instances').waitFor());
  assert.equal(await page.getByRole('table', { name: /Reachability matrix/ }).locator('tbody tr').count(), 30);
  assert.deepEqual(workers.map((u) => new URL(u).pathname), ['/worker.js'], 'one worker, from the page\'s own files');
  await page.getByRole('button', { name: 'Internet exposure' }).click();
  await assert.doesNotReject(page.getByRole('list', { name: 'Reachable from the internet' }).or(page.getByText('Nothing in this network is reachable from the internet.')).waitFor());
  assert.equal(await page.getByText(/in the background/).count(), 0, 'nothing left computing');
  await page.screenshot({ path: join(out, 'background-matrix-large.png'), fullPage: true });
  // Undo opens the example again: its matrix (small: computed at once) and its question.
  await page.getByRole('button', { name: 'Undo' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: /Three-tier app/ }).waitFor());
  await assert.doesNotReject(page.getByRole('table', { name: /Reachability matrix/ }).waitFor());
  await assert.doesNotReject(verdict(page).filter({ hasText: 'Reachable' }).waitFor());
  await page.screenshot({ path: join(out, 'background-matrix.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('host pages can call the engine: window.wasmBindings agrees with the page', async () => {
  const { page, errors, context } = await open(ctx.site.url);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.reach);
  const topology = await readFile(join(here, '..', '..', 'crates', 'vpclab-core', 'data', 'examples', 'three-tier.json'), 'utf8');
  const result = await page.evaluate((topo) => {
    const b = window.wasmBindings;
    const ok = b.reach(topo, { from: 'internet', to: 'web-1', protocol: 'tcp', port: 443 });
    const blocked = b.reach(topo, { from: 'i-db', to: 'internet', protocol: 'tcp', port: 443 });
    let error = null;
    try { b.reach(topo, { from: 'nobody', to: 'web-1', protocol: 'tcp', port: 443 }); } catch (e) { error = String(e); }
    return {
      ok: ok.reachable,
      codes: blocked.explanations.map((e) => e.code),
      ports: b.ports(topo, 'app', 'db').protocols[0].ports,
      cidr: b.cidr('10.0.1.0/24').aws_usable,
      diagnostics: b.check(topo).length,
      error,
    };
  }, topology);
  assert.equal(result.ok, true);
  assert.deepEqual(result.codes, ['ENI_SG_RULES_MISMATCH', 'SUBNET_ACL_RESTRICTION', 'NO_ROUTE_TO_DESTINATION']);
  assert.deepEqual(result.ports, ['5432']);
  assert.equal(result.cidr, '251');
  assert.equal(result.diagnostics, 0);
  assert.match(result.error, /from: no instance, network interface, internet gateway or address called "nobody"/);
  assert.deepEqual(errors, []);
  await context.close();
});
