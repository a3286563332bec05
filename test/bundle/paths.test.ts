import { describe, expect, it } from 'vitest'
import { safePath } from '../../src/bundle/paths.ts'

describe('safePath', () => {
  it.each([
    ['proc/meminfo', 'proc/meminfo'],
    ['./proc/meminfo', 'proc/meminfo'],
    ['././proc/meminfo', 'proc/meminfo'],
    ['.//proc//1234///status', 'proc/1234/status'],
    ['proc/./meminfo', 'proc/meminfo'],
    ['dumps/', 'dumps'],
    ['ps.txt', 'ps.txt'],
    ['...', '...'],
    ['..foo/bar..', '..foo/bar..'],
    ['dir\\file.txt', 'dir\\file.txt'],
    ['ünïcode/ファイル.txt', 'ünïcode/ファイル.txt'],
    ['host:8080/x', 'host:8080/x'],
  ])('%j -> %j', (raw, expected) => {
    expect(safePath(raw)).toBe(expected)
  })

  it.each([
    '',
    '.',
    './',
    '//',
    '/etc/passwd',
    '//etc/passwd',
    '../etc/passwd',
    'a/../b',
    'a/..',
    '..',
    './../x',
    'a/b/../../../x',
    '..\\..\\windows\\system32',
    'a\\..\\b',
    'dir/..\\x',
    '\\\\server\\share\\x',
    '\\etc\\passwd',
    'C:\\Windows\\x',
    'C:/Windows/x',
    'c:relative',
    'a:b',
    'a\0b',
    'proc/meminfo\0.txt',
  ])('%j is refused', (raw) => {
    expect(safePath(raw)).toBeNull()
  })
})
