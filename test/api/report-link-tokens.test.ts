import { describe, expect, it } from 'vitest'
import { signReportLink, verifyReportLink } from '../../src/report-links.ts'

// A report link is a bearer credential: one spelling per token, or two links to one report
// look different and a cache, a log search or a revocation list keyed on the token misses one.

const SECRET = 'report-link-secret-0123456789'
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The same bits with the unused low bits of the last character set (atob ignores them). */
function spareBitsSet(part: string): string | null {
  const unused = part.length % 4 === 2 ? 4 : part.length % 4 === 3 ? 2 : 0
  if (!unused) return null
  const last = B64URL.indexOf(part.at(-1)!)
  return part.slice(0, -1) + B64URL[last | ((1 << unused) - 1)]
}

describe('report link tokens', () => {
  it('verify as signed, and refuse every other spelling of the same bytes', async () => {
    const token = await signReportLink(SECRET, 'acme', 'd1', 1)
    expect(await verifyReportLink(SECRET, token)).toEqual({ tenant: 'acme', diagnosisId: 'd1' })
    const [body, signature] = token.split('.') as [string, string]
    const variants: string[] = []
    for (const [i, part] of [body, signature].entries()) {
      const other = i === 0 ? signature : body
      const join = (p: string) => (i === 0 ? `${p}.${other}` : `${other}.${p}`)
      const spare = spareBitsSet(part)
      if (spare) variants.push(join(spare))
      variants.push(join(`${part}${'='.repeat((4 - (part.length % 4)) % 4) || '=='}`)) // padded
    }
    // A standard-base64 spelling: the signature of a token with a '-' or '_' in it.
    let std: string | null = null
    for (let d = 0; !std && d < 200; d++) {
      const t = await signReportLink(SECRET, 'acme', `d${d}`, 1)
      if (/[-_]/.test(t)) std = t.replace(/-/g, '+').replace(/_/g, '/')
    }
    expect(std).not.toBeNull()
    variants.push(std!)
    expect(variants.length).toBeGreaterThanOrEqual(3)
    for (const variant of variants) {
      await expect(verifyReportLink(SECRET, variant), variant).rejects.toMatchObject({ code: 'report_link_invalid', status: 404 })
    }
  })
})
