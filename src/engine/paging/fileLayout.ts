// The layout a file is decoded with. The active layout, unless the file belongs to another
// architecture: a path under `arch/<A>/` whose A is not the active layout's gets A's preset (an
// `arch/arm64/` header is never read against x86-64), or the kernel build of the file says which
// mode it is built for. Pure: paths and ids in, an id and a reason out.
import { Layout } from './types';
import { findLayout } from './layouts';
import { modeOf } from './decode';
import { isFirmwareNeutral, LINUX_ARCH } from './treeKind';

/** The kernel's architecture directory of a paging mode's architecture. */
const ARCH_DIR: Record<string, string> = { x86_64: 'x86', x86_32: 'x86', arm64: 'arm64', riscv64: 'riscv' };

/** Directories of older trees that are one of today's (`arch/x86_64`, `arch/i386` before 2.6.24). */
const OLD_ARCH_DIR: Record<string, string> = { x86_64: 'x86', i386: 'x86' };

/** `arch/<A>/` of a path (the kernel's source tree layout), as today's directory name, or undefined. */
export function archDirOf(file: string): string | undefined {
  const d = /(?:^|\/)arch\/([A-Za-z0-9_]+)\//.exec(file.replace(/\\/g, '/'))?.[1];
  return d === undefined ? undefined : OLD_ARCH_DIR[d] ?? d;
}

/** The kernel architecture directory of a layout (`x86`, `arm64`, `riscv`). */
export function archDirOfLayout(layout: Layout): string | undefined {
  return ARCH_DIR[modeOf(layout).arch];
}


/** A kernel build the file belongs to: its architecture directory and the preset of its paging mode. */
export interface BuildLayout {
  arch: string;
  /** The preset of the build's mode (undefined when no preset has it: the active layout then stays). */
  layoutId?: string;
  /** Why (`CONFIG_ARM64_PAGE_SHIFT=16, CONFIG_ARM64_VA_BITS=52`). */
  because: string;
}

export interface FileLayoutChoice {
  layout: Layout;
  /** Set when the file's layout is not the active one, saying why. */
  reason?: string;
}

/**
 * The layout of a file. `explicit`: the user chose the active layout (a setting or a workspace layout
 * file): a build then does not replace it, but a file of another architecture still gets that
 * architecture's layout (the chosen one cannot describe it).
 */
export function layoutForFile(file: string | undefined, active: Layout, opts: { build?: BuildLayout; explicit?: boolean } = {}): FileLayoutChoice {
  // The firmware-neutral view and a hypervisor's layout describe their own trees (U-Boot's arch/riscv, Xen's arch/arm).
  if (isFirmwareNeutral(active) || /^xen-/.test(active.id)) return { layout: active };
  const dir = file ? archDirOf(file) : undefined;
  const activeArch = archDirOfLayout(active);
  const { build } = opts;
  const ofBuild = build && (dir === undefined || dir === build.arch);
  if (ofBuild && build.layoutId && !opts.explicit && build.layoutId !== active.id) {
    const l = findLayout(build.layoutId);
    if (l && archDirOfLayout(l) === build.arch) return { layout: l, reason: `the kernel build's configuration (${build.because})` };
  }
  if (dir && activeArch && dir !== activeArch && LINUX_ARCH[dir]) {
    // Another architecture's file: its build's preset when the build is of that architecture, else the architecture's own.
    const id = ofBuild && build.layoutId ? build.layoutId : LINUX_ARCH[dir];
    const l = findLayout(id);
    if (l) return { layout: l, reason: ofBuild && build.layoutId ? `a file under arch/${dir}/, built with ${build.because}` : `a file under arch/${dir}/ (the active layout ${active.id} is of another architecture)` };
  }
  return { layout: active };
}
