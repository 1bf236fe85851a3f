// Check Workspace runs in the CLI's check workers (off the extension host's thread): on a folder of files
// that are not open, the Problems data it leaves is what `paging-layout check` prints for that folder,
// finding for finding (quoted includes followed, suppression comments applied, PL000 for a reasonless one).
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { examplesRoot, waitForActivation } from './helpers';

const FILES: Record<string, string> = {
  'regs.h': [
    '#define LOST_VADDR 0xffff7fffffff0000UL',
    '#define MAP_START 0xffff888000000000UL',
    '#define MAP_END   0xffff887fffffffffUL',
    '#define QUIET_VADDR 0xffff7fffffff1000UL /* paging-layout: ignore PL001 -- a test value on purpose */',
    '#define NOREASON_VADDR 0xffff7fffffff2000UL /* paging-layout: ignore PL001 */',
    '#define REGION_START 0xffffc90000000000UL',
    '',
  ].join('\n'),
  // its findings need the values of the header it includes
  'sub/use.c': [
    '#include "../regs.h"',
    '#define USE_BASE (MAP_START + 0x1000)',
    '#define REGION_END 0xffffc8ffffffffffUL',
    '#define WIN_VADDR (REGION_START - 0x0000900000000000UL)',
    'unsigned long x = 0xffff888000001000UL;',
    '',
  ].join('\n'),
  'sub/head.S': '#define ASM_BASE 0xffff7fffffffe000\n\tmovq $ASM_BASE, %rax\n',
  'sub/clean.h': '#define FINE_VADDR 0xffffc90000000000UL\n',
  'kernel.lds': 'SECTIONS { . = 0xffff7fffffff0000; .text : { *(.text) } }\n',
};

const SEVERITY = ['error', 'warning', 'information', 'hint'];

/** `paging-layout check DIR --format json` with the extension's own CLI; its parsed output. */
function cliCheck(cli: string, dir: string): Promise<{ file: string; line: number; column: number; code: string; severity: string; message: string }[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, 'check', dir, '--format', 'json'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    let out = '', err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      // 0: clean, 1: errors found; 2: a problem
      if (code !== 0 && code !== 1) reject(new Error(`paging-layout check exited ${code}: ${err}`));
      else { try { resolve(JSON.parse(out)); } catch (e) { reject(new Error(`not JSON (${(e as Error).message}): ${out.slice(0, 300)} ${err}`)); } }
    });
  });
}

suite('Check Workspace in workers', () => {
  test('its findings on a folder of closed files are those of `paging-layout check` on the folder', async function () {
    this.timeout(120_000);
    const ext = await waitForActivation();
    const dir = path.join(examplesRoot().fsPath, 'wscheck');
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    for (const d of vscode.workspace.textDocuments) assert.ok(!d.uri.fsPath.startsWith(dir + path.sep), `${d.uri.fsPath} is open`);
    const r = await vscode.commands.executeCommand<{ files: number; findings: number; cancelled: boolean; workers?: number }>('pagingLayout.checkWorkspace');
    assert.ok(r && !r.cancelled && r.files >= Object.keys(FILES).length, JSON.stringify(r));
    assert.ok((r.workers ?? 0) >= 1, `the files were checked in worker threads: ${JSON.stringify(r)}`);

    const key = (file: string, line: number, column: number, code: string, severity: string, message: string) =>
      `${path.relative(dir, file).split(path.sep).join('/')}:${line}:${column} ${severity} ${code} ${message}`;
    const expected = (await cliCheck(path.join(ext.extensionPath, 'dist', 'cli.js'), dir)).map((f) => key(path.resolve(dir, f.file), f.line, f.column, f.code, f.severity, f.message)).sort();
    const got: string[] = [];
    for (const rel of Object.keys(FILES)) {
      const uri = vscode.Uri.file(path.join(dir, rel));
      for (const d of vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'paging-layout')) {
        const code = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
        got.push(key(uri.fsPath, d.range.start.line + 1, d.range.start.character + 1, code, SEVERITY[d.severity], d.message));
      }
    }
    got.sort();
    // the fixture exercises what a check of single files would get wrong: values from an included header, a suppression, PL000
    assert.ok(expected.length >= 6, expected.join('\n'));
    assert.ok(expected.some((e) => e.startsWith('sub/use.c:') && e.includes('REGION_END')), expected.join('\n'));
    assert.ok(expected.some((e) => / PL000 /.test(e)) && !expected.some((e) => e.includes('QUIET_VADDR')), expected.join('\n'));
    assert.deepStrictEqual(got, expected);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
