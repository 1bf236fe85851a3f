// What a fired build-time assertion says in the editor: at the assertion (the rule's message) and at a
// #define it reads, naming where the assertion is. Pure.
import { firedMessage } from '../engine/rules';
import type { AssertionSite } from '../engine/source';

/** `BUILD_BUG_ON(MODULES_VADDR < __START_KERNEL_map) at head64.c:479 fails the build with this definition of MODULES_VADDR: ...` */
export function assertionAtDefinitionText(site: AssertionSite, where: string, name: string, chain: readonly string[]): string {
  return `${firedMessage(site, chain).replace(' fails the build:', ` at ${where} fails the build with this definition of ${name}:`)}`;
}

/** The related information's text at the assertion. */
export function assertionRelatedText(site: AssertionSite): string {
  return `the ${site.kind} that fails`;
}

/** The related information's text at a #define the firing assertion reads. */
export function definitionRelatedText(name: string): string {
  return `${name} is defined here (the assertion reads it)`;
}
