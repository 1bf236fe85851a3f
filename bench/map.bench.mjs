// Address-map benchmark: the built webview bundle (dist/webview/main.js) in headless Chromium with a
// stand-in for acquireVsCodeApi, fed a 5,000-region layout parsed from a synthetic page-table dump.
// Measures first paint (message received → frame painted; target < 200 ms) and the frame rate while
// zooming and panning with the wheel (target >= 30 fps). Prints medians over several runs.
//
//   npm run build && node bench/map.bench.mjs [--runs N] [--regions N] [--screenshot FILE] [--theme dark|light]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
const RUNS = Number(arg('--runs', 7));
const REGIONS = Number(arg('--regions', 5000));
const SHOT = arg('--screenshot', '');
const THEME = arg('--theme', 'dark');
const FRAMES = 60;

if (!fs.existsSync(path.join(ROOT, 'dist/webview/main.js'))) {
  console.error('bench: dist/webview/main.js is missing; run `npm run build` first');
  process.exit(1);
}

// The engine's importer and protocol, bundled for node on the fly (no tsc step needed).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'map-bench-'));
const engineFile = path.join(tmp, 'engine.cjs');
fs.writeFileSync(path.join(tmp, 'entry.ts'), `export * from '${ROOT}/src/engine/map/importers';\nexport { toWireLayout } from '${ROOT}/src/shared/protocol';\n`);
await esbuild.build({ entryPoints: [path.join(tmp, 'entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: engineFile, logLevel: 'error' });
const engine = require(engineFile);

/** A kernel page-table dump with `n` present mappings spread over the usual sections. */
function syntheticDump(n) {
  const sections = [
    ['Low Kernel Mapping', 0xffff888000000000n], ['vmalloc() Area', 0xffffc90000000000n], ['Vmemmap', 0xffffea0000000000n],
    ['CPU entry Area', 0xfffffe0000000000n], ['High Kernel Mapping', 0xffffffff80000000n], ['Modules', 0xffffffffc0000000n],
  ];
  const flags = ['RW                     GLB NX pte', 'ro                     GLB NX pte', 'RW         PSE         GLB NX pmd', 'ro                     GLB x  pte', 'RW     PCD             GLB NX pte'];
  const lines = ['---[ User Space ]---', '0x0000000000000000-0xffff800000000000   16777088T                               pgd'];
  const per = Math.ceil(n / sections.length);
  let made = 0;
  for (const [name, base] of sections) {
    lines.push(`---[ ${name} ]---`);
    let a = base;
    for (let i = 0; i < per && made < n; i++, made++) {
      const size = 0x1000n << BigInt((i * 7) % 9);
      const f = flags[(i * 3) % flags.length];
      lines.push(`0x${a.toString(16).padStart(16, '0')}-0x${(a + size).toString(16).padStart(16, '0')}   ${size / 1024n}K     ${f}`);
      a += size;
      if (i % 3 === 0) { lines.push(`0x${a.toString(16).padStart(16, '0')}-0x${(a + 0x1000n).toString(16).padStart(16, '0')}   4K                               pte`); a += 0x1000n; }
    }
  }
  return lines.join('\n') + '\n';
}

const imported = engine.parsePageTableDump(syntheticDump(REGIONS), { name: 'synthetic-kernel' });
if (!imported.layout || imported.layout.regions.length !== REGIONS) {
  console.error(`bench: the synthetic dump gave ${imported.layout?.regions.length ?? 0} regions, not ${REGIONS}: ${imported.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
  process.exit(1);
}
const wire = engine.toWireLayout(imported.layout);

const THEMES = {
  dark: { '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-panel-border': '#2b2b2b', '--vscode-focusBorder': '#0078d4', '--vscode-textLink-foreground': '#4daafc', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editorHoverWidget-background': '#202020', '--vscode-editorHoverWidget-border': '#454545' },
  light: { '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-descriptionForeground': '#717171', '--vscode-panel-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8', '--vscode-textLink-foreground': '#005fb8', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px', '--vscode-editorHoverWidget-background': '#f8f8f8', '--vscode-editorHoverWidget-border': '#c8c8c8' },
};
const vars = Object.entries(THEMES[THEME] ?? THEMES.dark).map(([k, v]) => `${k}:${v}`).join(';');
const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/main.css">
<style>:root{${vars}}</style>
<script>window.__sent=[];window.__state=undefined;window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__sent.push(m),getState:()=>window.__state,setState:(s)=>{window.__state=s;}});</script>
</head><body><div id="app"></div><script src="/main.js"></script></body></html>`;

const server = http.createServer((req, res) => {
  const url = (req.url ?? '/').split('?')[0];
  if (url === '/' || url === '/index.html') { res.writeHead(200, { 'content-type': 'text/html' }); res.end(page); return; }
  const file = path.join(ROOT, 'dist/webview', path.basename(url));
  if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2; };
const firstPaints = [], scripts = [], zoomFps = [], panFps = [], zoomWork = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const p = await ctx.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(base);
    await p.waitForFunction(() => window.__sent.some((m) => m.type === 'ready'));
    const msg = { type: 'show', v: 1, layout: wire, choices: [{ id: wire.id, title: wire.title, group: 'import' }], markers: [], problems: [] };
    // Hand the message over first: Playwright's own argument transfer must not count as paint time.
    await p.evaluate((m) => { window.__msg = m; }, msg);
    const t = await p.evaluate(() => new Promise((resolve) => setTimeout(() => {
      const t0 = performance.now();
      window.dispatchEvent(new MessageEvent('message', { data: window.__msg }));
      const script = performance.now() - t0;
      requestAnimationFrame(() => setTimeout(() => resolve({ paint: performance.now() - t0, script }), 0));
    }, 50)));
    if (errors.length) throw new Error(`page error: ${errors[0]}`);
    const rows = await p.evaluate(() => document.querySelectorAll('#map [data-ref="row"]').length);
    if (!rows) throw new Error('nothing was drawn');
    firstPaints.push(t.paint);
    scripts.push(t.script);

    // Zoom in and out with the wheel at different heights, one event per frame; then pan with shift+wheel.
    const frames = await p.evaluate((n) => new Promise((resolve) => {
      const svg = document.getElementById('map');
      const r = svg.getBoundingClientRect();
      const zoom = [], pan = [], work = [];
      let i = 0, last = performance.now();
      const step = () => {
        const now = performance.now();
        if (i > 0) (i <= n ? zoom : pan).push(now - last);
        last = now;
        if (i >= 2 * n) { resolve({ zoom, pan, work }); return; }
        const y = r.top + r.height * (0.2 + 0.6 * ((i * 37) % 100) / 100);
        const inZoom = i < n;
        const deltaY = inZoom ? ((i % 12) < 6 ? -100 : 100) : ((i % 20) < 10 ? 120 : -120);
        const t0 = performance.now();
        svg.dispatchEvent(new WheelEvent('wheel', { deltaY, clientX: r.left + 200, clientY: y, shiftKey: !inZoom, bubbles: true, cancelable: true }));
        work.push(performance.now() - t0);
        i++;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    }), FRAMES);
    zoomFps.push(1000 / median(frames.zoom));
    panFps.push(1000 / median(frames.pan));
    zoomWork.push(median(frames.work));
    if (SHOT && run === 0) {
      await p.evaluate(() => window.dispatchEvent(new MessageEvent('message', { data: { type: 'command', v: 1, command: 'resetZoom' } })));
      await p.waitForTimeout(200);
      await p.screenshot({ path: SHOT });
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

const f = (v) => v.toFixed(1);
console.log(`address map, ${REGIONS} regions (synthetic page-table dump), ${RUNS} runs, Chromium headless, medians:`);
console.log(`  first paint          ${f(median(firstPaints))} ms   (script ${f(median(scripts))} ms; target < 200 ms; ratio ${(median(firstPaints) / 200).toFixed(2)} of budget)`);
console.log(`  zoom (wheel)         ${f(median(zoomFps))} fps  (work per step ${f(median(zoomWork))} ms; target >= 30 fps; ratio ${(median(zoomFps) / 30).toFixed(2)}x)`);
console.log(`  pan (shift+wheel)    ${f(median(panFps))} fps  (target >= 30 fps; ratio ${(median(panFps) / 30).toFixed(2)}x)`);
const ok = median(firstPaints) < 200 && median(zoomFps) >= 30 && median(panFps) >= 30;
console.log(ok ? 'map bench: within targets' : 'map bench: OUTSIDE the targets');
process.exit(ok ? 0 : 1);
