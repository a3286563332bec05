// The renderers: pure functions from a Diagnosis to a string. No I/O, no runtime imports.

export { HTML_CSP } from './assets.ts'
export { type Chart, dumpChart, gapChart, processChart, regionChart } from './charts.ts'
export { renderHtml } from './html.ts'
export { type RenderOptions, renderMarkdown } from './markdown.ts'
export { renderText } from './text.ts'
