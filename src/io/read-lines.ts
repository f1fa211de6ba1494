/** Reads a file of lines a chunk at a time: a JSON-lines file may be larger than a string can be (V8: 512 MB). */
import type { FileHandle } from "node:fs/promises";

/** One line's bytes, without its newline, and where it starts in the file. */
export interface Line {
  bytes: Buffer;
  start: number;
}

/**
 * Every line of the file, in order, the last one too when it lacks its newline (a torn line).
 * Split on the newline byte, which no multi-byte UTF-8 character holds, so a character cut by
 * a chunk's end is whole again in its line. A "\r" before the newline is left to the reader.
 * `chunkSize`: bytes read at a time (1 MiB); memory holds a chunk and the longest line.
 */
export async function* readLines(handle: FileHandle, { chunkSize = 1024 * 1024 }: { chunkSize?: number } = {}): AsyncGenerator<Line> {
  const chunk = Buffer.alloc(chunkSize);
  // The start of a line that runs past the chunks read so far.
  let parts: Buffer[] = [];
  let lineStart = 0;
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(chunk, 0, chunkSize, position);
    if (bytesRead === 0) break;
    const data = chunk.subarray(0, bytesRead);
    let from = 0;
    for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, from)) {
      // Copied: the chunk is read into again.
      const bytes = Buffer.concat([...parts, data.subarray(from, at)]);
      yield { bytes, start: lineStart };
      parts = [];
      lineStart = position + at + 1;
      from = at + 1;
    }
    if (from < bytesRead) parts.push(Buffer.from(data.subarray(from)));
    position += bytesRead;
  }
  if (parts.length > 0) yield { bytes: Buffer.concat(parts), start: lineStart };
}
