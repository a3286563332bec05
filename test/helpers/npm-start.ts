import { readFileSync } from 'node:fs'

/**
 * The node flags and script of `npm start`, read from package.json, so that the tests and the
 * bench run the server exactly as users do: `npm run build --silent && node <flags> dist/node.mjs <options>`.
 */
export function npmStartArgs(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }
  const command = /\bnode ((?:--\S+ )*)(dist\/node\.mjs)((?: --\S+)*)$/.exec(pkg.scripts.start)
  if (!command) throw new Error(`npm start is not "… node [flags] dist/node.mjs [options]": ${pkg.scripts.start}`)
  return [...command[1]!.split(' ').filter(Boolean), command[2]!, ...command[3]!.split(' ').filter(Boolean)]
}
