// The renderers: pure functions from a Diagnosis to a string. No I/O, no runtime imports.
export { renderMarkdown, type RenderOptions } from './markdown.ts'
export { renderText } from './text.ts'
export { renderHtml } from './html.ts'
export { HTML_CSP } from './assets.ts'
export { dumpChart, gapChart, processChart, regionChart, type Chart } from './charts.ts'
