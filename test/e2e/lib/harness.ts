// A tiny UI-test registry. Each test/e2e/*.test.ts file calls uiTest() at load time; the runner
// (test/e2e/run.ts) gives each file its own code-server (fresh settings, a fresh copy of
// examples/) and one browser page, then runs the file's tests in order on that page.
import type { Workbench } from './workbench';

export interface UiContext {
  wb: Workbench;
  /** Absolute path of the workspace (a temporary copy of examples/). */
  workspace: string;
  /** Absolute path of a file in the workspace. */
  file(rel: string): string;
}

export interface UiTest {
  file: string;
  name: string;
  fn: (ctx: UiContext) => Promise<void>;
}

export const registry: UiTest[] = [];
let currentFile = '';

export function setCurrentFile(f: string): void { currentFile = f; }

export function uiTest(name: string, fn: (ctx: UiContext) => Promise<void>): void {
  registry.push({ file: currentFile, name, fn });
}

export function assertIncludes(haystack: string, needle: string | RegExp, what: string): void {
  const ok = typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
  if (!ok) throw new Error(`${what}: expected ${needle} in:\n${haystack}`);
}

export function assertExcludes(haystack: string, needle: string | RegExp, what: string): void {
  const bad = typeof needle === 'string' ? haystack.includes(needle) : needle.test(haystack);
  if (bad) throw new Error(`${what}: did not expect ${needle} in:\n${haystack}`);
}
