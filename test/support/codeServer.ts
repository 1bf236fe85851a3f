// Starts code-server (VS Code for the browser, installed by scripts/setup.sh) and headless
// Chromium for the offline test stages: the extension-host suite (test/integration/runCodeServer.ts)
// and the UI tests (test/e2e/). Every server started here is killed on stop() and on exit.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
export const ROOT = path.resolve(__dirname, '..', '..', '..');       // out/test/support -> repo root
export const CHROMIUM = process.env.PAGING_LAYOUT_CHROMIUM ?? '/usr/bin/chromium';

export function codeServerDir(): string {
  return process.env.PAGING_LAYOUT_CODE_SERVER_DIR
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'paging-layout', `code-server-${CODE_SERVER_VERSION}`);
}

/** The code-server binary; a clear error naming the missing prerequisite otherwise. */
export function codeServerBin(): string {
  const bin = path.join(codeServerDir(), 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed at ${bin}; run scripts/setup.sh`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is missing (${CHROMIUM}); run scripts/setup.sh (apt-get install chromium)`);
  return bin;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const temps: string[] = [];
/** A temporary folder, removed when the process exits (unless PAGING_LAYOUT_KEEP_TMP=1). */
export function mkTemp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `paging-layout-${prefix}-`));
  temps.push(dir);
  return dir;
}
export function removeTemps(): void {
  if (process.env.PAGING_LAYOUT_KEEP_TMP === '1') return;
  for (const d of temps.splice(0)) { try { fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 }); } catch { /* busy */ } }
}

/** A fresh copy of examples/ to open as the workspace, so tests may change settings and files. */
export function copyExamples(): string {
  const dir = path.join(mkTemp('ws'), 'examples');     // the folder name shows as the workspace name
  fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
  return dir;
}

/** User settings that keep the workbench quiet and deterministic. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'editor.hover.delay': 100,
  'editor.minimap.enabled': false,
  'files.hotExit': 'off',
  // VS Code for the Web (code-server) saves an edited file after a delay by default: a test's unsaved
  // edit of a real kernel tree's header was written to the tree that way. Saving is explicit here.
  'files.autoSave': 'off',
  'window.restoreWindows': 'none',
  'workbench.editor.enablePreview': false,
};

export interface CodeServer {
  port: number;
  base: string;                 // http://127.0.0.1:PORT
  workspace: string;
  userDataDir: string;
  extensionsDir: string;
  /** Workbench URL for the workspace, with optional extension-development payload. */
  url(payload?: [string, string][]): string;
  /** A file URI as the remote (code-server) side names it. */
  remoteUri(absPath: string): string;
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try { process.kill(-p.pid, signal); } catch { try { p.kill(signal); } catch { /* gone */ } }
}
process.on('exit', () => { for (const p of running) killGroup(p, 'SIGKILL'); removeTemps(); });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => { for (const p of running) killGroup(p, 'SIGKILL'); process.exit(130); });
}

export interface StartOptions {
  workspace?: string;           // default: a fresh copy of examples/
  extensionsDir?: string;       // default: a fresh empty folder
  vsix?: string;                // installed into extensionsDir before the start
  settings?: Record<string, unknown>;
  log?: (line: string) => void;
}

/** Installs a VSIX into an extensions folder with the code-server binary. */
export function installVsix(vsix: string, extensionsDir: string, userDataDir = mkTemp('install-data')): void {
  const r = spawnSync(codeServerBin(), ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !/successfully installed|already installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`code-server --install-extension ${vsix} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

export async function startCodeServer(opts: StartOptions = {}): Promise<CodeServer> {
  const bin = codeServerBin();
  const workspace = opts.workspace ?? copyExamples();
  const userDataDir = mkTemp('data');
  const extensionsDir = opts.extensionsDir ?? mkTemp('ext');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  if (opts.vsix) installVsix(opts.vsix, extensionsDir);

  const config = path.join(userDataDir, 'config.yaml');            // ignore the user's ~/.config/code-server
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const port = await freePort();
  const args = ['--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, workspace];
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PASSWORD: undefined } });
  running.add(child);
  let out = '';
  const onData = (b: Buffer) => {
    const s = b.toString();
    out += s;
    if (opts.log) for (const l of s.split('\n')) if (l.trim()) opts.log(l);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => { running.delete(child); resolve(); }));

  const base = `http://127.0.0.1:${port}`;
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before listening:\n${out}`);
    if (await httpOk(`${base}/healthz`)) break;
    if (Date.now() > end) { killGroup(child, 'SIGKILL'); throw new Error(`code-server did not answer on ${base} within 60 s:\n${out}`); }
    await new Promise((r) => setTimeout(r, 250));
  }

  const remoteUri = (p: string) => `vscode-remote://127.0.0.1:${port}${p.split(path.sep).map(encodeURIComponent).join('/')}`;
  return {
    port, base, workspace, userDataDir, extensionsDir,
    url(payload) {
      let u = `${base}/?folder=${encodeURIComponent(workspace)}`;
      if (payload?.length) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    remoteUri,
    output: () => out,
    async stop() {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => { res.resume(); resolve((res.statusCode ?? 500) < 500); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
