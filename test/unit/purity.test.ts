// The engine must stay free of the vscode module: the CLI and these tests run it without VS Code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

const ENGINE = path.resolve(__dirname, '../../../src/engine');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

test('no file under src/engine imports vscode', () => {
  const files = sources(ENGINE);
  assert.ok(files.length >= 5, `found ${files.length} engine files`);
  const offenders = files.filter((f) => /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('outside src/engine, the engine is imported only through its folders\' index files', () => {
  const SRC = path.resolve(__dirname, '../../../src');
  const outer = sources(SRC).filter((f) => !f.startsWith(ENGINE + path.sep));
  assert.ok(outer.length >= 10, `found ${outer.length} files outside the engine`);
  const deep = /from\s+['"](?:\.\.?\/)+engine\/(?:paging|source|rules|map)\/[^'"]+['"]/;
  const offenders = outer.filter((f) => deep.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(SRC, f));
  assert.deepEqual(offenders, []);
});

test('each engine folder has an index.ts', () => {
  const folders = fs.readdirSync(ENGINE, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  assert.deepEqual(folders, ['map', 'paging', 'rules', 'source']);
  for (const f of folders) assert.ok(fs.existsSync(path.join(ENGINE, f, 'index.ts')), `${f}/index.ts`);
});
