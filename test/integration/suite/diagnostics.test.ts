// Diagnostics PL001–PL009 and their quick fixes in the extension host: the Problems data
// (vscode.languages.getDiagnostics), related information of an overlap, each fix applied through
// vscode.executeCodeActionProvider + applyEdit, undo, settings and Check Workspace.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { examplesRoot, setSetting, waitFor, waitForActivation } from './helpers';

const FIXTURE = [
  '/* Fixture for the Paging Layout rules: one mistake per rule (layout linux-x86_64-2.6.27). */',
  '#define SCRATCH_VADDR\t\t_AC(0xffff7fffffff0000, UL)',
  '#define DIRECT_MAP_BASE\t\t_AC(0xffff88000000000, UL)',
  '#define DIRECT_MAP_END\t\t_AC(0xffffc0ffffffffff, UL)',
  '#define DEBUG_AREA_START\t_AC(0xffffc90000000000, UL)',
  '#define DEBUG_AREA_END\t\t_AC(0xffffc90040000000, UL)',
  '#define TRACE_BUF_START\t\t_AC(0xffffc90020000000, UL)',
  '#define TRACE_BUF_END\t\t_AC(0xffffc90060000000, UL)',
  '#define PERCPU_AREA_START\t_AC(0xffffe20000000800, UL)',
  '#define EARLY_MAP_START\t\t_AC(0xffff810000000000, UL)',
  '#define CRASH_PHYS_BASE\t\t_AC(0x0020000000000000, ULL)',
  '#define SWAP_AREA_START\t\t_AC(0xffffe00000000000, UL)',
  '#define SWAP_AREA_END\t\t_AC(0xffffd00000000000, UL)',
  '#define HUGE_WINDOW_BASE\t0x1ffff800000000000',
  '#define USER_STACK_TOP\t\t_AC(0xffff900000000000, UL)',
  '#define __START_KERNEL_map\t_AC(0x0000000080000000, UL)',
  '',
].join('\n');

const CLEAN = [
  '#define __PAGE_OFFSET\t\t_AC(0xffff880000000000, UL)',
  '#define PTE_PFN_MASK\t\t_AC(0x000ffffffffff000, ULL)',
  '#define POISON_POINTER_DELTA\t_AC(0xdead000000000000, UL)',
  '#define GOLDEN_RATIO_64\t\t0x61C8864680B583EBull',
  '#define VMALLOC_START\t\t_AC(0xffffc20000000000, UL)',
  '#define VMALLOC_END\t\t_AC(0xffffe1ffffffffff, UL)',
  '',
].join('\n');

async function writeDoc(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(examplesRoot(), 'diag', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'paging-layout');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

async function diagnosticsOf(doc: vscode.TextDocument, atLeast: number): Promise<vscode.Diagnostic[]> {
  return waitFor(`${atLeast} paging-layout diagnostics on ${doc.uri.path}`, () => {
    const d = ours(doc.uri);
    return d.length >= atLeast ? d : undefined;
  });
}

function lineOf(doc: vscode.TextDocument, needle: string): number {
  const l = doc.getText().split('\n').findIndex((x) => x.includes(needle));
  assert.ok(l >= 0, needle);
  return l;
}

async function quickFixes(doc: vscode.TextDocument, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  return (all ?? []).filter((a) => a.kind?.value === 'quickfix' && a.edit);
}

suite('Diagnostics and quick fixes', () => {
  let restoreLayout: () => Promise<void>;
  suiteSetup(async () => {
    await waitForActivation();
    restoreLayout = await setSetting('layout', 'linux-x86_64-2.6.27');
  });
  suiteTeardown(async () => {
    await restoreLayout();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Leave the workspace as it was: later suites derive the workspace layout from every header in it.
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(examplesRoot(), 'diag'), { recursive: true, useTrash: false });
  });

  test('each rule fires on its line, with a code linking to docs/rules.md', async () => {
    const doc = await writeDoc('rules.h', FIXTURE);
    const diags = await diagnosticsOf(doc, 10);
    const expect: [string, string][] = [
      ['SCRATCH_VADDR', 'PL001'], ['DIRECT_MAP_BASE', 'PL002'], ['TRACE_BUF_START', 'PL003'], ['PERCPU_AREA_START', 'PL004'],
      ['EARLY_MAP_START', 'PL005'], ['CRASH_PHYS_BASE', 'PL006'], ['SWAP_AREA_END', 'PL007'], ['HUGE_WINDOW_BASE', 'PL008'],
      ['USER_STACK_TOP', 'PL009'], ['__START_KERNEL_map', 'PL009'],
    ];
    for (const [name, code] of expect) {
      const at = diags.filter((d) => d.range.start.line === lineOf(doc, name)).map(codeOf);
      assert.deepStrictEqual(at, [code], `${name}: ${at}`);
    }
    const d = diags.find((x) => codeOf(x) === 'PL007')!;
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(typeof d.code === 'object' && d.code.target.path.endsWith('docs/rules.md') && d.code.target.fragment === 'pl007');
  });

  test('an overlap carries related information pointing at the other definition', async () => {
    const doc = await writeDoc('rules.h', FIXTURE);
    const d = (await diagnosticsOf(doc, 10)).find((x) => codeOf(x) === 'PL003')!;
    assert.ok(d.relatedInformation && d.relatedInformation.length >= 1);
    assert.strictEqual(d.relatedInformation[0].location.uri.toString(), doc.uri.toString());
    assert.strictEqual(d.relatedInformation[0].location.range.start.line, lineOf(doc, 'DEBUG_AREA_START'));
    assert.match(d.relatedInformation[0].message, /DEBUG_AREA_START/);
  });

  test('a clean kernel-style header gives no diagnostics', async () => {
    const doc = await writeDoc('clean.h', CLEAN);
    await new Promise((r) => setTimeout(r, 800));
    assert.deepStrictEqual(ours(doc.uri).map((d) => d.message), []);
  });

  test('canonicalize quick fix (PL001) applies and undoes', async () => {
    const doc = await writeDoc('fix1.h', FIXTURE);
    const d = (await diagnosticsOf(doc, 10)).find((x) => codeOf(x) === 'PL001')!;
    const fix = (await quickFixes(doc, d)).find((a) => /Canonicalize/.test(a.title));
    assert.ok(fix, 'a Canonicalize action');
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.match(doc.lineAt(d.range.start.line).text, /_AC\(0x00007fffffff0000, UL\)/);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo to restore the literal', () => /0xffff7fffffff0000/.test(doc.lineAt(d.range.start.line).text));
  });

  test('digit-count typo (PL002): one quick fix per candidate, the first applied', async () => {
    const doc = await writeDoc('fix2.h', FIXTURE);
    const d = (await diagnosticsOf(doc, 10)).find((x) => codeOf(x) === 'PL002')!;
    const fixes = await quickFixes(doc, d);
    assert.ok(fixes.length >= 2, fixes.map((f) => f.title).join(', '));
    assert.ok(fixes[0].isPreferred);
    assert.ok(await vscode.workspace.applyEdit(fixes[0].edit!));
    assert.match(doc.lineAt(d.range.start.line).text, /_AC\(0xffff880000000000, UL\)/);
    await waitFor('PL002 to go away after the fix', () => !ours(doc.uri).some((x) => codeOf(x) === 'PL002'));
  });

  test('a GNU as immediate one digit from the direct-map base (PL001): the candidate named, its fix applied', async () => {
    const doc = await writeDoc('head_64.S', '\t.text\n\tmovabsq $0xfff8880000000000, %rdx\n\tmovabsq $0x00ff000000000000, %rax\n');
    const diags = await diagnosticsOf(doc, 1);
    assert.deepStrictEqual(diags.map((d) => [codeOf(d), d.range.start.line]), [['PL001', 1]]);
    assert.match(diags[0].message, /one digit from 0xffff_?8800_?0000_?0000 \(direct map/i);
    const fixes = await quickFixes(doc, diags[0]);
    assert.ok(fixes[0]?.isPreferred, fixes.map((f) => f.title).join(', '));
    assert.ok(await vscode.workspace.applyEdit(fixes[0].edit!));
    assert.match(doc.lineAt(1).text, /movabsq \$0xffff880000000000, %rdx/);
    await waitFor('PL001 to go away after the fix', () => ours(doc.uri).length === 0);
  });

  test('conversions between 0x…, _AC(…, UL), a shift and a size form', async () => {
    const doc = await writeDoc('convert.h', '#define KERNEL_IMAGE_SIZE\t(512 * 1024 * 1024)\n#define HOLE_START\t0xffff800000000000UL\n#define IMAGE_BYTES\t0x40000000\n');
    const actionsAt = async (needle: string) => {
      const pos = doc.positionAt(doc.getText().indexOf(needle) + 3);
      return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos), vscode.CodeActionKind.RefactorRewrite.value)) ?? [];
    };
    let a = await actionsAt('0xffff800000000000UL');
    const titles = a.map((x) => x.title);
    assert.ok(titles.includes('Convert to _AC(0xffff800000000000, UL)'), titles.join(', '));
    assert.ok(titles.includes('Convert to (-1UL << 47)'), titles.join(', '));
    assert.ok(await vscode.workspace.applyEdit(a.find((x) => x.title.startsWith('Convert to _AC'))!.edit!));
    assert.strictEqual(doc.lineAt(1).text, '#define HOLE_START\t_AC(0xffff800000000000, UL)');
    a = await actionsAt('_AC(0xffff800000000000, UL)');
    assert.ok(await vscode.workspace.applyEdit(a.find((x) => x.title === 'Convert to (-1UL << 47)')!.edit!));
    assert.strictEqual(doc.lineAt(1).text, '#define HOLE_START\t(-1UL << 47)');
    a = await actionsAt('0x40000000');
    assert.ok(await vscode.workspace.applyEdit(a.find((x) => x.title === 'Convert to SZ_1G')!.edit!));
    assert.strictEqual(doc.lineAt(2).text, '#define IMAGE_BYTES\tSZ_1G');
    a = await actionsAt('SZ_1G');
    assert.ok(await vscode.workspace.applyEdit(a.find((x) => x.title === 'Convert to 0x40000000UL')!.edit!));
    assert.strictEqual(doc.lineAt(2).text, '#define IMAGE_BYTES\t0x40000000UL');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo of the last conversion', () => doc.lineAt(2).text === '#define IMAGE_BYTES\tSZ_1G');
  });

  test('Decode and Show on map actions carry the address', async () => {
    const doc = await writeDoc('actions.h', '#define EARLY_MAP_START\t_AC(0xffff810000000000, UL)\n');
    const pos = doc.positionAt(doc.getText().indexOf('0xffff81') + 4);
    const all = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos))) ?? [];
    const decode = all.find((a) => a.command?.command === 'pagingLayout.decodeAddress');
    assert.ok(decode, all.map((a) => a.title).join(', '));
    const r = await vscode.commands.executeCommand<any>(decode.command!.command, ...(decode.command!.arguments ?? []), { show: false });
    assert.strictEqual(r.slot, 258);
    const map = all.find((a) => a.command?.command === 'pagingLayout.showMap');
    assert.ok(map);
    assert.strictEqual(map.command!.arguments![0].address, '0xffff810000000000');
  });

  test('a severity setting turns a rule off and changes another', async () => {
    const doc = await writeDoc('settings.h', FIXTURE);
    await diagnosticsOf(doc, 10);
    const r1 = await setSetting('rules.PL005', 'off');
    const r2 = await setSetting('rules.PL001', 'error');
    try {
      await waitFor('PL005 off and PL001 an error', () => {
        const d = ours(doc.uri);
        return !d.some((x) => codeOf(x) === 'PL005') && d.find((x) => codeOf(x) === 'PL001')?.severity === vscode.DiagnosticSeverity.Error;
      });
    } finally { await r1(); await r2(); }
    await waitFor('PL005 back', () => ours(doc.uri).some((x) => codeOf(x) === 'PL005'));
  });

  test('inline suppressions: a covered finding is left out, one without a reason is PL000 and not applied, as in check', async () => {
    const text = [
      '#define SCRATCH_VADDR\t_AC(0xffff7fffffff0000, UL) /* paging-layout: ignore PL001 -- guest-physical window of the board */',
      '/* paging-layout: ignore PL005 */',
      '#define EARLY_MAP_START\t_AC(0xffff810000000000, UL)',
      '#define CRASH_PHYS_BASE\t_AC(0x0020000000000000, ULL)',
      '',
    ].join('\n');
    const doc = await writeDoc('suppressed.h', text);
    const diags = await diagnosticsOf(doc, 3);
    const at = (needle: string) => diags.filter((d) => d.range.start.line === lineOf(doc, needle)).map(codeOf).sort();
    assert.deepStrictEqual(at('SCRATCH_VADDR'), [], 'PL001 is suppressed with a reason');
    assert.deepStrictEqual(at('ignore PL005'), ['PL000'], 'a suppression without a reason is reported');
    assert.match(diags.find((d) => codeOf(d) === 'PL000')!.message, /has no reason/);
    assert.deepStrictEqual(at('EARLY_MAP_START'), ['PL005'], 'and not applied');
    assert.deepStrictEqual(at('CRASH_PHYS_BASE'), ['PL006']);
    // PL000's own severity setting.
    const restore = await setSetting('rules.PL000', 'off');
    try {
      await waitFor('PL000 off', () => { const d = ours(doc.uri); return d.length > 0 && !d.some((x) => codeOf(x) === 'PL000') ? d : undefined; });
      assert.ok(ours(doc.uri).some((x) => codeOf(x) === 'PL005'), 'the suppression still does not take effect');
    } finally { await restore(); }
    // Editing the reason in makes the suppression apply.
    const ed = await vscode.window.showTextDocument(doc);
    const l = lineOf(doc, 'ignore PL005');
    await ed.edit((e) => e.replace(new vscode.Range(l, 0, l, doc.lineAt(l).text.length), '/* paging-layout: ignore PL005 -- early mapping owned by the hypervisor */'));
    await waitFor('PL005 suppressed after the edit', () => { const d = ours(doc.uri); return d.length === 1 && codeOf(d[0]) === 'PL006' ? d : undefined; });
  });

  test('the layout decides: PL005 disappears under linux-x86_64-2.6.26 (direct map at slot 258)', async () => {
    const doc = await writeDoc('layout.h', '#define EARLY_MAP_START\t_AC(0xffff810000000000, UL)\n');
    await diagnosticsOf(doc, 1);
    const restore = await setSetting('layout', 'linux-x86_64-2.6.26');
    try {
      await waitFor('PL005 to go away under linux-x86_64-2.6.26', () => ours(doc.uri).every((x) => codeOf(x) !== 'PL005'));
    } finally { await restore(); }
  });

  test('typing is debounced and closing a document clears its diagnostics', async () => {
    const doc = await writeDoc('typing.h', '#define A_START 0xffffc90000000000UL\n');
    const ed = await vscode.window.showTextDocument(doc);
    await ed.edit((e) => e.insert(new vscode.Position(1, 0), '#define B_VADDR 0xffff7fffffff0000UL\n'));
    await diagnosticsOf(doc, 1);
    await doc.save();
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('diagnostics cleared on close', () => ours(doc.uri).length === 0, 20_000);
  });

  test('Check Workspace fills the Problems data for files that are not open', async () => {
    const uri = vscode.Uri.joinPath(examplesRoot(), 'diag', 'closed.h');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('#define LOST_VADDR 0xffff7fffffff0000UL\n'));
    const r = await vscode.commands.executeCommand<{ files: number; findings: number }>('pagingLayout.checkWorkspace');
    assert.ok(r.files >= 2 && r.findings >= 1, JSON.stringify(r));
    assert.deepStrictEqual(ours(uri).map(codeOf), ['PL001']);
  });
});
