/**
 * Path safety for archive members (tar and zip alike).
 *
 * Archive member names are attacker-controlled. memgap never writes members to disk, but the
 * names end up in storage keys, reports and the classifier, so every name is normalised to one
 * canonical relative form, and anything that could escape a root or be read differently by
 * another tool is refused outright rather than "repaired".
 */

/** A Windows drive prefix: `C:`, `c:\`, `C:/`, also the drive-relative `C:foo`. */
const DRIVE = /^[A-Za-z]:/

/**
 * Normalise an archive member name to a relative, '/'-separated path, or return null when it is
 * unsafe or empty.
 *
 * Accepted and normalised:
 * - leading `./` (any number) is stripped: `./proc/meminfo` -> `proc/meminfo`
 * - empty segments (`a//b`) and `.` segments (`a/./b`) are dropped
 * - a trailing `/` (directory names) is dropped
 *
 * Rejected (null):
 * - empty names, and names that normalise to nothing (`.`, `./`, `//`)
 * - NUL bytes anywhere
 * - absolute paths (`/etc/passwd`), UNC / root-relative Windows paths (`\\server\x`, `\x`)
 * - drive letters (`C:\x`, `C:/x`, `C:x`)
 * - any `..` segment, whether separated by `/` or by `\` (`a/../b`, `..\..\x`, `a\..\b`)
 *
 * A backslash that is not part of a `..` segment or a leading root is kept as an ordinary
 * character (it is legal in POSIX file names), so `dir\file` stays `dir\file`.
 */
export function safePath(raw: string): string | null {
  if (raw.length === 0) return null
  if (raw.includes('\0')) return null
  if (raw.startsWith('/') || raw.startsWith('\\')) return null
  if (DRIVE.test(raw)) return null

  const out: string[] = []
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue
    // `..` is refused both as a '/'-segment and as a '\'-segment (Windows-made archives).
    for (const sub of seg.split('\\')) {
      if (sub === '..') return null
    }
    out.push(seg)
  }
  if (out.length === 0) return null
  const path = out.join('/')
  // Checked again once `./` and empty segments are gone: `./C:/x` and `.//\\srv\x` are absolute too.
  if (path.startsWith('\\') || DRIVE.test(path)) return null
  return path
}
