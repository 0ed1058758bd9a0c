import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-dev-shm-usage','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
const S = { browser, logs: [] };
S.ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await S.ctx.grantPermissions(['clipboard-read','clipboard-write'], { origin: 'http://127.0.0.1:8765' });
S.page = await S.ctx.newPage();
const hook = (p) => { p.on('console', m => S.logs.push(`[${m.type()}] ${m.text()}`)); p.on('pageerror', e => S.logs.push(`[pageerror] ${e.message}`)); };
hook(S.page); S.hook = hook;
createServer(async (req, res) => {
  let body = ''; for await (const c of req) body += c;
  try {
    const fn = new Function('S', `return (async () => { const page = S.page; ${body} })()`);
    const r = await fn(S);
    res.end((typeof r === 'string' ? r : JSON.stringify(r, null, 1)) + '\n');
  } catch (e) { res.end('ERROR: ' + e.message + '\n'); }
}).listen(8766, '127.0.0.1', () => console.log('ready'));
