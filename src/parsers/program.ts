/**
 * Which program a process is, from its command name (`comm`, status `Name`) and its command line.
 *
 * An interpreter hosts many programs, so its path names none of them:
 *
 *   /usr/bin/python3 -u /opt/x/app.py --port 80      -> app.py
 *   python3 -m http.server 8000                      -> http.server
 *   java -Xmx1g -cp /opt/lib/* org.acme.Main         -> org.acme.Main
 *   java -jar /opt/kafka/kafka-ui.jar                -> kafka-ui.jar
 *   node --max-old-space-size=512 server.js          -> server.js
 *   /bin/sh /tmp/cap/run.sh                          -> run.sh
 *
 * A name the process set for itself (prctl PR_SET_NAME, so `comm` is neither the interpreter nor
 * a cut of the script's name) beats the script: three daemons running one producer.py under
 * their own names are three programs. `sh -c '…'`, `python3 -c '…'` and `node -e '…'` run no
 * file: the interpreter's name stays.
 */
import { basename } from './common.ts'

/** Interpreters and shells, by the base name of their binary (versions allowed: python3.11). */
const INTERPRETER =
  /^(python[\d.]*|pypy[\d.]*|perl[\d.]*|ruby[\d.]*|node|nodejs|bun|deno|java|php[\d.]*|lua[\d.]*|luajit|tclsh[\d.]*|wish[\d.]*|Rscript|dotnet|mono|sh|bash|dash|ash|zsh|ksh|mksh)$/

/** Options whose value is the next token, per interpreter family. */
const TAKES_VALUE: Record<string, Set<string>> = {
  python: new Set(['-W', '-X', '-Q', '--check-hash-based-pycs']),
  java: new Set([
    '-cp',
    '-classpath',
    '--class-path',
    '-p',
    '--module-path',
    '--add-opens',
    '--add-exports',
    '--add-modules',
    '--add-reads',
    '-javaagent',
  ]),
  node: new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '-C', '--conditions']),
  shell: new Set(['-o', '-O', '+o', '+O']),
  other: new Set(['-I', '-r', '-d', '-c', '-C']),
}
/** Options that mean "run this text", not a file: no script to name. */
const INLINE = new Set(['-c', '-e', '-E', '--eval', '-p', '--print'])

export function isInterpreter(name: string): boolean {
  return INTERPRETER.test(name)
}

function family(interpreter: string): keyof typeof TAKES_VALUE {
  if (/^(python|pypy)/.test(interpreter)) return 'python'
  if (interpreter === 'java') return 'java'
  if (/^(node|nodejs|bun|deno)$/.test(interpreter)) return 'node'
  if (/^(sh|bash|dash|ash|zsh|ksh|mksh)$/.test(interpreter)) return 'shell'
  return 'other'
}

/** The script, module, jar or main class an interpreter runs, or null when it runs none. */
export function scriptOf(interpreter: string, tokens: string[]): string | null {
  const kind = family(interpreter)
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (kind === 'python' && token === '-m') return tokens[i + 1] ?? null
    if (kind === 'java' && token === '-jar') return tokens[i + 1] ? basename(tokens[i + 1]!) : null
    if (kind === 'java' && (token === '-m' || token === '--module')) return tokens[i + 1]?.split('/').pop() ?? null
    if (INLINE.has(token) && !(kind === 'other' && token === '-c')) return null
    if (TAKES_VALUE[kind]!.has(token)) {
      i++
      continue
    }
    if (token.startsWith('-') || token.startsWith('+')) continue
    if (kind === 'node' && interpreter === 'deno' && token === 'run') continue
    // A main class is named as written (org.acme.Main); a file by its base name.
    return kind === 'java' ? token : basename(token)
  }
  return null
}

/** The program's name: see the top of this file. */
export function programName(comm: string | null, args: string | null): string | null {
  const tokens = args?.trim().split(/\s+/) ?? []
  const first = tokens[0]?.replace(/^-/, '') ?? '' // a login shell is `-bash`
  const binary = first.startsWith('/') ? basename(first) : first
  const interpreter = isInterpreter(binary) ? binary : comm && isInterpreter(comm) && !first ? comm : null
  if (!interpreter) {
    if (first.startsWith('/')) return binary
    return comm || binary || null
  }
  const script = scriptOf(interpreter, tokens.slice(1))
  const own = comm && !isInterpreter(comm) && !script?.startsWith(comm) ? comm : null
  return own ?? script ?? interpreter
}
