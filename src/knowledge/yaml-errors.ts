import { isMap, isScalar, isSeq, type Document, type LineCounter } from "yaml";

/**
 * The 1-based line a YAML syntax error is reported on, for the person who made it. yaml reports an
 * unclosed quote or bracket where it gave up, often the file's last line; the innermost
 * `key: value` whose value runs to that point is where the typo is, so its key's line is given.
 */
export function yamlErrorLine(doc: Document, lineCounter: LineCounter, errorOffset: number): number {
  return lineCounter.linePos(startOfBrokenField(doc.contents, errorOffset) ?? errorOffset).line;
}

function startOfBrokenField(node: unknown, offset: number): number | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
      if (!keyRange || !valueRange || offset < valueRange[0] || offset > valueRange[2]) continue;
      return startOfBrokenField(pair.value, offset) ?? keyRange[0];
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const range = (item as { range?: [number, number, number] } | null)?.range;
      if (range && offset >= range[0] && offset <= range[2]) return startOfBrokenField(item, offset) ?? range[0];
    }
  }
  return undefined;
}

/** yaml's message without its own "at line N, column M" (the problem names the line staff should look at, which may differ). */
export function yamlErrorMessage(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}
