import { request } from 'node:http'

/**
 * POSTs `total` bytes chunked (no Content-Length), 64 KiB a write, and stops writing as soon as
 * an answer comes: `sent` is how much the server let in before it answered.
 */
export function postChunked(
  url: string,
  headers: Record<string, string>,
  total: number,
): Promise<{ status: number; body: string; sent: number; error?: string }> {
  const chunk = Buffer.alloc(64 * 1024, 0x20) // JSON whitespace: a valid prefix of any JSON text
  return new Promise((resolve) => {
    let sent = 0
    let answered = false
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      answered = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => (body += d))
      res.on('end', () => {
        req.destroy()
        resolve({ status: res.statusCode!, body, sent })
      })
    })
    // A server that answers and closes while the body still comes may reset the connection
    // before its answer is read: that is a refusal too, reported as status 0 with the error.
    req.on('error', (error) =>
      answered ? undefined : resolve({ status: 0, body: '', sent, error: (error as NodeJS.ErrnoException).code ?? error.message }),
    )
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.byteLength
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      if (!answered) req.end()
    }
    pump()
  })
}
