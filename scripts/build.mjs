// Bundles the extension host code, the CLI and the webview with esbuild. The workspace index worker
// is bundled first and goes into the extension as a string (started with `new Worker(code, { eval: true })`),
// so that the extension stays one file (dist/extension.js) and the package needs nothing else.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, mainFields: ['module', 'main'], sourcemap: !production, minify: production, logLevel: 'warning', target: 'es2022' };

mkdirSync('dist', { recursive: true });
const worker = await esbuild.build({
  ...common, sourcemap: false, entryPoints: ['src/context/indexWorker.ts'], platform: 'node', format: 'iife', write: false,
});
const workerCode = worker.outputFiles[0].text;
await Promise.all([
  esbuild.build({
    ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'],
    define: { __PAGING_LAYOUT_INDEX_WORKER__: JSON.stringify(workerCode) },
  }),
  esbuild.build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } }),
  existsSync('webview/main.ts') && esbuild.build({ ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife' }),
]);
chmodSync('dist/cli.js', 0o755);
