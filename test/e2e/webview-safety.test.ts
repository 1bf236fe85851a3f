// Webview safety, proven in Chromium: every string that comes from the workspace or an imported
// dump is rendered as text. A custom layout file whose title, region names, descriptions and
// sources are markup and script payloads, a header whose *file name* is `<img src=x onerror=…>`,
// a page-table dump whose `---[ name ]---` markers are payloads: the map shows each literally, no
// element is made from them, no event handler attribute exists and `window.__pwned` stays
// undefined. The webview's Content-Security-Policy (read from its frame) allows scripts only by
// nonce and no remote content. The exported SVG parses as SVG with the payloads as text.
// The last test loads the built webview bundle on its own (as bench/map.bench.mjs does) under the
// same CSP and feeds it every message kind with payloads in every string field.
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { assertIncludes, uiTest } from './lib/harness';
import { chooseLayout, mapFrame, runCommandLike, Workbench } from './lib/workbench';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Strings that would run script or make elements if any of them went into the DOM as markup. */
const PAYLOADS = [
  '<img src=x onerror=window.__pwned=1>',
  '</script><script>window.__pwned=1</script>',
  '"><svg onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
];
/** A file name can hold the payloads without a slash. */
const HOSTILE_FILE = '<img src=x onerror=window.__pwned=1>.h';
const HOSTILE_ATTR = "'><svg/onload=window.__pwned=1 x='";

// ---- checks run inside a frame ------------------------------------------------------------------------

interface Findings { pwned: unknown; bad: string[]; scripts: { src: string; inApp: boolean; payload: boolean }[]; text: string; labels: string }

/**
 * Walks the whole DOM of a frame (shadow roots included): elements a payload would make, event
 * handler attributes, javascript: links, script elements; and the text and accessible names shown.
 */
function inspect(): Findings {
  const bad: string[] = [];
  const scripts: Findings['scripts'] = [];
  let labels = '';
  const app = document.getElementById('app');
  const walk = (root: Document | ShadowRoot) => {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const tag = el.tagName.toLowerCase();
      if (['img', 'iframe', 'object', 'embed', 'foreignobject', 'video', 'audio', 'frame', 'base', 'form', 'a'].includes(tag)) bad.push(`<${tag}> ${el.outerHTML.slice(0, 120)}`);
      if (tag === 'script') {
        // The bundle (src, nonce) and, in VS Code, the host's own acquireVsCodeApi script before the CSP.
        scripts.push({ src: (el as HTMLScriptElement).src, inApp: !!app && app.contains(el), payload: /pwned/.test(el.outerHTML) });
      }
      // A second <svg> could only come from a payload; the map's own is #map (icons live in shadow roots).
      if (tag === 'svg' && el.id !== 'map' && !(el.getRootNode() instanceof ShadowRoot)) bad.push(`<svg> ${el.outerHTML.slice(0, 120)}`);
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`${tag}[${a.name}] ${el.outerHTML.slice(0, 120)}`);
        if (/^(href|src|xlink:href|action|formaction)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)) bad.push(`${tag}[${a.name}=${a.value}]`);
        if (a.name === 'aria-label' || a.name === 'heading' || a.name === 'description' || a.name === 'title') labels += `${a.value}\n`;
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const shadowText: string[] = [];
  const texts = (root: Document | ShadowRoot) => {
    for (const el of Array.from(root.querySelectorAll('*'))) if (el.shadowRoot) { shadowText.push(el.shadowRoot.textContent ?? ''); texts(el.shadowRoot); }
  };
  texts(document);
  return { pwned: (window as unknown as { __pwned?: unknown }).__pwned, bad, scripts, text: `${document.body.textContent ?? ''}\n${shadowText.join('\n')}`, labels };
}

/** Asserts a frame made no element from data, ran nothing, and shows `expected` literally. */
async function assertSafe(f: Frame | Page, expected: string[], what: string): Promise<Findings> {
  const r = await f.evaluate(inspect);
  if (r.pwned !== undefined) throw new Error(`${what}: window.__pwned was set (${String(r.pwned)})`);
  if (r.bad.length) throw new Error(`${what}: elements or attributes made from data:\n${r.bad.join('\n')}`);
  const bundles = r.scripts.filter((s) => s.src);
  if (r.scripts.some((s) => s.inApp || s.payload) || bundles.length !== 1 || !/\/main\.js(\?|$)/.test(bundles[0].src)) {
    throw new Error(`${what}: unexpected script elements: ${JSON.stringify(r.scripts)}`);
  }
  for (const p of expected) assertIncludes(`${r.text}\n${r.labels}`, p, `${what}: the string shown literally`);
  return r;
}

/** The map webview's Content-Security-Policy: default-src 'none', scripts by nonce only, no remote hosts. */
function assertCsp(csp: string, what: string): void {
  const dirs = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => { const [k, ...v] = d.split(/\s+/); return [k.toLowerCase(), v] as const; }));
  if (dirs.get('default-src')?.join(' ') !== "'none'") throw new Error(`${what}: default-src is not 'none': ${csp}`);
  const script = dirs.get('script-src');
  if (!script || script.length !== 1 || !/^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(script[0])) throw new Error(`${what}: script-src is not a single nonce: ${csp}`);
  if (/'unsafe-inline'|'unsafe-eval'|'unsafe-hashes'|'strict-dynamic'|(^|\s)\*(\s|;|$)/.test(csp)) throw new Error(`${what}: the CSP relaxes script or source rules: ${csp}`);
  for (const [k, v] of dirs) {
    for (const src of v) {
      if (src === "'none'" || src === 'data:' || /^'nonce-/.test(src) || src === "'self'") continue;
      // Only the webview's own resource origin (vscode-resource / vscode-cdn / the test server) may load anything.
      // (VS Code's webview.cspSource is `'self' https://*.vscode-cdn.net`: the extension's own files, limited by localResourceRoots.)
      if (/^https:\/\/\*\.vscode-cdn\.net$/.test(src) || /^http:\/\/127\.0\.0\.1:\d+$/.test(src) || /^vscode-(webview|resource):/.test(src)) continue;
      throw new Error(`${what}: ${k} allows ${src}: ${csp}`);
    }
  }
  if (dirs.has('connect-src') || dirs.has('frame-src') || dirs.has('object-src')) throw new Error(`${what}: network, frame or object sources allowed: ${csp}`);
}

// ---- code-server helpers (as in map.test.ts) -------------------------------------------------------------


async function mapText(wb: Workbench, expect: RegExp | string, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    const f = await mapFrame(wb, timeoutMs).catch(() => undefined);
    if (f) {
      const r = await f.evaluate(inspect).catch(() => undefined);
      if (r) last = `${r.text}\n${r.labels}`;
      if (typeof expect === 'string' ? last.includes(expect) : expect.test(last)) return last;
    }
    await wb.page.waitForTimeout(400);
  }
  throw new Error(`the map never showed ${expect}; last text:\n${last.slice(0, 1500)}`);
}


/** Types a path into the simple file dialog (after it filled in its start folder) and accepts it. */
async function answerFileDialog(wb: Workbench, file: string | undefined): Promise<void> {
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const ready = Date.now() + 15_000;
  while (Date.now() < ready && !(await input.inputValue().catch(() => '')).startsWith('/')) await wb.page.waitForTimeout(200);
  await wb.page.waitForTimeout(500);
  if (file) await input.fill(file);
  for (let i = 0; i < 5; i++) {
    if (file && (await input.inputValue().catch(() => file)) !== file) await input.fill(file).catch(() => undefined);
    await wb.page.waitForTimeout(800);
    await input.press('Enter').catch(() => undefined);
    if (await wb.quickInput().waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false)) break;
  }
}


const CUSTOM_LAYOUT = {
  id: 'hostile-lab',
  title: `Lab ${PAYLOADS[0]} ${PAYLOADS[1]}`,
  description: PAYLOADS[2],
  extends: 'linux-x86_64-4level',
  source: [PAYLOADS[3]],
  regions: PAYLOADS.map((name, i) => ({
    name, start: '0x' + (0xffffff0000000000n + BigInt(i) * (1n << 30n)).toString(16), size: '1GiB', kind: 'other', description: `${PAYLOADS[(i + 1) % 4]} ${HOSTILE_ATTR}`,
  })),
  symbols: [{ name: PAYLOADS[0], value: '0xffffff0000000000', description: PAYLOADS[1] }],
};

// ---- tests in code-server --------------------------------------------------------------------------------

const csViolations: string[] = [];

uiTest('a custom layout file and a header named with markup: the map shows the strings as text, makes no element from them', async ({ wb, workspace }) => {
  wb.page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) csViolations.push(m.text()); });
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'paging-layout.json'), JSON.stringify(CUSTOM_LAYOUT, null, 2));
  fs.writeFileSync(path.join(workspace, 'include', HOSTILE_FILE),
    '/* A header whose file name is markup. */\n#define HOSTILE_START 0xffffe90000000000UL\n#define HOSTILE_END 0xffffe9ffffffffffUL\n#define CLASH_START 0xffffc90000000000UL\n#define CLASH_SIZE 0x1000000000UL\n');
  // Select it through the workspace settings (a configuration change re-reads the layout files).
  const settingsFile = path.join(workspace, '.vscode', 'settings.json');
  let settings: Record<string, unknown> = {};
  try { settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')); } catch { /* none yet */ }
  fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'pagingLayout.layout': 'hostile-lab' }, null, 2));
  await wb.statusItem(/hostile-lab/).waitFor({ timeout: 30_000 });
  await wb.openFile(`include/${HOSTILE_FILE}`);
  await wb.runCommand('Paging Layout: Show Address Map');
  await mapFrame(wb);
  // The whole window for the map (the header stays open in the other group), so that every region gets a row.
  await wb.page.locator('.tabs-container .tab', { hasText: 'Address Map' }).first().click();
  await wb.page.waitForTimeout(800);
  await runCommandLike(wb, 'Maximize Editor Group');
  await mapText(wb, PAYLOADS[3]);
  const f = await mapFrame(wb);
  // Title, region names (drawn and as accessible names), the marker list's heading (the file name).
  await mapText(wb, `Markers of include/${HOSTILE_FILE}`);
  await assertSafe(f, [...PAYLOADS, `Lab ${PAYLOADS[0]} ${PAYLOADS[1]}`], 'custom layout');
  const title = await f.locator('#map-title').innerText();
  assertIncludes(title, `Lab ${PAYLOADS[0]} ${PAYLOADS[1]}`, 'map title as text');
  const csp = await f.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  if (!csp) throw new Error('the map webview has no Content-Security-Policy meta tag');
  assertCsp(csp, 'map webview');
  console.log(`      CSP of the map webview: ${csp.replace(/'nonce-[^']+'/, "'nonce-…'")}`);
  if ((await wb.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)) !== undefined) throw new Error('window.__pwned set in the workbench');
});

uiTest('selecting a region named with markup: details, tooltip and the workspace layout show names, descriptions and file names as text', async ({ wb }) => {
  const f = await mapFrame(wb);
  for (const name of PAYLOADS) {
    const rect = f.locator(`#map rect[data-ref="row"][aria-label^=${JSON.stringify(name + ':')}]`);
    await rect.first().click();
    const details = await f.locator('#details').innerText();
    assertIncludes(details, name, 'details title');
    assertIncludes(details, `${PAYLOADS[(PAYLOADS.indexOf(name) + 1) % 4]} ${HOSTILE_ATTR}`, 'details description');
    await rect.first().hover();
    await f.locator('#map-tooltip:not([hidden])').waitFor({ timeout: 5000 });
    assertIncludes(await f.locator('#map-tooltip').innerText(), name, 'tooltip');
    await assertSafe(f, [name], `region ${name}`);
  }
  // The workspace's own layout: the region from the header whose file name is markup, and its source.
  await chooseLayout(wb, 'workspace-defines');
  await mapText(wb, /Workspace #defines/);
  await (await mapFrame(wb)).locator('#map rect[aria-label^="HOSTILE:"]').click();
  const text = await mapText(wb, `include/${HOSTILE_FILE}:2`);
  assertIncludes(text, `CLASH (include/${HOSTILE_FILE}:4) overlaps VMALLOC`, 'the overlap problem names the file');
  await assertSafe(await mapFrame(wb), [`include/${HOSTILE_FILE}:2`], 'workspace layout');
});

uiTest('a page-table dump whose ---[ section ]--- markers are markup imports as text', async ({ wb, file }) => {
  const dump = file('hostile-dump.txt');
  fs.writeFileSync(dump, [
    '---[ User Space ]---',
    '0x0000000000000000-0xffff800000000000   16777088T                               pgd',
    ...PAYLOADS.flatMap((p, i) => [`---[ ${p} ]---`, `0xffff8880${i}0000000-0xffff8880${i}0200000           2M     RW         PSE         GLB NX pmd`]),
  ].join('\n') + '\n');
  await wb.runCommand('Paging Layout: Import Memory Map');
  await answerFileDialog(wb, dump);
  await mapText(wb, /Page tables: hostile-dump\.txt/);
  await mapText(wb, `${PAYLOADS[1]}: RW`);
  await assertSafe(await mapFrame(wb), PAYLOADS.map((p) => `${p}: RW`), 'imported dump');
});

uiTest('the SVG export of a layout named with markup parses as SVG with the strings as text', async ({ wb, workspace }) => {
  await chooseLayout(wb, 'hostile-lab');
  await mapText(wb, `Lab ${PAYLOADS[0]}`);
  // Every region drawn as its own row (the import may have given the map back its half of the window).
  const rows = async () => (await mapFrame(wb)).locator('#map rect[data-ref="row"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? '').join('\n'));
  if (!(await rows()).includes(`${PAYLOADS[2]}:`)) {
    await wb.page.locator('.tabs-container .tab', { hasText: 'Address Map' }).first().click();
    await runCommandLike(wb, 'Maximize Editor Group');
    await mapText(wb, `${PAYLOADS[2]}:`);
  }
  const target = path.join(workspace, 'hostile-lab.svg');
  fs.rmSync(target, { force: true });
  const f = await mapFrame(wb);
  await f.locator('vscode-button', { hasText: 'Export SVG' }).click();
  await answerFileDialog(wb, target);
  const end = Date.now() + 20_000;
  while (!fs.existsSync(target) && Date.now() < end) await wb.page.waitForTimeout(300);
  if (!fs.existsSync(target)) throw new Error('the SVG export was not written');
  const svg = fs.readFileSync(target, 'utf8');
  const r = await wb.page.evaluate(checkSvgInBrowser, svg);
  if (r.error) throw new Error(`exported SVG: ${r.error}`);
  if (!PAYLOADS.every((p) => r.text.includes(p))) fs.copyFileSync(target, path.join(ROOT, 'test-results', 'e2e', 'webview-safety-export.svg'));
  for (const p of PAYLOADS) assertIncludes(r.text, p, 'exported SVG text');
  await assertSafe(f, [], 'after export');
  if (csViolations.some((v) => /script/i.test(v))) throw new Error(`script CSP violations in the workbench:\n${csViolations.join('\n')}`);
});

/** Parses an SVG with the browser's XML parser: no parse error, no script/foreign elements, no handlers. */
function checkSvgInBrowser(svg: string): { error?: string; text: string } {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  if (doc.querySelector('parsererror')) return { error: `does not parse: ${doc.querySelector('parsererror')!.textContent}`, text: '' };
  if (doc.documentElement.localName !== 'svg') return { error: `root is <${doc.documentElement.localName}>`, text: '' };
  const els = Array.from(doc.querySelectorAll('*'));
  const allowed = new Set(['svg', 'title', 'style', 'rect', 'line', 'path', 'text', 'g']);
  for (const el of els) {
    if (!allowed.has(el.localName)) return { error: `element <${el.localName}>`, text: '' };
    for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name) || /href$/i.test(a.name)) return { error: `attribute ${a.name} on <${el.localName}>`, text: '' };
  }
  return { text: `${doc.documentElement.textContent}\n${els.map((e) => e.getAttribute('aria-label') ?? '').join('\n')}` };
}

// ---- the bundle on its own, every message kind -------------------------------------------------------

uiTest('the webview bundle under its CSP, fed payloads in every string of every message, creates no element from them', async ({ wb }) => {
  const dist = path.join(ROOT, 'dist', 'webview');
  if (!fs.existsSync(path.join(dist, 'main.js'))) throw new Error('dist/webview/main.js is missing: run `npm run build`');
  const nonce = 'n0nce' + Math.random().toString(36).slice(2).padEnd(16, 'x');
  let origin = '';
  const page = () => {
    // The same policy the extension writes (src/features/mapPanel.ts), with this server as the resource origin.
    const csp = [`default-src 'none'`, `img-src ${origin} data:`, `style-src ${origin}`, `font-src ${origin}`, `script-src 'nonce-${nonce}'`].join('; ');
    return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="${origin}/main.css"><title>Address Map</title>
<script nonce="${nonce}">window.__sent=[];window.__violations=[];document.addEventListener('securitypolicyviolation',(e)=>window.__violations.push(e.violatedDirective+' '+e.blockedURI+' '+(e.sample||'').slice(0,60)));
window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__sent.push(m),getState:()=>undefined,setState:()=>{}});</script>
</head><body><div id="app" aria-busy="true">Loading the address map…</div><script nonce="${nonce}" src="${origin}/main.js"></script></body></html>`;
  };
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/' || url === '/index.html') { res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }); res.end(page()); return; }
    const f = path.join(dist, path.basename(url));
    if (!fs.existsSync(f)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': f.endsWith('.js') ? 'text/javascript' : f.endsWith('.css') ? 'text/css' : 'application/octet-stream' });
    fs.createReadStream(f).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = wb.page.context().browser();
  if (!browser) throw new Error('no browser');
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(origin + '/');
    await p.waitForFunction(() => (window as unknown as { __sent: { type: string }[] }).__sent.some((m) => m.type === 'ready'), undefined, { timeout: 20_000 });
    assertCsp((await p.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'))!, 'harness');
    const P = [...PAYLOADS, HOSTILE_ATTR];
    const loc = { uri: 'file:///ws/a.h', line: 0, column: 0 };
    const region = (i: number, start: bigint) => ({
      name: P[i % P.length], start: '0x' + start.toString(16), end: '0x' + (start + (1n << 39n) - 1n).toString(16), kind: P[(i + 1) % P.length],
      description: P[(i + 2) % P.length], source: P[(i + 3) % P.length], location: i === 0 ? loc : undefined,
    });
    const layout = (id: string) => ({
      id, title: `${id} ${P[1]}`, mode: 'x86_64-4level', description: P[2], source: [P[3]], origin: P[0],
      regions: P.map((_, i) => region(i, 0xffff800000000000n + BigInt(i) * (1n << 40n))), symbols: [{ name: P[0], value: '0xffff800000000000', description: P[1] }],
    });
    const choices = [{ id: P[0], title: P[1], group: 'import' }, { id: P[2], title: P[3], group: 'workspace' }, { id: 'x', title: P[4], group: 'preset' }];
    const markers = P.map((name, i) => ({ name, value: '0x' + (0xffff800000000000n + BigInt(i) * (1n << 40n) + 0x1000n).toString(16), location: loc }));
    const problems = P.map((message, i) => ({ code: P[(i + 1) % P.length], message, start: markers[i].value, end: markers[i].value, severity: 'warning', location: i ? loc : undefined }));
    const send = (m: unknown) => p.evaluate((msg) => window.dispatchEvent(new MessageEvent('message', { data: msg })), m);
    await send({ type: 'show', v: 1, layout: layout(P[0]), choices, markers, problems, fileName: P[0] + '.h' });
    await send({ type: 'cursor', v: 1, value: markers[1].value, name: P[1] });
    await p.waitForTimeout(300);
    await assertSafe(p, [...P, `Markers of ${P[0]}.h`, `Cursor: ${P[1]}`], 'harness: show');
    // Select each region (details pane), hover it (tooltip), focus it with the keyboard (live region).
    for (const name of P) {
      const rect = p.locator(`#map rect[data-ref="row"][aria-label^=${JSON.stringify(name + ':')}]`).first();
      await rect.click();
      await rect.hover();
      await p.keyboard.press('ArrowDown');
      await p.keyboard.press('ArrowUp');
      assertIncludes(await p.locator('#details').innerText(), name, 'harness: details');
      await assertSafe(p, [name], `harness: region ${name}`);
    }
    await send({ type: 'markers', v: 1, markers: markers.slice(1), problems: problems.slice(1), fileName: P[1] });
    await send({ type: 'compare', v: 1, comparison: { a: layout(P[2]), b: layout(P[3]), lines: P, links: [] }, choices });
    await p.waitForTimeout(300);
    await assertSafe(p, [...P, `${P[2]} → ${P[3]}`], 'harness: compare');
    // The map itself, fed every message, breaks no rule of its policy (styles included).
    const mapViolations = await p.evaluate(() => (window as unknown as { __violations: string[] }).__violations.slice());
    if (mapViolations.length) throw new Error(`CSP violations of the map: ${mapViolations.join('; ')}`);
    // The SVG the webview exports, parsed by the browser. (A standalone SVG file carries its own <style>;
    // parsing it in this page reports that element against the page's policy: expected, and not the map's.)
    for (const [i, m] of [{ type: 'compare', v: 1, comparison: { a: layout(P[2]), b: layout(P[3]), lines: P, links: [] }, choices }, { type: 'show', v: 1, layout: layout(P[1]), choices, markers, problems }].entries()) {
      await send(m);
      await send({ type: 'request', v: 1, requestId: 100 + i, request: { kind: 'svg' } });
      const svg = await p.evaluate((id) => (window as unknown as { __sent: { type: string; requestId?: number; body?: unknown }[] }).__sent.find((x) => x.type === 'response' && x.requestId === id)?.body, 100 + i);
      if (typeof svg !== 'string' || !svg.startsWith('<svg')) throw new Error(`harness: no SVG answer (${String(svg).slice(0, 100)})`);
      const r = await p.evaluate(checkSvgInBrowser, svg);
      if (r.error) throw new Error(`harness SVG: ${r.error}`);
      for (const s of P) assertIncludes(r.text, s, 'harness SVG text');
    }
    await assertSafe(p, [], 'harness: after export');
    const violations = await p.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    if (violations.some((v) => /script/.test(v))) throw new Error(`script CSP violations: ${violations.join('; ')}`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    // Negative control: the same inspection does see an element made from markup.
    await p.evaluate(() => { const d = document.createElement('div'); d.innerHTML = '<img src="data:," onerror="void 0">'; document.getElementById('details')!.append(d); });
    if (await assertSafe(p, [], 'control').then(() => true, () => false)) throw new Error('the inspection missed an injected <img onerror>');
    console.log(`      harness: ${P.length} payloads in every field of show/markers/cursor/compare/svg; CSP violations of the map: none; while parsing the exported SVG files: ${violations.length ? violations.join('; ') : 'none'}`);
  } finally {
    await ctx.close();
    server.close();
  }
});
