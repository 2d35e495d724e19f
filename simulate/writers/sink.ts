// Streaming file output: text is buffered and flushed with synchronous writes, so memory stays bounded
// by one patient's rows and the output order is exactly the call order.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type TextEncoding = 'utf8' | 'latin1';

export class FileSink {
  private fd: number;
  private parts: string[] = [];
  private size = 0;
  /** Data rows written (lines after the header, for tabular files; lines for NDJSON). */
  rows = 0;
  bytes = 0;

  constructor(
    readonly path: string,
    private readonly encoding: TextEncoding = 'utf8',
    bom = false,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    if (bom) this.writeBuffer(Buffer.from([0xef, 0xbb, 0xbf]));
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  /** Write one line (the terminator is added). */
  line(text: string, newline = '\n'): void {
    this.write(text + newline);
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.encoding === 'latin1') {
      for (let i = 0; i < text.length; i++)
        if (text.charCodeAt(i) > 0xff) throw new Error(`${this.path}: character ${JSON.stringify(text[i])} has no Latin-1 encoding`);
    }
    this.writeBuffer(Buffer.from(text, this.encoding));
  }

  private writeBuffer(buf: Buffer): void {
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
