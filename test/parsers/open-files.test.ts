import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ParsedBundle } from '../../schemas/bundle.ts'
import { looksLikeOpenFiles, openFilesSource, parseOpenFiles } from '../../src/parsers/open-files.ts'
import { parsedBytes } from '../helpers/diagnose.ts'
import { tarGz } from '../helpers/tar.ts'

const sample = (name: string) => readFileSync(new URL(`../fixtures/samples/${name}`, import.meta.url), 'utf8')

describe('open files (proc/<pid>/fd.txt)', () => {
  it('reads the working folder, the program and the paths a process holds open (not sockets)', () => {
    expect(parseOpenFiles(sample('queues-fd.txt')).data).toEqual({
      cwd: '/opt/qcap/mqtt-python',
      exe: '/usr/bin/python3.11',
      paths: ['/dev/null', '/tmp/tmp.YMqW5O63i9.log', '/dev/null', '/tmp/tmp.YMqW5O63i9.log', '/opt/qcap/mqtt-python/meter-gateway.log'],
    })
    const node = parseOpenFiles(sample('queues-redis-node-fd.txt')).data
    expect(node.exe).toBe('/usr/bin/node')
    expect(node.paths).toContain('/opt/qcap/redis-node/order-events.log')
    expect(node.paths.some((p) => !p.startsWith('/'))).toBe(false) // pipes, sockets and eventfds left out
  })

  it('is taken by its header line only', () => {
    expect(looksLikeOpenFiles(sample('queues-redis-node-fd.txt'))).toBe(true)
    expect(looksLikeOpenFiles('3 /var/log/x.log\nFD TARGET\n')).toBe(false)
    expect(looksLikeOpenFiles(sample('kafka-suspect-vmstat.txt'))).toBe(false)
  })

  it('keeps nothing of a list with no file, and the PID its proc/<pid>/ path names', () => {
    expect(openFilesSource.keep(parseOpenFiles('FD TARGET\n5 socket:[1]\n').data, 'proc/9/fd.txt')).toBeNull()
    expect(openFilesSource.keep(parseOpenFiles('FD TARGET\ncwd /x\n').data, 'proc/9/fd.txt')).toMatchObject({ pid: 9, cwd: '/x' })
    expect(openFilesSource.keep(parseOpenFiles('FD TARGET\ncwd /x\n').data, 'config/etc/60/fd.txt')!.pid).toBeNull()
  })

  it('is a kind of its own in a bundle, kept under openFiles and not scanned for client lines', async () => {
    const bundle = ParsedBundle.parse(await parsedBytes(tarGz([{ name: 'b/proc/9/fd.txt', body: sample('queues-redis-node-fd.txt') }])))
    expect(bundle.files[0]!.kind).toBe('open-files')
    expect(bundle.openFiles).toEqual([expect.objectContaining({ file: 'b/proc/9/fd.txt', pid: 9, cwd: '/opt/qcap/redis-node' })])
    expect(bundle.clientLines).toEqual([])
  })
})
