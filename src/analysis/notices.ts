import type { ParsedBundle } from '../../schemas/bundle.ts'
import type { Warning } from '../../schemas/warning.ts'

// What the parsers noticed, brought to the diagnosis once per bundle and without noise: the
// files nobody understood in one line, and each file's problems once per kind (a ps with 23 odd
// rows is one warning that counts them, not 23).

const NAMED_FILES = 5 // unrecognised files named before "and N more"
const MAX_PER_BUNDLE = 20 // file problems kept per bundle; the rest are counted

export function bundleNotices(side: 'baseline' | 'suspect', bundle: ParsedBundle): Warning[] {
  const out: Warning[] = []
  const unknown = bundle.files.filter((f) => f.kind === 'unknown').map((f) => f.path)
  if (unknown.length) {
    const named = unknown.slice(0, NAMED_FILES).join(', ')
    const more = unknown.length > NAMED_FILES ? ` and ${unknown.length - NAMED_FILES} more` : ''
    out.push({
      code: 'files_not_understood',
      message: `${side}: ${unknown.length} file(s) memgap does not recognise were left out: ${named}${more}`,
    })
  }
  const problems: Warning[] = []
  for (const file of bundle.files) {
    const byCode = new Map<string, { first: Warning; count: number }>()
    for (const w of file.warnings) {
      const seen = byCode.get(w.code)
      if (seen) seen.count++
      else byCode.set(w.code, { first: w, count: 1 })
    }
    for (const { first, count } of byCode.values()) {
      const similar = count > 1 ? ` (${count} lines like it)` : ''
      problems.push({ ...first, file: first.file ?? file.path, message: `${side}: ${file.path}: ${first.message}${similar}` })
    }
  }
  out.push(...problems.slice(0, MAX_PER_BUNDLE))
  if (problems.length > MAX_PER_BUNDLE) {
    out.push({
      code: 'more_file_warnings',
      message: `${side}: ${problems.length - MAX_PER_BUNDLE} more file warnings: see GET /v1/bundles/${bundle.id}`,
    })
  }
  return out
}
