// Sizes the analysis and the rules share, named once.

/**
 * Below this a gap, a process's growth or a kernel part is noise between two machines: other
 * programs come and go by tens of MB on a real pair (see test/fixtures/gap/README.md).
 */
export const MATTERS_KIB = 16 * 1024
