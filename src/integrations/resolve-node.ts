import { lookup } from 'node:dns/promises'
import type { Resolve } from './callback-url.ts'

// Node only (imports node:dns): the resolver for checkCallbackUrl in the Node entry. Workers pass
// none; their fetch() cannot reach private networks. lookup() follows /etc/hosts as fetch() does.
export const resolveWithDns: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)
