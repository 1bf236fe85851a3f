// The kind of a source tree decides the layout when the user has not chosen one: a Xen tree is read
// with Xen's layout, firmware and emulator trees with the firmware-neutral view, a Linux tree with the
// preset for its architecture. Pure: the caller says which paths exist (and, for a Linux `.config`,
// what a small file holds); nothing here touches a file system.
import { getMode } from './modes';
import { Layout } from './types';

export type TreeKind = 'xen' | 'xen-public' | 'linux' | 'edk2' | 'u-boot' | 'coreboot' | 'seabios' | 'grub' | 'ipxe' | 'tf-a' | 'opensbi' | 'qemu';

/** What a tree is for, as far as the layout is concerned. */
export type TreeFamily = 'hypervisor' | 'kernel' | 'firmware' | 'emulator';

export interface TreeProbe {
  /** Whether a path relative to the tree's root exists (a file or a directory; `/`-separated). */
  exists(rel: string): boolean;
  /** The text of a small file relative to the root (used for a Linux `.config`), or undefined. */
  read?(rel: string): string | undefined;
}

export interface TreeInference {
  kind: TreeKind;
  family: TreeFamily;
  /** The layout to use: a preset id, or FIRMWARE_NEUTRAL_ID. */
  layoutId: string;
  /** One sentence saying what was found and what follows (`Xen tree: xen/arch/x86 and xen/include/public found`). */
  reason: string;
  /** A Linux tree's `.config` was found (its per-configuration layout comes from the kernel-build context). */
  config?: boolean;
}

/** Id of the firmware-neutral view (see firmwareNeutralLayout). */
export const FIRMWARE_NEUTRAL_ID = 'firmware-neutral';

/** Whether a layout is the firmware-neutral view (the rules then speak only where an address is certain). */
export function isFirmwareNeutral(layout: Layout): boolean {
  return layout.id === FIRMWARE_NEUTRAL_ID;
}

/**
 * The firmware-neutral view: firmware, boot loaders and emulators define physical, device, bus and
 * guest addresses of many machines, and run (if paged at all) identity-mapped, without a kernel/user
 * split, holes or a direct map. The view keeps only the architecture's canonical form: two canonical
 * halves and the hole between them, no guard or hypervisor hole, no user region. The rules read it as
 * "canonical-form checks only where an address is certain" (RuleOptions.neutral).
 */
export function firmwareNeutralLayout(modeId = 'x86_64-4level'): Layout {
  const mode = getMode(modeId);
  if (!mode || mode.addressBits !== 64 || mode.canonical !== 'sign-extend') throw new Error(`the firmware-neutral view needs a sign-extended 64-bit mode, not '${modeId}'`);
  const half = 1n << BigInt(mode.vaBits - 1);
  const top = (1n << 64n) - 1n;
  return {
    id: FIRMWARE_NEUTRAL_ID,
    title: `Firmware-neutral view (${mode.title})`,
    mode: mode.id,
    description: 'Firmware, boot loaders and emulators: no kernel/user split, no holes, no direct map. Only certain addresses (pointer casts, linker-script locations) are checked, for the canonical form.',
    source: [`The canonical-address rule of ${mode.title}.`],
    notes: ['Inferred for EDK II, U-Boot, coreboot, SeaBIOS, GRUB, iPXE, TF-A, OpenSBI and QEMU trees when no layout is chosen.'],
    regions: [
      { name: 'lower canonical half', start: 0n, end: half - 1n, kind: 'other', description: 'Identity-mapped firmware space: a virtual address here equals the physical address it maps.' },
      { name: 'non-canonical hole', start: half, end: top - half, kind: 'non-canonical', description: `Addresses whose bits 63..${mode.vaBits} differ from bit ${mode.vaBits - 1}: no CPU access can use them.` },
      { name: 'upper canonical half', start: top - half + 1n, end: top, kind: 'other', description: 'Canonical, but firmware rarely maps it.' },
    ],
    symbols: [],
    origin: 'builtin',
  };
}

/** A rule of recognition: every path in `all` exists (or, with `any`, at least one of those too). */
interface Marker {
  kind: TreeKind;
  family: TreeFamily;
  name: string;
  all: string[];
  any?: string[];
}

const MARKERS: Marker[] = [
  { kind: 'xen', family: 'hypervisor', name: 'Xen tree', all: ['xen/arch/x86', 'xen/include/public'] },
  { kind: 'xen', family: 'hypervisor', name: "Xen's hypervisor directory", all: ['arch/x86', 'include/public', 'common'], any: ['Rules.mk', 'xsm'] },
  { kind: 'xen-public', family: 'hypervisor', name: "Xen's public headers", all: ['arch-x86', 'xen.h', 'memory.h'] },
  { kind: 'qemu', family: 'emulator', name: 'QEMU tree', all: ['hw', 'target'], any: ['qemu-options.hx', 'softmmu', 'accel', 'system'] },
  { kind: 'u-boot', family: 'firmware', name: 'U-Boot tree', all: ['board', 'cmd', 'include/configs'] },
  { kind: 'edk2', family: 'firmware', name: 'EDK II tree', all: ['MdePkg', 'MdeModulePkg'] },
  { kind: 'coreboot', family: 'firmware', name: 'coreboot tree', all: ['src/mainboard', 'src/arch'] },
  { kind: 'seabios', family: 'firmware', name: 'SeaBIOS tree', all: ['src/fw', 'vgasrc'] },
  { kind: 'grub', family: 'firmware', name: 'GRUB tree', all: ['grub-core', 'include/grub'] },
  { kind: 'ipxe', family: 'firmware', name: 'iPXE tree', all: ['src/include/ipxe'] },
  { kind: 'ipxe', family: 'firmware', name: "iPXE's src directory", all: ['include/ipxe', 'arch'] },
  { kind: 'tf-a', family: 'firmware', name: 'Trusted Firmware-A tree', all: ['bl31', 'plat'] },
  { kind: 'opensbi', family: 'firmware', name: 'OpenSBI tree', all: ['lib/sbi', 'platform'] },
  { kind: 'linux', family: 'kernel', name: 'Linux tree', all: ['Kbuild', 'kernel', 'mm', 'include/linux', 'arch'] },
];

/** The preset of an architecture directory when nothing says more (the mode every CPU of it has, or the common one). */
export const LINUX_ARCH: Readonly<Record<string, string>> = {
  x86: 'linux-x86_64-4level', x86_64: 'linux-x86_64-4level', i386: 'linux-x86_32', arm64: 'linux-arm64-4k-48bit', riscv: 'linux-riscv64-sv39',
};

/** `CONFIG_X=y` lines of a `.config` (values as written). */
function configOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

/** The preset for a Linux `.config` (architecture, page size, VA bits) and the options that chose it. */
function linuxConfigLayout(cfg: Map<string, string>): { layoutId?: string; because: string } {
  const on = (n: string) => cfg.get(n) === 'y';
  if (on('CONFIG_X86_64')) return { layoutId: 'linux-x86_64-4level', because: on('CONFIG_X86_5LEVEL') ? 'CONFIG_X86_64 (CONFIG_X86_5LEVEL: 5-level paging only on CPUs with LA57; the 4-level layout)' : 'CONFIG_X86_64' };
  if (on('CONFIG_X86_32') || on('CONFIG_X86')) return on('CONFIG_X86_PAE') ? { layoutId: 'linux-x86_32-pae', because: 'CONFIG_X86_32, CONFIG_X86_PAE' } : { layoutId: 'linux-x86_32', because: 'CONFIG_X86_32' };
  if (on('CONFIG_ARM64')) {
    const va = ['52', '48', '47', '42', '39', '36'].find((b) => on(`CONFIG_ARM64_VA_BITS_${b}`));
    const page = on('CONFIG_ARM64_64K_PAGES') ? '64k' : on('CONFIG_ARM64_16K_PAGES') ? '16k' : '4k';
    const id = `linux-arm64-${page}-${va ?? '48'}bit`;
    const known = ['linux-arm64-4k-39bit', 'linux-arm64-4k-48bit', 'linux-arm64-64k-42bit', 'linux-arm64-64k-48bit', 'linux-arm64-64k-52bit'];
    if (known.includes(id)) return { layoutId: id, because: `CONFIG_ARM64, ${page.toUpperCase()} pages, ${va ?? '48'}-bit VA` };
    return { layoutId: 'linux-arm64-4k-48bit', because: `CONFIG_ARM64 (${page.toUpperCase()} pages, ${va ?? '?'}-bit VA has no preset; the 4K/48-bit one)` };
  }
  if (on('CONFIG_RISCV') && on('CONFIG_64BIT')) return { layoutId: 'linux-riscv64-sv39', because: 'CONFIG_RISCV, CONFIG_64BIT (Sv39, the mode every RV64 MMU has; the kernel may pick Sv48 or Sv57 at boot)' };
  const arch = [...cfg.keys()].find((k) => /^CONFIG_(?:PPC|S390|MIPS|SPARC|ARM|LOONGARCH|PARISC|ALPHA|M68K|SUPERH|XTENSA|OPENRISC|CSKY|HEXAGON|MICROBLAZE|NIOS2|ARC|UML)$/.test(k) && on(k));
  return { because: arch ? `${arch}, an architecture without a preset` : 'no architecture recognised in it' };
}

/**
 * Recognise a tree from its top-level paths. `within` is the checked path relative to the root
 * (`arch/arm64/kernel`), when it is below it: a Linux check inside `arch/<arch>/` takes that
 * architecture's preset when there is no `.config`. Undefined when the tree is of no known kind.
 */
export function inferTreeKind(probe: TreeProbe, within = ''): TreeInference | undefined {
  const marker = MARKERS.find((m) => m.all.every((p) => probe.exists(p)) && (!m.any || m.any.some((p) => probe.exists(p))));
  if (!marker) return undefined;
  const found = [...marker.all, ...(marker.any ? [marker.any.find((p) => probe.exists(p))!] : [])].join(', ').replace(/, ([^,]*)$/, ' and $1');
  if (marker.family === 'hypervisor') {
    return { kind: marker.kind, family: marker.family, layoutId: 'xen-x86_64', reason: `${marker.name}: ${found} found` };
  }
  if (marker.family !== 'kernel') {
    const what = marker.family === 'emulator' ? 'an emulator, whose addresses are guest and device addresses' : 'firmware, whose addresses are physical, device or identity-mapped';
    return { kind: marker.kind, family: marker.family, layoutId: FIRMWARE_NEUTRAL_ID, reason: `${marker.name}: ${found} found; ${what}: canonical form of certain addresses only` };
  }
  const text = probe.exists('.config') ? probe.read?.('.config') : undefined;
  if (text !== undefined) {
    const c = linuxConfigLayout(configOf(text));
    const layoutId = c.layoutId ?? 'linux-x86_64-4level';
    return { kind: 'linux', family: 'kernel', layoutId, config: true, reason: `${marker.name}: ${found} found; .config found (${c.because})${c.layoutId ? '' : ', so the default layout'}` };
  }
  const arch = /^arch\/([^/]+)/.exec(within.replace(/\\/g, '/'))?.[1];
  if (arch && LINUX_ARCH[arch]) {
    return { kind: 'linux', family: 'kernel', layoutId: LINUX_ARCH[arch], reason: `${marker.name}: ${found} found; no .config, the files are under arch/${arch}` };
  }
  return { kind: 'linux', family: 'kernel', layoutId: 'linux-x86_64-4level', reason: `${marker.name}: ${found} found; no .config, so the default layout` + (arch ? ` (arch/${arch} has no preset)` : '') };
}

/**
 * Recognise the tree a path belongs to: the path itself when it is a directory, then each parent
 * (up to `maxUp` levels). `exists` and `read` take absolute `/`-separated paths; `isDirectory` tells a
 * directory from a file. The result names the tree's root.
 */
export function inferTreeKindOf(
  absPath: string,
  fsProbe: { exists(p: string): boolean; isDirectory(p: string): boolean; read?(p: string): string | undefined },
  maxUp = 8,
): (TreeInference & { root: string }) | undefined {
  let p = absPath.replace(/\\/g, '/').replace(/\/+$/, '') || '/';
  const start = p;
  if (!fsProbe.isDirectory(p)) p = p.slice(0, p.lastIndexOf('/')) || '/';
  for (let i = 0; i <= maxUp; i++) {
    const root = p;
    const join = (rel: string) => (root === '/' ? '/' : root + '/') + rel;
    const within = start.length > root.length && start.startsWith(root === '/' ? '/' : root + '/') ? start.slice(root === '/' ? 1 : root.length + 1) : '';
    const r = inferTreeKind({ exists: (rel) => fsProbe.exists(join(rel)), read: fsProbe.read ? (rel) => fsProbe.read!(join(rel)) : undefined }, within);
    if (r) return { ...r, root };
    if (root === '/' || !root.includes('/')) return undefined;
    p = root.slice(0, root.lastIndexOf('/')) || '/';
  }
  return undefined;
}
