// The editor side's shape, read from the source files: every feature is one file with
// register(ctx) composed only by extension.ts, no feature imports another, no module holds mutable
// state of its own, settings are read in one place, and what the features say (src/present) needs no VS Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../../src');
const FEATURES = path.join(SRC, 'features');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** Module specifiers of a file's imports and re-exports (static and dynamic, and require()). */
function imports(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) out.push(n.moduleReference.expression.text);
    if (ts.isCallExpression(n) && (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))
      && n.arguments.length === 1 && ts.isStringLiteralLike(n.arguments[0])) out.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The file an import resolves to (for relative specifiers), without extension. */
function resolved(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const p = path.resolve(path.dirname(from), spec);
  return fs.existsSync(p + '.ts') ? p : fs.existsSync(path.join(p, 'index.ts')) ? path.join(p, 'index') : p;
}

const rel = (f: string) => path.relative(SRC, f);
const featureFiles = () => sources(FEATURES);

test('every file in src/features exports register(ctx: PagingContext)', () => {
  const files = featureFiles();
  assert.ok(files.length >= 7, `found ${files.length} feature files`);
  const missing = files.filter((f) => {
    const sf = parse(f);
    return !sf.statements.some((s) => ts.isFunctionDeclaration(s) && s.name?.text === 'register'
      && s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      && s.parameters.length === 1 && s.parameters[0].type?.getText(sf) === 'PagingContext');
  });
  assert.deepEqual(missing.map(rel), []);
});

test('no feature imports another feature, and only extension.ts imports the features', () => {
  const offenders: string[] = [];
  for (const f of sources(SRC)) {
    for (const spec of imports(parse(f))) {
      const target = resolved(f, spec);
      if (!target || !target.startsWith(FEATURES + path.sep)) continue;
      if (rel(f) !== 'extension.ts') offenders.push(`${rel(f)} imports ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('extension.ts registers every feature', () => {
  const sf = parse(path.join(SRC, 'extension.ts'));
  const imported = new Set(imports(sf).map((s) => resolved(path.join(SRC, 'extension.ts'), s)).filter((t): t is string => !!t && t.startsWith(FEATURES)));
  const expected = featureFiles().map((f) => f.replace(/\.ts$/, ''));
  assert.deepEqual([...imported].sort(), expected.sort());
});

/** Top-level `let`/`var`, and top-level constants holding a new object (a Map, a Set, a class instance): state shared by every user of the module. */
function moduleState(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const s of sf.statements) {
    if (!ts.isVariableStatement(s)) continue;
    const flags = s.declarationList.flags;
    for (const d of s.declarationList.declarations) {
      const name = d.name.getText(sf);
      if (!(flags & ts.NodeFlags.Const)) out.push(`${name} (${flags & ts.NodeFlags.Let ? 'let' : 'var'})`);
      else if (d.initializer && ts.isNewExpression(d.initializer)) out.push(`${name} (new ${d.initializer.expression.getText(sf)})`);
    }
  }
  return out;
}

test('no module-level mutable state in the features, the context and the presentation', () => {
  const files = [...featureFiles(), ...sources(path.join(SRC, 'context')), ...sources(path.join(SRC, 'present')), path.join(SRC, 'extension.ts')];
  const offenders = files.flatMap((f) => moduleState(parse(f)).map((x) => `${rel(f)}: ${x}`));
  assert.deepEqual(offenders, []);
  // The check finds what it looks for.
  const probe = ts.createSourceFile('probe.ts', 'let a = 1;\nconst b = new Map();\nconst c = 3;\n', ts.ScriptTarget.ES2022, true);
  assert.deepEqual(moduleState(probe), ['a (let)', 'b (new Map)']);
});

test('src/present has no vscode import (a language server can reuse it)', () => {
  const files = sources(path.join(SRC, 'present'));
  assert.ok(files.length >= 5, `found ${files.length} files`);
  const offenders = files.filter((f) => imports(parse(f)).includes('vscode')).map(rel);
  assert.deepEqual(offenders, []);
  const settings = path.join(SRC, 'context', 'settings.ts');
  assert.deepEqual(imports(parse(settings)).filter((s) => s === 'vscode'), [], 'context/settings.ts stays pure');
});

test('the pagingLayout settings are read only by src/context/configuration.ts', () => {
  const offenders = sources(SRC).filter((f) => rel(f) !== path.join('context', 'configuration.ts'))
    .filter((f) => /\bgetConfiguration\s*\(/.test(fs.readFileSync(f, 'utf8'))).map(rel);
  assert.deepEqual(offenders, []);
});

test('no spelled-out default layout or mode ids in the editor code', () => {
  const files = [...featureFiles(), ...sources(path.join(SRC, 'context')), ...sources(path.join(SRC, 'present')), path.join(SRC, 'extension.ts')];
  const offenders = files.filter((f) => /['"`](?:linux-x86_64-4level|x86_64-4level)['"`]/.test(fs.readFileSync(f, 'utf8'))).map(rel);
  assert.deepEqual(offenders, []);
});
