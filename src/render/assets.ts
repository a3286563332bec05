// The report page's own CSS and script: constants, so a Content-Security-Policy can name them by
// hash and nothing else (no injected <script>, no external resource) is ever allowed to run or load.

import { TONES, type Tone } from './svg.ts'

/** Fills for a dark page: the light ones lifted so bars keep their contrast on a dark card. */
const DARK_TONES: Record<Tone, string> = {
  grow: '#fb923c',
  shrink: '#60a5fa',
  total: '#cbd5e1',
  baseline: '#8195ad',
  suspect: '#fb923c',
  arena: '#a78bfa',
  heap: '#22d3ee',
  'thread-stack': '#fbbf24',
  stack: '#d6a848',
  anon: '#94a3b8',
  json: '#60a5fa',
  text: '#2dd4bf',
  partial: '#3b6f9e',
  fragments: '#2c4a66',
  other: '#475569',
  value: '#a5b4fc',
  p1: '#fdba74',
  p2: '#fb923c',
  p3: '#ea580c',
}

const tones = Object.keys(TONES) as Tone[]
const toneVars = (palette: Record<Tone, string>) => tones.map((t) => `--${t}:${palette[t]};`).join('')
const toneRules = tones.map((t) => `.t-${t}{fill:var(--${t});background:var(--${t})}`).join('')

export const CSS = `:root{color-scheme:light dark;--bg:#f4f6f8;--card:#fff;--fg:#17202a;--muted:#4a5563;--line:#d8dee5;--code:#eef1f4;--accent:#b93c0a;--ok:#166534;--warn:#92400e;--low:#6b7280;${toneVars(TONES)}}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--card:#181d23;--fg:#e7eaee;--muted:#a9b3bf;--line:#2c343e;--code:#0c0f13;--accent:#fb923c;--ok:#86efac;--warn:#fcd34d;--low:#cbd5e1;${toneVars(DARK_TONES)}}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:1120px;margin:0 auto;padding:20px 16px 40px}
h1{font-size:1.6rem;line-height:1.25;margin:.1rem 0 .4rem;overflow-wrap:anywhere}
h1 .vs{color:var(--muted);font-weight:400;font-size:1.1rem}
h2{font-size:1.15rem;margin:0 0 .2rem}
h3{font-size:1.05rem;margin:.2rem 0 .5rem;overflow-wrap:anywhere}
h4{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:1rem 0 .35rem}
p{margin:.4rem 0}
.eyebrow{margin:0;color:var(--accent);font-weight:700;font-size:.8rem;letter-spacing:.08em;text-transform:uppercase}
.meta,.note,figcaption,.sub{color:var(--muted);font-size:.85rem}
.meta{overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:16px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px 14px;min-width:0}
.card .k{font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.card .v{font-size:1.45rem;font-weight:700;line-height:1.2;overflow-wrap:anywhere}
.card .v.grow{color:var(--accent)}
.card .s{font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}
section{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:16px 18px;margin:16px 0;min-width:0}
.summary{font-size:1.02rem;border-left:4px solid var(--accent)}
.grid{display:grid;gap:16px}
.grid>section{margin:0}
@media (min-width:900px){.grid.two{grid-template-columns:1fr 1fr}}
figure{margin:.6rem 0 0;min-width:0;container-type:inline-size}
@container (max-width:440px){.chart .more{display:none}}
.chart{display:block;overflow:visible}
.chart text{fill:var(--fg)}
.chart .num{fill:var(--muted);font-variant-numeric:tabular-nums}
.chart .head{fill:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.chart .zero{stroke:var(--muted)}
.chart rect:hover{opacity:.8}
${toneRules}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 14px;padding:0;margin:.5rem 0 0;font-size:.82rem;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:6px}
.key{display:inline-block;width:11px;height:11px;border-radius:3px}
.dumps{display:grid;gap:16px}
@media (min-width:900px){.dumps:not(.one){grid-template-columns:1fr 1fr}}
.dump{border:1px solid var(--line);border-radius:10px;padding:12px;min-width:0}
.dump h3{font-size:.95rem}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.84rem}
code{overflow-wrap:anywhere}
.excerpt{display:block;margin-top:3px;background:var(--code);border:1px solid var(--line);padding:6px 9px;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
.finding{border:1px solid var(--line);border-left:5px solid var(--low);border-radius:12px;padding:14px 16px;margin:14px 0 0}
.finding.high{border-left-color:var(--accent)}
.finding.medium{border-left-color:var(--warn)}
.badges{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.badge{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:1px 9px;font-size:.78rem;font-weight:600;color:var(--muted);background:var(--code)}
.badge.high{color:var(--accent);border-color:var(--accent)}
.badge.medium{color:var(--warn);border-color:var(--warn)}
.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(135px,1fr));gap:8px 16px;margin:.6rem 0}
.facts div{min-width:0}
.facts dt{font-size:.75rem;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.meter{display:block;margin-top:4px}
.meter .track{fill:var(--code);stroke:var(--line)}
.config{border:1px solid var(--line);border-radius:10px;overflow:hidden;margin:.4rem 0}
.config-head{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:6px 10px;background:var(--code);border-bottom:1px solid var(--line);font-size:.8rem;color:var(--muted)}
.config pre{margin:0;padding:10px 12px;white-space:pre;overflow-x:auto;font-size:.9rem}
button{font:inherit;font-size:.8rem;font-weight:600;border:1px solid var(--line);background:var(--card);color:var(--fg);border-radius:6px;padding:3px 12px;cursor:pointer}
button:hover{border-color:var(--accent)}
button:focus-visible,summary:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.evidence{margin:.2rem 0;padding-left:1.3rem}
.evidence li{margin:.45rem 0}
.where{font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}
.where b{color:var(--fg);font-weight:600}
details{margin:.5rem 0}
summary{cursor:pointer;color:var(--muted);font-size:.9rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:.78rem;text-transform:uppercase;letter-spacing:.04em}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.warnings li{margin:.3rem 0}
footer{color:var(--muted);font-size:.8rem;text-align:center;margin-top:24px;overflow-wrap:anywhere}
@media (max-width:520px){main{padding:12px 10px 32px}section{padding:14px 12px}.finding{padding:12px 10px}h1{font-size:1.3rem}.card .v{font-size:1.25rem}}
@media print{body{background:#fff}section,.finding{break-inside:avoid}button{display:none}}`

/** Shows the copy buttons (they are hidden without JS) and copies a <pre>, with a fallback for http. */
export const SCRIPT = `document.querySelectorAll('button[data-copy]').forEach(function (b) {
  b.hidden = false
  b.addEventListener('click', function () {
    var pre = document.getElementById(b.getAttribute('data-copy'))
    if (!pre) return
    var done = function (label) { b.textContent = label; setTimeout(function () { b.textContent = 'Copy' }, 1600) }
    var select = function () {
      var range = document.createRange()
      range.selectNodeContents(pre)
      var sel = window.getSelection()
      sel.removeAllRanges()
      sel.addRange(range)
      try { done(document.execCommand('copy') ? 'Copied' : 'Press Ctrl+C') } catch (e) { done('Press Ctrl+C') }
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(pre.textContent).then(function () { done('Copied') }, select)
    else select()
  })
})`

// sha256 of CSS and SCRIPT, as CSP source expressions. test/render/html.test.ts recomputes them
// and says the new values when either constant changes.
export const CSS_HASH = 'sha256-SXy+smYyE1P1hptm5kSRCWtGFDr+2wDl49jlfT5un/o='
export const SCRIPT_HASH = 'sha256-wvtKY46cALdMgs/+6U7A8WLLk1RIS4uPMepK4PcxYDw='

/**
 * The report's Content-Security-Policy: its own style and script only, nothing fetched, no forms,
 * no frames. The page carries it in a <meta>; a server may send it as a header too.
 */
export const HTML_CSP = [
  "default-src 'none'",
  `style-src '${CSS_HASH}'`,
  `script-src '${SCRIPT_HASH}'`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')
