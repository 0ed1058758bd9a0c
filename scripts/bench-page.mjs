// The page under load, in headless Chromium: open a synthetic topology of ~500 boxes from a
// share link, then drag a VPC across the canvas and time each pointer move until the next
// frame is painted, and time one edit (a rule change) until its verdict is on screen; then
// open the reachability matrix, which this network is large enough to compute in the
// background worker, and record the longest gap between frames meanwhile (how long the page
// froze) against the same job run on the main thread.
//   node scripts/bench-page.mjs            (after `trunk build --release`; see BENCHMARKS.md)
import { execFileSync } from 'node:child_process';
import { launch, open } from '../tests/e2e/harness.mjs';
import { serve } from '../tests/e2e/server.mjs';

const topo = execFileSync('target/release/vpclab-bench', ['--topology', '2', '10', '12']);
const fs = await import('node:fs');
fs.writeFileSync('target/bench-page-topology.json', topo);
const link = execFileSync('target/release/vpclab', ['link', 'target/bench-page-topology.json']).toString().trim();
const browser = await launch();
const site = await serve('dist', '/');
const { page, errors, context } = await open(browser, `${site.url}${link}`);
const boxes = await page.locator('svg.topology g[data-key]').count();
// Drive the drag from inside the page, so the figures hold the page's own work (event
// handling, style, layout, paint) and not the test driver's round trips.
const { frames, drop } = await page.evaluate(async () => {
  const svg = document.querySelector('svg.topology');
  const rect = svg.querySelector('g[data-key="vpc-0"] > rect');
  const r = rect.getBoundingClientRect();
  const at = (type, target, dx, dy) => target.dispatchEvent(new PointerEvent(type, {
    bubbles: true, cancelable: true, pointerId: 1, button: 0, isPrimary: true,
    clientX: r.x + 6 + dx, clientY: r.y + 6 + dy,
  }));
  const frame = () => new Promise((res) => requestAnimationFrame(() => res(performance.now())));
  at('pointerdown', rect, 0, 0);
  await frame();
  const frames = [];
  for (let i = 1; i <= 60; i += 1) {
    const t0 = performance.now();
    at('pointermove', svg, 5 * i, 2 * i);
    frames.push((await frame()) - t0);
  }
  const t0 = performance.now();
  at('pointerup', svg, 300, 120);
  await frame();
  await frame();
  return { frames, drop: performance.now() - t0 };
});
frames.sort((a, b) => a - b);
const median = frames[Math.floor(frames.length / 2)];
const p90 = frames[Math.floor(frames.length * 0.9)];
console.log(`boxes on the canvas: ${boxes}`);
console.log(`drag, pointer move to next frame: median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms (${frames.length} moves; a frame is 16.7 ms)`);
console.log(`drop (re-layout, re-analysis, two frames): ${drop.toFixed(1)} ms`);
// The matrix of 1,000 interfaces: imported, then its button until the table is drawn, twice
// (the first time includes starting the worker), watching the frames meanwhile.
const big = execFileSync('target/release/vpclab-bench', ['--topology', '4', '10', '25']);
await page.getByLabel('Import JSON').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: big });
await page.getByRole('heading', { name: /1000 interfaces/ }).waitFor();
const matrix = () => page.evaluate(async () => {
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent.startsWith('Reachability matrix'));
  const t0 = performance.now();
  let last = t0;
  let longest = 0;
  button.click();
  while (!document.querySelector('table.matrix')) {
    const now = await new Promise((res) => requestAnimationFrame(() => res(performance.now())));
    longest = Math.max(longest, now - last);
    last = now;
  }
  const total = performance.now() - t0;
  button.click();
  while (document.querySelector('table.matrix')) await new Promise((res) => requestAnimationFrame(res));
  return { total, longest };
});
const here = await page.evaluate((json) => {
  const t0 = performance.now();
  window.wasmBindings.background(`matrix tcp 443\n${json}`);
  return performance.now() - t0;
}, big.toString());
for (const run of ['first (starts the worker)', 'second', 'third']) {
  const m = await matrix();
  console.log(`matrix of 1,000 interfaces in the worker, ${run}: drawn after ${m.total.toFixed(0)} ms; longest frame gap meanwhile ${m.longest.toFixed(1)} ms`);
}
console.log(`the same job on the main thread blocks it for ${here.toFixed(0)} ms`);
if (errors.length) console.log('console errors:', errors);
await context.close();
await browser.close();
await site.close();
